// ffmpeg's argument list for one camera's live view: the camera's H.264 copied (not re-encoded) into fragmented MP4.
import { parseSource } from '../ingest/ffmpeg-args.js';

export interface LiveArgsOptions {
  /** rtsp://, rtsps://, file:// URL or a file path (files play in real time and loop, as a camera). */
  source: string;
  /** Longest fragment, ms; ffmpeg also starts a fragment at every keyframe. */
  fragmentMs: number;
  /** RTSP socket timeout, so a camera that goes silent ends the stream. Default 5000 ms. */
  rtspTimeoutMs?: number;
}

export function buildLiveArgs(o: LiveArgsOptions): string[] {
  const source = parseSource(o.source);
  const input =
    source.kind === 'rtsp'
      ? [
          ...['-rtsp_transport', 'tcp'],
          ...['-timeout', String((o.rtspTimeoutMs ?? 5000) * 1000)],
          // Hand packets on as they arrive: a live view wants the newest frame, not a smooth buffer.
          ...['-fflags', 'nobuffer', '-flags', 'low_delay'],
          ...['-analyzeduration', '1000000'],
          ...['-i', source.url],
        ]
      : ['-re', '-stream_loop', '-1', '-i', source.path];
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...input,
    // Video only, copied: no decode, no encode (the reason fMP4 was chosen; see bench/live.bench.ts).
    ...['-map', '0:v:0', '-c', 'copy'],
    // empty_moov: the init segment comes first and alone; default_base_moof: what MSE expects;
    // frag_keyframe + frag_duration: a fragment per keyframe and at least every fragmentMs.
    ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe', '-frag_duration', String(o.fragmentMs * 1000)],
    'pipe:1',
  ];
}
