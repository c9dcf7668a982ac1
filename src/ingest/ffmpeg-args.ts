// Builds ffmpeg's argument list for decoding one camera source to raw rgb24 frames on stdout.
// We spawn ffmpeg through node:child_process with these arguments rather than fluent-ffmpeg: that
// package is deprecated upstream (archived, no longer maintained), and a typed array is all we need.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clockOutputArgs } from './camera-clock.js';

export type DecodeSource = { kind: 'rtsp'; url: string } | { kind: 'file'; path: string };

export interface DecodeArgsOptions {
  /** rtsp://, rtsps://, file:// URL, or a plain file path. */
  source: string;
  /** Frames per second delivered on stdout (ffmpeg's fps filter drops or repeats to reach it). */
  fps: number;
  /** Output frame size in pixels; the picture is scaled to exactly this, aspect ratio not kept. */
  width: number;
  height: number;
  /** RTSP: socket I/O timeout, so a server that goes silent makes ffmpeg exit. Default 5000 ms. */
  rtspTimeoutMs?: number;
  /**
   * RTSP: how much of the stream ffmpeg reads to learn its parameters before the first frame.
   * ffmpeg's own default (5 s) delays the first frame by about 3.5 s on the fixture server; 1 s gives 2.5 s less
   * and still covers cameras that send SPS/PPS only with keyframes once a second. Default 1000 ms.
   */
  probeMs?: number;
  /** Files: read at native speed, as a camera delivers (`-re`). Default true. */
  realtime?: boolean;
  /** Files: start over at the end, forever (`-stream_loop -1`). Default true. */
  loop?: boolean;
  /**
   * Decoder threads. Default 1: one thread decodes 1080p H.264 at about 200 fps (FACTS.md), far above a
   * camera's 25, leaves the other core to the models, and avoids frame threading's extra frames of delay.
   */
  threads?: number;
  /** ffmpeg's -loglevel; `error` keeps stderr to the lines worth reporting as lastError. Default 'error'. */
  logLevel?: 'quiet' | 'fatal' | 'error' | 'warning' | 'info';
  /**
   * RTSP: also write the camera's clock (RTCP sender reports, as MP4 prft boxes) to this file descriptor
   * (src/ingest/camera-clock.ts). Ignored for files. Default none.
   */
  clockFd?: number;
}

/** Bytes of one rgb24 frame. */
export function frameBytes(width: number, height: number): number {
  return width * height * 3;
}

/** Classifies a source string; file:// URLs become paths (file://relative/x.mp4 is taken as relative). */
export function parseSource(source: string): DecodeSource {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1]?.toLowerCase();
  if (scheme === 'rtsp' || scheme === 'rtsps') return { kind: 'rtsp', url: source };
  if (scheme === 'file') {
    const url = new URL(source);
    if (url.hostname === '' || url.hostname === 'localhost') return { kind: 'file', path: fileURLToPath(url) };
    return { kind: 'file', path: path.resolve(decodeURIComponent(source.slice('file://'.length))) };
  }
  if (scheme) throw new Error(`unsupported video source ${source}: use rtsp://, rtsps://, file:// or a file path`);
  return { kind: 'file', path: path.resolve(source) };
}

function checkPositive(name: string, value: number, integer: boolean): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

export function buildDecodeArgs(opts: DecodeArgsOptions): string[] {
  checkPositive('fps', opts.fps, false);
  checkPositive('width', opts.width, true);
  checkPositive('height', opts.height, true);
  const threads = opts.threads ?? 1;
  checkPositive('threads', threads, true);
  const source = parseSource(opts.source);

  const input: string[] = [];
  if (source.kind === 'rtsp') {
    const timeoutMs = opts.rtspTimeoutMs ?? 5000;
    const probeMs = opts.probeMs ?? 1000;
    checkPositive('rtspTimeoutMs', timeoutMs, true);
    checkPositive('probeMs', probeMs, true);
    input.push(
      // TCP interleaving: no lost UDP packets (smeared frames), and it passes NAT and firewalls.
      ...['-rtsp_transport', 'tcp'],
      // ffmpeg 5+ spells the socket I/O timeout -timeout, in microseconds (older builds used -stimeout).
      ...['-timeout', String(timeoutMs * 1000)],
      // Hand each packet on as it arrives rather than buffering for interleaving: we want the newest frame.
      ...['-fflags', 'nobuffer', '-flags', 'low_delay'],
      ...['-analyzeduration', String(probeMs * 1000)],
      ...['-i', source.url],
    );
  } else {
    if (opts.realtime ?? true) input.push('-re');
    if (opts.loop ?? true) input.push('-stream_loop', '-1');
    input.push('-i', source.path);
  }

  return [
    ...['-hide_banner', '-nostdin', '-loglevel', opts.logLevel ?? 'error'],
    ...['-threads', String(threads)],
    ...input,
    // Video only: audio, subtitle and data streams would only cost decode time.
    ...['-an', '-sn', '-dn'],
    // fps first, so frames that will be dropped are never scaled.
    ...['-vf', `fps=${opts.fps},scale=${opts.width}:${opts.height}`, '-filter_threads', String(threads)],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ...(source.kind === 'rtsp' && opts.clockFd !== undefined ? clockOutputArgs(opts.clockFd) : []),
  ];
}
