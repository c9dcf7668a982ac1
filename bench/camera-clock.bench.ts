// Benchmark: the camera-clock reading (src/ingest/camera-clock.ts) against the RTSP fixture server serving a
// clock set off by a known offset: the error of the measured offset, and what the extra ffmpeg output costs
// (ffmpeg CPU with and without it, bytes through the clock pipe, node time parsing them).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CameraClockReader, CLOCK_SETTLE_MS } from '../src/ingest/camera-clock.js';
import { buildDecodeArgs } from '../src/ingest/ffmpeg-args.js';
import { startRtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import type { BenchContext } from './run.js';
import { numArg, percentile } from './common.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/media');
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const USER_HZ = 100;

/**
 * A camera-like stream for the cost: the street fixture at 1920x1080, 25 fps, 4 Mbit/s with sensor noise, 20 s
 * (looped by the server). The fixture itself is 640x360 at 33 kbit/s and would understate the copy.
 */
async function cameraLikeClip(out: string): Promise<void> {
  await promisify(execFile)('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', path.join(media, 'street.mp4')],
    ...['-t', '20', '-an', '-vf', 'fps=25,scale=1920:1080,noise=alls=8:allf=t', '-c:v', 'libx264'],
    ...['-preset', 'ultrafast', '-b:v', '4M', '-maxrate', '4M', '-bufsize', '8M', '-g', '50', '-pix_fmt', 'yuv420p'],
    out,
  ]);
}

/** User + system CPU seconds of a live process. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

interface Run {
  cpuSeconds: number;
  clockBytesPerSecond: number;
  parseMsPerSecond: number;
  offsetsMs: number[];
}

/** Runs ffmpeg as the camera source does for `seconds`, draining both outputs. */
async function runDecoder(url: string, seconds: number, clock: boolean): Promise<Run> {
  const args = buildDecodeArgs({ source: url, fps: 5, width: 640, height: 360, clockFd: clock ? 3 : undefined });
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore', 'pipe'] });
  const reader = new CameraClockReader();
  reader.reset(Date.now());
  let bytes = 0;
  let parseMs = 0;
  const offsetsMs: number[] = [];
  child.stdout?.resume();
  child.stdio[3]?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    const t = performance.now();
    reader.push(chunk, Date.now());
    parseMs += performance.now() - t;
    if (reader.offsetMs !== null) offsetsMs.push(reader.offsetMs);
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = cpuSeconds(child.pid as number);
  const exited = new Promise((r) => child.once('close', r));
  child.kill('SIGTERM');
  await exited;
  return { cpuSeconds: cpu, clockBytesPerSecond: bytes / seconds, parseMsPerSecond: parseMs / seconds, offsetsMs };
}

export default async function run(ctx: BenchContext): Promise<object> {
  const seconds = numArg(ctx.args, 'seconds', 30);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-camera-clock-'));
  const clip = path.join(dir, 'camera-1080p.mp4');
  await cameraLikeClip(clip);
  // The offsets on the fixture (10 fps); the cost on the camera-like clip with the right clock.
  const runs = [
    { offset: 0, file: path.join(media, 'street.mp4'), fps: 10 },
    { offset: 30, file: path.join(media, 'street.mp4'), fps: 10 },
    { offset: -7.5, file: path.join(media, 'street.mp4'), fps: 10 },
    { offset: 0, file: clip, fps: 25 },
  ];
  const accuracy = [];
  let cost: object | null = null;
  for (const { offset, file, fps } of runs) {
    const server = await startRtspFixtureServer({
      streams: [{ mount: 'street', file }],
      clockOffsetSeconds: offset,
    });
    try {
      const url = server.url('street');
      const withClock = await runDecoder(url, seconds, true);
      const errors = withClock.offsetsMs.map((ms) => ms / 1000 - offset);
      accuracy.push({
        stream: `${path.basename(file)} ${fps} fps`,
        setOffsetSeconds: offset,
        readings: errors.length,
        errorSecondsMedian: +percentile(errors, 50).toFixed(3),
        errorSecondsMin: +Math.min(...errors).toFixed(3),
        errorSecondsMax: +Math.max(...errors).toFixed(3),
      });
      if (file === clip) {
        const without = await runDecoder(url, seconds, false);
        cost = {
          ffmpegCpuSecondsWithClock: withClock.cpuSeconds,
          ffmpegCpuSecondsWithout: without.cpuSeconds,
          clockBytesPerSecond: Math.round(withClock.clockBytesPerSecond),
          nodeParseMsPerSecond: +withClock.parseMsPerSecond.toFixed(3),
        };
      }
    } finally {
      await server.stop();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    note: `each stream decoded to 640x360 at 5 fps for ${seconds} s per run; readings after the ${CLOCK_SETTLE_MS / 1000} s settle time; cost on a 1080p 25 fps 4 Mbit/s clip`,
    accuracy,
    cost,
  };
}
