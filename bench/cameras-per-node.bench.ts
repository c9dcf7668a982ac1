// `npm run bench cameras-per-node [-- --kinds=checkpoint,street --steps=1,2,4,6,8 --seconds=15 --warmup=8 --threads=1
// --analysis-threads=N]` (N analysis worker threads, vision.analysisThreads; default one per core, 1 = the main thread):
// how many checkpoint and street cameras one node analyses at 5 fps before frames drop. The real camera path:
// the RTSP fixture server plays each camera, CameraWorkers runs ffmpeg decode and CameraPipeline per camera,
// events go to BullMQ on a fresh prefix. The count steps up until some camera keeps under 95% of 5 fps.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { CameraStatusStore } from '../src/ingest/camera-status-store.js';
import { startRtspFixtureServer, type RtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { createLogger } from '../src/lib/logger.js';
import { cameraFramesAnalysed, cameraFramesDropped, cameraFramesIn } from '../src/lib/metrics.js';
import { CameraWorkers } from '../src/pipeline/camera-workers.js';
import { EventBus } from '../src/queues/event-bus.js';
import { QueueSet } from '../src/queues/queue-set.js';
import { freshPrefix, stopTestRedis, testRedisUrl } from '../test/helpers/redis.js';
import type { BenchContext } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FPS = 5;
/** A camera "keeps up" at this share of its 5 fps. */
const KEEP = 0.95;
const CLK_TCK = 100;
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Kind = 'checkpoint' | 'street';

/** One kind of camera: the clips its cameras play (round robin) and the analysis block they run. */
interface KindSetup {
  kind: Kind;
  clips: { file: string; what: string }[];
  width: number;
  height: number;
  analysis: string;
}

const listArg = (args: string[], name: string, fallback: string) =>
  (args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback).split(',');
const numArg = (args: string[], name: string, fallback: number) => Number(listArg(args, name, String(fallback))[0]);

/** Re-encodes a clip as the fixtures are (H.264 without B-frames, 10 fps, keyframe each second) so RTSP replay is clean. */
async function cameraClip(input: string[], out: string, seconds: number): Promise<string> {
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...input,
    '-t',
    String(seconds),
    '-vf',
    'fps=10,format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-bf',
    '0',
    '-g',
    '10',
    '-an',
    out,
  ]);
  return out;
}

/** Checkpoint: CCPD's 720x1160 plate frames (one a second) when the evaluation data is there, else the 1280x720 fixture. */
async function checkpointSetup(dataDir: string | null, tmp: string): Promise<KindSetup> {
  const frames = dataDir ? path.join(dataDir, 'plates/ccpd-frames') : null;
  const analysis = (w: number, h: number) => `{ plates: true, objects: false, fps: ${FPS}, width: ${w}, height: ${h} }`;
  if (frames && existsSync(frames)) {
    const list = path.join(tmp, 'ccpd.txt');
    writeFileSync(
      list,
      readdirSync(frames)
        .filter((f) => f.endsWith('.jpg'))
        .sort()
        .map((f) => `file '${path.join(frames, f)}'\nduration 1\n`)
        .join(''),
    );
    const file = await cameraClip(['-f', 'concat', '-safe', '0', '-i', list], path.join(tmp, 'ccpd-720x1160.mp4'), 8);
    return {
      kind: 'checkpoint',
      clips: [{ file, what: 'CCPD plate frames 720x1160, one a second' }],
      width: 720,
      height: 1160,
      analysis: analysis(720, 1160),
    };
  }
  const file = path.join(root, 'fixtures/media/checkpoint.mp4');
  return {
    kind: 'checkpoint',
    clips: [{ file, what: 'fixture checkpoint.mp4 1280x720 (no evaluation data)' }],
    width: 1280,
    height: 720,
    analysis: analysis(1280, 720),
  };
}

/** Street: the public vehicle and pedestrian clips (768x432) when there, else the 640x360 fixture street. */
async function streetSetup(dataDir: string | null, tmp: string): Promise<KindSetup> {
  const video = dataDir ? path.join(dataDir, 'video') : null;
  const analysis = (w: number, h: number) =>
    `{ plates: true, objects: true, motionGate: true, fps: ${FPS}, width: ${w}, height: ${h} }`;
  const names = ['car-detection.mp4', 'one-by-one-person-detection.mp4'];
  if (video && names.every((n) => existsSync(path.join(video, n)))) {
    const clips = [];
    for (const n of names)
      clips.push({
        file: await cameraClip(['-i', path.join(video, n)], path.join(tmp, n), 30),
        what: `${n} 768x432 (30 s)`,
      });
    return { kind: 'street', clips, width: 768, height: 432, analysis: analysis(768, 432) };
  }
  const file = path.join(root, 'fixtures/media/street.mp4');
  return {
    kind: 'street',
    clips: [{ file, what: 'fixture street.mp4 640x360 (no evaluation data)' }],
    width: 640,
    height: 360,
    analysis: analysis(640, 360),
  };
}

