// `npm run bench checkpoint-cost [-- --seconds=60 --every=5 --in-view=2 --plate-height=36 --trigger=off]`: what one 720x1160
// checkpoint camera at 5 fps costs on traffic, and how often each plate is read. A lane video (bench/checkpoint-lane.ts:
// vehicles with rendered plates crossing the frame, empty road between them) is played by the RTSP fixture server,
// decoded by CameraSource (ffmpeg) and analysed by CameraPipeline as on a node; plate-read jobs are caught, not queued.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.js';
import type { Frame } from '../src/domain/frame.js';
import { CameraSource } from '../src/ingest/camera-source.js';
import { startRtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { inferenceSeconds } from '../src/lib/metrics.js';
import { CameraPipeline } from '../src/pipeline/camera-pipeline.js';
import type { QueueSet } from '../src/queues/queue-set.js';
import { createPlateReader, type PlateReader } from '../src/vision/plate-reader.js';
import { type LanePlate, writeLaneVideo } from './checkpoint-lane.js';
import type { BenchContext } from './run.js';

const WIDTH = 720;
const HEIGHT = 1160;
const FPS = 5;
const CLK_TCK = 100;
const PLATES: LanePlate[] = [
  { text: '粤B3T7Q2', colour: 'blue' },
  { text: '京A8D0G6', colour: 'blue' },
  { text: '浙C52Z81', colour: 'blue' },
  { text: '苏E7B8K3', colour: 'yellow' },
  { text: '沪AD12345', colour: 'green' },
  { text: '川A9H2M5', colour: 'blue' },
];

const numArg = (args: string[], name: string, fallback: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 3) => Number(x.toFixed(d));

/** CPU seconds of this process's children (the ffmpeg decoder, the RTSP server's python). */
function childCpu(): number {
  let sum = 0;
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid) sum += (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

/** Seconds and runs of ONNX inference so far, by model (det, rec), from the process's inference histogram. */
async function inference(): Promise<Record<string, { seconds: number; runs: number }>> {
  const out: Record<string, { seconds: number; runs: number }> = {};
  for (const v of (await inferenceSeconds.get()).values) {
    const model = String(v.labels.model).includes('_det_')
      ? 'det'
      : String(v.labels.model).includes('_rec_')
        ? 'rec'
        : null;
    if (!model) continue;
    out[model] ??= { seconds: 0, runs: 0 };
    if (v.metricName?.endsWith('_sum')) out[model].seconds += v.value;
    if (v.metricName?.endsWith('_count')) out[model].runs += v.value;
  }
  return out;
}

interface Read {
  text: string;
  at: number;
}

/**
 * Reads of one plate grouped into passes (a gap over gapMs starts a new one). Passes that may be cut by the
 * window's start or end are left out, so each counted pass is a whole crossing.
 */
function passes(reads: number[], window: { from: number; to: number }, gapMs: number, edgeMs: number): number[] {
  const out: number[][] = [];
  for (const at of reads) {
    const last = out.at(-1);
    if (last && at - (last.at(-1) as number) <= gapMs) last.push(at);
    else out.push([at]);
  }
  return out
    .filter((p) => p[0] - window.from > edgeMs && window.to - (p.at(-1) as number) > edgeMs)
    .map((p) => p.length);
}

export default async function checkpointCost(ctx: BenchContext) {
  const seconds = numArg(ctx.args, 'seconds', 60);
  const every = numArg(ctx.args, 'every', 5);
  const inViewSeconds = numArg(ctx.args, 'in-view', 2);
  const plateHeight = numArg(ctx.args, 'plate-height', 36);
  // --trigger=off: every frame read (the cost before checkpoints had a trigger).
  const trigger = !ctx.args.includes('--trigger=off');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-checkpoint-cost-'));
  const file = await writeLaneVideo(tmp, PLATES, {
    width: WIDTH,
    height: HEIGHT,
    fps: 10,
    everySeconds: every,
    inViewSeconds,
    plateHeight,
  });
  const rtsp = await startRtspFixtureServer({ streams: [{ mount: 'lane', file }] });
  const config = parseConfig(
    `plates: { threads: 1 }\nvision: { threads: 1 }\ncameras:
  - { id: lane, name: Lane, source: "${rtsp.url('lane')}", kind: checkpoint, checkpointLevel: 1, lat: 22.54, lon: 114.05,
      district: d, analysis: { plates: true, objects: false, motionGate: ${trigger}, fps: ${FPS}, width: ${WIDTH}, height: ${HEIGHT} } }\n`,
  );
  const camera = config.cameras[0];
  const base = await createPlateReader({ threads: 1 });
  const reads: Read[] = [];
  let readCalls = 0;
  const reader: PlateReader = {
    readCrop: (img) => base.readCrop(img),
    read: async (img, opts) => {
      readCalls++;
      const found = await base.read(img, opts);
      for (const r of found) reads.push({ text: r.text, at: Date.now() });
      return found;
    },
  };
  const sent: { plate: string; eventId: string; readCount: number }[] = [];
  const queues = {
    add: async (name: string, payload: { plate?: string; eventId?: string; readCount?: number }) => {
      if (name === 'plate-reads')
        sent.push({ plate: payload.plate!, eventId: payload.eventId!, readCount: payload.readCount! });
    },
  } as unknown as QueueSet;
  const pipeline = new CameraPipeline(camera, config, { plates: reader, objects: null }, queues);
  let frames = 0;
  let busyMs = 0;
  const source = new CameraSource({
    cameraId: camera.id,
    url: camera.source,
    fps: FPS,
    width: WIDTH,
    height: HEIGHT,
    onFrame: async (frame: Frame) => {
      const t = performance.now();
      await pipeline.onFrame(frame);
      busyMs += performance.now() - t;
      frames++;
    },
  });
  try {
    source.start();
    while (frames < 10) await sleep(200);
    // The trigger's first frame becomes its background, maybe with a vehicle in it: that ghost counts as change
    // until it joins the background (50 frames, 10 s), as on a camera that starts with a car in view.
    await sleep(12_000);
    reads.length = 0;
    sent.length = 0;
    [frames, busyMs, readCalls] = [0, 0, 0];
    const [c0, k0, t0, i0] = [process.cpuUsage(), childCpu(), Date.now(), await inference()];
    await sleep(seconds * 1000);
    const [c1, k1, t1, i1] = [process.cpuUsage(c0), childCpu(), Date.now(), await inference()];
    // Where a frame's time goes: ORT runs by model (wall time of a one-thread session, so about its CPU), the rest JS.
    const ms = (model: string) => ((i1[model]?.seconds ?? 0) - (i0[model]?.seconds ?? 0)) * 1000;
    const runs = (model: string) => (i1[model]?.runs ?? 0) - (i0[model]?.runs ?? 0);
    const wall = (t1 - t0) / 1000;
    const window = { from: t0, to: t1 };
    const perPlate = PLATES.map((p) => {
      const exact = reads.filter((r) => r.text === p.text).map((r) => r.at);
      const counted = passes(exact, window, every * 500, inViewSeconds * 1000);
      return {
        plate: p.text,
        exactReads: exact.length,
        readsPerWholePass: counted,
        passesSent: new Set(sent.filter((s) => s.plate === p.text).map((s) => s.eventId)).size,
      };
    });
    const whole = perPlate.flatMap((p) => p.readsPerWholePass);
    return {
      trigger,
      video: `${WIDTH}x${HEIGHT} lane, ${PLATES.length} vehicles, one every ${every} s, each in view ${inViewSeconds} s, plates ${plateHeight} px high; camera at ${FPS} fps over RTSP`,
      wallSeconds: round(wall, 1),
      load: os.loadavg().map((l) => round(l, 2)),
      coresPerCamera: round((c1.user + c1.system) / 1e6 / wall),
      cpuMsPerFrame: round((c1.user + c1.system) / 1e3 / Math.max(1, frames), 1),
      decoderCores: round((k1 - k0) / wall),
      framesAnalysed: frames,
      analysedFps: round(frames / wall, 2),
      msPerFrame: round(busyMs / Math.max(1, frames), 1),
      detMsPerFrame: round(ms('det') / Math.max(1, frames), 1),
      detRuns: runs('det'),
      recMsPerFrame: round(ms('rec') / Math.max(1, frames), 1),
      recRuns: runs('rec'),
      recMsPerRun: round(ms('rec') / Math.max(1, runs('rec')), 1),
      plateReaderCalls: readCalls,
      reads: reads.length,
      exactReads: reads.filter((r) => PLATES.some((p) => p.text === r.text)).length,
      wrongReads: reads.filter((r) => !PLATES.some((p) => p.text === r.text)).map((r) => r.text),
      minReadsPerWholePass: whole.length ? Math.min(...whole) : 0,
      wholePasses: whole.length,
      perPlate,
    };
  } finally {
    await source.stop();
    await pipeline.stop();
    await rtsp.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
