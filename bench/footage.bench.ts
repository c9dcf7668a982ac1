// Footage benchmark: CPU share of recording by stream copy (10 RTSP streams, /proc/<pid>/stat over 20 s),
// and seconds to export 1-minute and 10-minute clips from 60 s segments.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { writeClip } from '../src/recording/clip-writer.js';
import { runTool } from '../src/recording/probe.js';
import { Recorder } from '../src/recording/recorder.js';
import { importFootage } from '../src/recording/segment-import.js';
import { SegmentFiler, type SegmentIndex } from '../src/recording/segment-filer.js';
import { RecordingStorage } from '../src/recording/storage.js';
import type { Segment } from '../src/store/segment-repo.js';
import type { BenchContext } from './run.js';

const STREAMS = 10;
const MEASURE_S = 20;
/** Linux reports process CPU time in clock ticks of 1/100 s on every common build. */
const CLK_TCK = 100;
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An index in memory: the benchmark measures ffmpeg and files, not the database. */
function memoryIndex(): SegmentIndex & { rows: Segment[] } {
  const rows: Segment[] = [];
  return { rows, insert: async (s) => (rows.push({ ...s, id: rows.length + 1 }), rows[rows.length - 1]) };
}

/** utime + stime of a process, seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Idle and total jiffies of the whole machine, from the first line of /proc/stat. */
function machineCpu(): { idle: number; total: number } {
  const nums = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: nums[3] + nums[4], total: nums.reduce((a, b) => a + b, 0) };
}

/** A camera-like source: 1080p, 25 fps, 4 Mbit/s H.264, keyframe every 2 s, no B-frames. */
async function cameraLikeFile(dir: string): Promise<string> {
  const file = path.join(dir, 'camera-1080p25.mp4');
  await runTool('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=25',
    '-t',
    '20',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '4M',
    '-maxrate',
    '4M',
    '-bufsize',
    '8M',
    '-g',
    '50',
    '-bf',
    '0',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

async function recordingCpu(dir: string, source: string) {
  const server = await startRtspFixtureServer({
    streams: Array.from({ length: STREAMS }, (_, i) => ({ mount: `/s${i}`, file: source })),
  });
  const storage = new RecordingStorage(path.join(dir, 'rec'), path.join(dir, 'exp'));
  const index = memoryIndex();
  const filer = new SegmentFiler(storage, index);
  const recorders = Array.from(
    { length: STREAMS },
    (_, i) =>
      new Recorder({
        cameraId: `cam-${i}`,
        source: server.url(`/s${i}`),
        segmentSeconds: 10,
        storage,
        filer,
        accept: async (p) => void (await filer.commit(p)),
      }),
  );
  try {
    for (const r of recorders) r.start();
    // Past connection and probing: every recorder has written footage.
    for (let waited = 0; recorders.some((r) => r.pid === null) || waited < 5000; waited += 500) await sleep(500);
    const pids = recorders.map((r) => r.pid as number);
    const before = pids.map(cpuSeconds);
    const nodeBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const t0 = performance.now();
    await sleep(MEASURE_S * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const perStream = pids.map((pid, i) =>
      existsSync(`/proc/${pid}`) ? (cpuSeconds(pid) - before[i]) / seconds : NaN,
    );
    const node = process.cpuUsage(nodeBefore);
    const machineAfter = machineCpu();
    const footageSeconds = index.rows.reduce((n, r) => n + (r.endAt.getTime() - r.startAt.getTime()) / 1000, 0);
    const footageBytes = index.rows.reduce((n, r) => n + r.bytes, 0);
    const valid = perStream.filter((v) => Number.isFinite(v));
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    return {
      source: '1920x1080, 25 fps, 4 Mbit/s H.264 over RTSP/TCP from the GStreamer fixture server (same machine)',
      streams: STREAMS,
      measuredSeconds: round(seconds),
      cpuPercentOfOneCorePerStream: { mean: round(mean * 100, 2), max: round(Math.max(...valid) * 100, 2) },
      cpuPercentOfOneCoreAllStreams: round(mean * valid.length * 100, 1),
      nodeIndexingCpuPercent: round(((node.user + node.system) / 1e6 / seconds) * 100, 2),
      // Everything on the (shared) machine: the RTSP server, and other work running at the same time.
      machineBusyPercentAllProcesses: round(
        (1 - (machineAfter.idle - machineBefore.idle) / (machineAfter.total - machineBefore.total)) * 100,
        1,
      ),
      segmentsIndexed: index.rows.length,
      // Proves the streams arrived at full rate: bytes filed over footage seconds.
      receivedMbitPerSecondPerStream: round((footageBytes * 8) / 1e6 / footageSeconds, 2),
      restarts: recorders.reduce((n, r) => n + r.status().restarts, 0),
    };
  } finally {
    await Promise.all(recorders.map((r) => r.stop()));
    await server.stop();
  }
}

async function exportTimes(dir: string, source: string) {
  const storage = new RecordingStorage(path.join(dir, 'exp-rec'), path.join(dir, 'exp-out'));
  const filer = new SegmentFiler(storage, memoryIndex());
  const t0 = Date.UTC(2026, 10, 24, 2, 0, 0);
  const started = performance.now();
  // 11 minutes of footage (the 20 s file 33 times) in 60 s segments, the production default.
  const segments = await importFootage({
    file: source,
    cameraId: 'cam-x',
    startMs: t0,
    segmentSeconds: 60,
    repeat: 33,
    storage,
    filer,
  });
  const synthSeconds = (performance.now() - started) / 1000;
  const results: Record<string, unknown> = { segments: segments.length, synthesiseSeconds: round(synthSeconds, 2) };
  for (const minutes of [1, 10]) {
    // Starts and ends inside segments, so both ends are cut at keyframes.
    const from = t0 + 15_500;
    const to = from + minutes * 60_000;
    const out = path.join(dir, `clip-${minutes}m.mp4`);
    const progress: number[] = [];
    const t = performance.now();
    const clip = await writeClip({
      segments,
      fromMs: from,
      toMs: to,
      out,
      storage,
      onProgress: (f) => progress.push(f),
    });
    const seconds = (performance.now() - t) / 1000;
    results[`clip${minutes}min`] = {
      seconds: round(seconds, 2),
      mb: round(clip.bytes / 1e6, 1),
      mbPerSecond: round(clip.bytes / 1e6 / seconds, 0),
      durationSeconds: round(clip.durationSeconds, 2),
      progressReports: progress.length,
      segmentsJoined: clip.plan.parts.length,
    };
    rmSync(out, { force: true });
  }
  return results;
}

export default async function footageBench(_ctx: BenchContext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-footage-'));
  try {
    const source = await cameraLikeFile(dir);
    return {
      machine: { cores: os.cpus().length },
      recording: await recordingCpu(dir, source),
      export: await exportTimes(dir, source),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