function cameraYaml(setup: KindSetup, rtsp: RtspFixtureServer, count: number, threads: number, pool: number): string {
  const cameras = Array.from(
    { length: count },
    (_, i) => `
  - { id: ${setup.kind}-${i + 1}, name: C${i + 1}, source: "${rtsp.url(`${setup.kind}${i + 1}`)}", kind: ${setup.kind},${setup.kind === 'checkpoint' ? ' checkpointLevel: 1,' : ''}
      lat: 22.54, lon: 114.05, district: d, analysis: ${setup.analysis} }`,
  ).join('');
  return `plates: { threads: ${threads} }\nvision: { threads: ${threads}, analysisThreads: ${pool} }\ncameras:${cameras}\n`;
}

/** Our child processes by command name (ffmpeg decoders, the RTSP server's python), pid -> cpu seconds. */
function children(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid)
        out.set(Number(d), { comm, cpu: (Number(fields[11]) + Number(fields[12])) / CLK_TCK });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
function machineCpu(): { busy: number; total: number } {
  const n = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

/** The pipeline's own per-camera counters (the /metrics ones): frames in, analysed, dropped. */
async function counters(): Promise<Map<string, { in: number; analysed: number; dropped: number }>> {
  const out = new Map<string, { in: number; analysed: number; dropped: number }>();
  const field = async (metric: typeof cameraFramesIn, key: 'in' | 'analysed' | 'dropped') => {
    for (const v of (await metric.get()).values) {
      const id = String(v.labels.camera);
      const row = out.get(id) ?? { in: 0, analysed: 0, dropped: 0 };
      row[key] = v.value;
      out.set(id, row);
    }
  };
  await field(cameraFramesIn, 'in');
  await field(cameraFramesAnalysed, 'analysed');
  await field(cameraFramesDropped, 'dropped');
  return out;
}

const round = (x: number, d = 2) => Number(x.toFixed(d));

/** Measures one step: every camera of `ids` for `seconds`, with the CPU of this process, its decoders and the machine. */
async function measure(ids: string[], seconds: number) {
  const [c0, p0, k0, m0, t0] = [await counters(), process.cpuUsage(), children(), machineCpu(), Date.now()];
  await sleep(seconds * 1000);
  const [c1, p1, k1, m1, t1] = [await counters(), process.cpuUsage(p0), children(), machineCpu(), Date.now()];
  const wall = (t1 - t0) / 1000;
  const perCamera = ids.map((id) => {
    const a = c0.get(id) ?? { in: 0, analysed: 0, dropped: 0 };
    const b = c1.get(id) ?? { in: 0, analysed: 0, dropped: 0 };
    return {
      id,
      analysedFps: (b.analysed - a.analysed) / wall,
      decodedFps: (b.in - a.in) / wall,
      in: b.in - a.in,
      dropped: b.dropped - a.dropped,
    };
  });
  const decoded = perCamera.map((c) => c.decodedFps);
  const childCpu = (comm: string) =>
    [...k1].filter(([, c]) => c.comm === comm).reduce((s, [pid, c]) => s + c.cpu - (k0.get(pid)?.cpu ?? 0), 0) / wall;
  const nodeCores = (p1.user + p1.system) / 1e6 / wall;
  const ffmpegCores = childCpu('ffmpeg');
  const rtspCores = childCpu('python3');
  const machineCores = ((m1.busy - m0.busy) / (m1.total - m0.total)) * os.cpus().length;
  const fps = perCamera.map((c) => c.analysedFps);
  const framesIn = perCamera.reduce((s, c) => s + c.in, 0);
  return {
    cameras: ids.length,
    analysedFpsPerCamera: { min: round(Math.min(...fps)), mean: round(fps.reduce((s, x) => s + x, 0) / fps.length) },
    decodedFpsPerCamera: {
      min: round(Math.min(...decoded)),
      mean: round(decoded.reduce((s, x) => s + x, 0) / decoded.length),
    },
    // Frames the pipeline replaced while busy, of those decoded (its own counter), and frames not analysed of the 5 fps
    // the cameras send (also those that never left ffmpeg or the socket while the node was too busy to read them).
    droppedShare: framesIn ? round(perCamera.reduce((s, c) => s + c.dropped, 0) / framesIn, 3) : null,
    notAnalysedShare: round(Math.max(0, 1 - fps.reduce((s, x) => s + x, 0) / (FPS * fps.length)), 3),
    keepsUp: fps.every((f) => f >= KEEP * FPS),
    cpuCores: {
      nodeProcess: round(nodeCores),
      ffmpegDecoders: round(ffmpegCores),
      node: round(nodeCores + ffmpegCores),
      rtspServer: round(rtspCores),
      otherProcesses: round(Math.max(0, machineCores - nodeCores - ffmpegCores - rtspCores)),
    },
    loadAverage1m: round(os.loadavg()[0]),
  };
}

type Step = Awaited<ReturnType<typeof measure>>;

/** Steps one kind's camera count up on one set of workers until a step fails to keep up (or the last step). */
async function stepKind(
  setup: KindSetup,
  steps: number[],
  o: { seconds: number; warmup: number; threads: number; analysisThreads: number; redis: Redis; prefix: string },
) {
  const max = Math.max(...steps);
  const rtsp = await startRtspFixtureServer({
    streams: Array.from({ length: max }, (_, i) => ({
      mount: `${setup.kind}${i + 1}`,
      file: setup.clips[i % setup.clips.length].file,
    })),
  });
  const config: Config = parseConfig(
    cameraYaml(setup, rtsp, max, o.threads, o.analysisThreads),
    `<cameras-per-node ${setup.kind}>`,
  );
  const bus = new EventBus(o.redis, o.prefix);
  const workers = new CameraWorkers(config, {
    queues: new QueueSet(o.redis, o.prefix),
    bus,
    cameraStatus: new CameraStatusStore(o.redis, `${o.prefix}:camera-status`),
    log: createLogger('bench-cameras', true),
  });
  const result: Step[] = [];
  try {
    await workers.preload(config.cameras);
    workers.start();
    for (const n of steps) {
      for (const camera of config.cameras.slice(workers.cameraIds().length, n)) await workers.startCamera(camera);
      process.stderr.write(`  ${setup.kind}: ${n} cameras\n`);
      await sleep(o.warmup * 1000);
      const step = await measure(
        config.cameras.slice(0, n).map((c) => c.id),
        o.seconds,
      );
      result.push(step);
      if (!step.keepsUp) break;
    }
  } finally {
    await workers.stop();
    await rtsp.stop();
  }
  const kept = result.filter((s) => s.keepsUp).map((s) => s.cameras);
  return {
    source: setup.clips.map((c) => c.what),
    analysis: setup.analysis,
    steps: result,
    camerasPerNode: kept.length ? Math.max(...kept) : 0,
    limit: result.at(-1)?.keepsUp
      ? `every step kept up; try more than ${result.at(-1)?.cameras}`
      : `frames drop at ${result.at(-1)?.cameras} cameras`,
    fromCpuCost: result.length ? fromCpuCost(result.at(-1) as Step, o.threads * o.analysisThreads) : null,
  };
}

/**
 * What the CPU a camera costs says a node would carry on a machine of its own: an estimate, not a measurement
 * (CPU seconds per frame run high on a crowded machine). With one ORT thread, inference runs on the node
 * process's main thread one frame at a time, so that process alone cannot use much more than one core.
 */
function fromCpuCost(step: Step, threads: number) {
  const fps = step.analysedFpsPerCamera.mean * step.cameras;
  if (!fps) return null;
  const perCamera = (step.cpuCores.node / fps) * FPS;
  const processPerCamera = (step.cpuCores.nodeProcess / fps) * FPS;
  const cores = os.cpus().length;
  return {
    coresPerCameraAt5Fps: round(perCamera),
    nodeProcessCoresPerCameraAt5Fps: round(processPerCamera),
    camerasPerIdleNode: Math.floor(cores / perCamera),
    camerasPerNodeProcess: threads === 1 ? Math.floor(1 / processPerCamera) : null,
    note: `from the step of ${step.cameras} camera(s): ${cores} cores / cost per camera; with 1 analysis thread and 1 ORT thread one node process is held to about 1 core (camerasPerNodeProcess); vision.analysisThreads spreads cameras over the cores`,
  };
}

export default async function camerasPerNode(ctx: BenchContext) {
  const kinds = listArg(ctx.args, 'kinds', 'checkpoint,street') as Kind[];
  const steps = listArg(ctx.args, 'steps', '1,2,4,6,8,10,12,16,20').map(Number);
  const seconds = numArg(ctx.args, 'seconds', 15);
  const warmup = numArg(ctx.args, 'warmup', 8);
  // ORT intra-op threads per model; 1 is the config default (inference runs on the node's main thread, one frame at a time).
  const threads = numArg(ctx.args, 'threads', 1);
  const analysisThreads = Math.max(1, numArg(ctx.args, 'analysis-threads', os.availableParallelism()));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-cameras-per-node-'));
  const redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: null });
  const prefix = freshPrefix('cameras-per-node');
  const loadBefore = os.loadavg().map((x) => round(x));
  const started = new Date().toISOString();
  const results: Record<string, unknown> = {};
  try {
    for (const kind of kinds) {
      const setup =
        kind === 'checkpoint' ? await checkpointSetup(ctx.dataDir, tmp) : await streetSetup(ctx.dataDir, tmp);
      results[kind] = await stepKind(setup, steps, { seconds, warmup, threads, analysisThreads, redis, prefix });
    }
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    await stopTestRedis();
    rmSync(tmp, { recursive: true, force: true });
  }
  return {
    what: `one node process (${analysisThreads} analysis thread(s), ORT ${threads} thread(s) per model; 1 is the default) analysing N cameras at ${FPS} fps over RTSP; a camera keeps up at >= ${KEEP * 100}% of ${FPS} fps`,
    machine: {
      cores: os.cpus().length,
      started,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg().map((x) => round(x)),
    },
    caveat:
      'the machine is shared: otherProcesses and the load average show the CPU others took meanwhile, so these counts are pessimistic for a dedicated node. Not included: recording, image diagnostics, the API and queue workers.',
    perStep: `${warmup} s warm-up after adding cameras, then ${seconds} s measured`,
    ...results,
  };
}
