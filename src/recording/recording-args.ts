// Typed ffmpeg/ffprobe argument lists for recording (stream copy into segments), clip joins and probes.
import { parseSource } from '../ingest/ffmpeg-args.js';

export interface RecordArgsOptions {
  /** rtsp://, rtsps://, file:// URL or a file path (files are read in real time and looped, as a camera). */
  source: string;
  segmentSeconds: number;
  /** Output pattern with ffmpeg's %06d segment counter, e.g. /rec/cam/.incoming/run-%06d.ts. */
  outPattern: string;
  /** RTSP socket timeout, so a silent server makes ffmpeg exit and the watchdog restart it. Default 5000 ms. */
  rtspTimeoutMs?: number;
  /** How long ffmpeg probes the stream before writing; the probed packets are kept, not lost. Default 1000 ms. */
  probeMs?: number;
}

export function buildRecordArgs(o: RecordArgsOptions): string[] {
  if (!Number.isInteger(o.segmentSeconds) || o.segmentSeconds < 1)
    throw new RangeError(`segmentSeconds must be a positive integer, got ${o.segmentSeconds}`);
  if (!o.outPattern.includes('%06d')) throw new Error(`outPattern needs the %06d segment counter: ${o.outPattern}`);
  const source = parseSource(o.source);
  const input =
    source.kind === 'rtsp'
      ? [
          // TCP: a lost UDP packet would be a smeared picture kept forever in the evidence.
          ...['-rtsp_transport', 'tcp'],
          ...['-timeout', String((o.rtspTimeoutMs ?? 5000) * 1000)],
          ...['-analyzeduration', String((o.probeMs ?? 1000) * 1000)],
          ...['-i', source.url],
        ]
      : ['-re', '-stream_loop', '-1', '-i', source.path];
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...input,
    // Video only: cameras' G.711 audio cannot go into MPEG-TS without re-encoding, and recording
    // speech in public places needs its own legal basis.
    ...['-map', '0:v:0', '-c', 'copy'],
    // MPEG-TS segments: a file cut short by a crash or power loss still plays up to its last packet
    // (an MP4 without its moov atom does not), and TS files join with the concat demuxer as they are.
    ...['-f', 'segment', '-segment_format', 'mpegts', '-segment_time', String(o.segmentSeconds)],
    // Write each packet through at once instead of in 32 kB blocks: a killed ffmpeg loses no buffered
    // footage, and the open file's growth is the watchdog's sign of life even for low-bitrate streams.
    ...['-segment_format_options', 'flush_packets=1'],
    // Each segment's timestamps start near zero, so any one plays alone.
    ...['-reset_timestamps', '1'],
    // One CSV line (file,start,end) per closed segment on stdout: the recorder indexes at close.
    ...['-segment_list', 'pipe:1', '-segment_list_type', 'csv'],
    o.outPattern,
  ];
}

export interface ConcatArgsOptions {
  /** An ffconcat list file (see clip-plan.ts). */
  listFile: string;
  out: string;
  /** Written into the MP4's metadata (creation_time, comment...). */
  metadata?: Record<string, string>;
}

/** Joins segments into one MP4 without re-encoding; progress as key=value lines on stdout. */
export function buildConcatArgs(o: ConcatArgsOptions): string[] {
  const meta = Object.entries(o.metadata ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
    ...['-f', 'concat', '-safe', '0', '-i', o.listFile],
    ...['-map', '0:v:0', '-c', 'copy'],
    // Index at the front so players (and HTTP range playback) can start before the whole file arrives.
    ...['-movflags', '+faststart'],
    ...meta,
    ...['-progress', 'pipe:1', '-nostats'],
    ...['-f', 'mp4', o.out],
  ];
}

/** Keyframe packet times (pts, seconds, in the file's own timeline) of the first video stream. */
export function buildKeyframeProbeArgs(file: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file];
}

/** The file's start time and duration, seconds. */
export function buildFormatProbeArgs(file: string): string[] {
  return ['-v', 'error', '-show_entries', 'format=start_time,duration', '-of', 'json', file];
}
