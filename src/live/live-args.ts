// ffmpeg's argument lists for one camera's live view: the camera's H.264 copied (not re-encoded) into fragmented
// MP4, or, for codecs the browser cannot play, a small re-encoded MJPEG stream.
import { parseSource } from '../ingest/ffmpeg-args.js';

export interface LiveArgsOptions {
  /** rtsp://, rtsps://, file:// URL or a file path (files play in real time and loop, as a camera). */
  source: string;
  /** Longest fragment, ms; ffmpeg also starts a fragment at every keyframe. */
  fragmentMs: number;
  /** RTSP socket timeout, so a camera that goes silent ends the stream. Default 5000 ms. */
  rtspTimeoutMs?: number;
}

function inputArgs(src: string, rtspTimeoutMs = 5000): string[] {
  const source = parseSource(src);
  return source.kind === 'rtsp'
    ? [
        ...['-rtsp_transport', 'tcp'],
        ...['-timeout', String(rtspTimeoutMs * 1000)],
        // Hand packets on as they arrive: a live view wants the newest frame, not a smooth buffer.
        ...['-fflags', 'nobuffer', '-flags', 'low_delay'],
        ...['-analyzeduration', '1000000'],
        ...['-i', source.url],
      ]
    : ['-re', '-stream_loop', '-1', '-i', source.path];
}

export function buildLiveArgs(o: LiveArgsOptions): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...inputArgs(o.source, o.rtspTimeoutMs),
    // Video only, copied: no decode, no encode (the reason fMP4 was chosen; see bench/live.bench.ts).
    ...['-map', '0:v:0', '-c', 'copy'],
    // empty_moov: the init segment comes first and alone; default_base_moof: what MSE expects;
    // frag_keyframe + frag_duration: a fragment per keyframe and at least every fragmentMs.
    ...[
      '-f',
      'mp4',
      '-movflags',
      'empty_moov+default_base_moof+frag_keyframe',
      '-frag_duration',
      String(o.fragmentMs * 1000),
    ],
    'pipe:1',
  ];
}

export interface MjpegArgsOptions {
  source: string;
  /** Pictures per second sent. */
  fps: number;
  /** Picture width in pixels (height keeps the aspect ratio). */
  width: number;
  rtspTimeoutMs?: number;
}

/** The fallback for codecs the browser cannot play: decode, thin to fps, scale, JPEG (costs a decode per camera). */
export function buildMjpegArgs(o: MjpegArgsOptions): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...inputArgs(o.source, o.rtspTimeoutMs),
    ...['-map', '0:v:0', '-an'],
    ...['-vf', `fps=${o.fps},scale=${o.width}:-2`, '-c:v', 'mjpeg', '-q:v', '7'],
    ...['-f', 'mjpeg', 'pipe:1'],
  ];
}
