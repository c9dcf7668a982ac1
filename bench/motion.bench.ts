// Benchmark: motion gate ms per frame at 720p and 1080p (synthetic and fixture video), tracker ms per frame with 50 objects.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Box, RgbImage } from '../src/domain/frame.js';
import { MotionGate, greyDownscale } from '../src/vision/motion-gate.js';
import { Tracker, type Detection } from '../src/tracking/tracker.js';
import type { BenchContext } from './run.js';
import { seededRandom } from './common.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/media');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];
const MIN_MS = 1500;
const MIN_RUNS = 50;

const rand = seededRandom();

function percentiles(times: number[]): { medianMs: number; p95Ms: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(3);
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}

/** Times fn over the inputs in turn, for at least MIN_MS and MIN_RUNS calls, after a short warm-up. */
function timeEach<T>(inputs: T[], fn: (input: T) => unknown): { medianMs: number; p95Ms: number } {
  for (let i = 0; i < 20; i++) fn(inputs[i % inputs.length]);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; times.length < MIN_RUNS || performance.now() - started < MIN_MS; i++) {
    const t = performance.now();
    fn(inputs[i % inputs.length]);
    times.push(performance.now() - t);
  }
  return percentiles(times);
}

/** A textured street-like scene with sensor noise; an optional bright square moves across it. */
function syntheticFrame(width: number, height: number, square: Box | null): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 3) {
      const inside = square && x >= square[0] && x < square[2] && y >= square[1] && y < square[3];
      const v = inside ? 230 : 60 + (((x >> 6) + (y >> 6)) % 4) * 30 + rand(7) - 3;
      data[p] = v;
      data[p + 1] = v;
      data[p + 2] = v;
    }
  }
  return { data, width, height };
}

function gateSynthetic(width: number, height: number) {
  const side = Math.round(height / 6);
  const still = Array.from({ length: 4 }, () => syntheticFrame(width, height, null));
  const moving = Array.from({ length: 12 }, (_, i) =>
    syntheticFrame(width, height, [100 + i * 40, height / 3, 100 + i * 40 + side, height / 3 + side]),
  );
  const factor = Math.round(width / 160);
  const grey = new Float32Array(Math.floor(width / factor) * Math.floor(height / factor));
  const stillGate = new MotionGate();
  const movingGate = new MotionGate();
  const everyPixelGate = new MotionGate({ cellSamples: 0 });
  everyPixelGate.update(still[0]);
  stillGate.update(still[0]);
  movingGate.update(still[0]);
  return {
    // The gate's default reads 4x4 samples per cell; every pixel is the cost it avoids.
    downscaleEveryPixel: timeEach(still, (f) => greyDownscale(f, factor, grey)),
    downscaleSampled: timeEach(still, (f) => greyDownscale(f, factor, grey, Math.max(1, Math.floor(factor / 4)))),
    staticSceneEveryPixel: timeEach(still, (f) => everyPixelGate.update(f)),
    staticScene: timeEach(still, (f) => stillGate.update(f)),
    movingSquare: timeEach(moving, (f) => movingGate.update(f)),
  };
}

/** Runs the gate over a fixture video decoded by ffmpeg, timing only the gate. */
async function gateVideo(file: string, width: number, height: number) {
  const ff = spawn('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    path.join(media, file),
    '-vf',
    `scale=${width}:${height}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ]);
  const size = width * height * 3;
  const gate = new MotionGate();
  const still: number[] = [];
  const moving: number[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let regions = 0;
  for await (const chunk of ff.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= size) {
      const frame = { data: pending.subarray(0, size), width, height };
      const t = performance.now();
      const r = gate.update(frame);
      (r.moving ? moving : still).push(performance.now() - t);
      regions += r.regions.length;
      pending = pending.subarray(size);
    }
  }
  const covered = moving.length ? +(regions / moving.length).toFixed(2) : 0;
  return {
    frames: still.length + moving.length,
    all: percentiles([...still, ...moving]),
    stillFrames: { count: still.length, ...percentiles(still) },
    movingFrames: { count: moving.length, ...percentiles(moving) },
    regionsPerMovingFrame: covered,
  };
}

/** 50 objects moving at constant speeds with 2 px of box jitter; 1 in 10 detections is low-score, 1 in 50 missed. */
function trackerCost(objects: number, frames: number) {
  const size = { width: 1920, height: 1080 };
  const labels = ['car', 'person', 'truck'];
  const things = Array.from({ length: objects }, (_, i) => ({
    x: rand(1800),
    y: rand(1000),
    vx: rand(21) - 10,
    vy: rand(11) - 5,
    w: 40 + rand(120),
    h: 40 + rand(80),
    label: labels[i % 3],
  }));
  const tracker = new Tracker();
  const times: number[] = [];
  let events = 0;
  for (let f = 0; f < frames; f++) {
    const detections: Detection[] = [];
    for (const o of things) {
      o.x = (o.x + o.vx + 1920) % 1920;
      o.y = (o.y + o.vy + 1080) % 1080;
      if (rand(50) === 0) continue;
      const j = () => rand(5) - 2;
      detections.push({
        label: o.label,
        score: rand(10) === 0 ? 0.2 : 0.7,
        box: [o.x + j(), o.y + j(), o.x + o.w + j(), o.y + o.h + j()],
      });
    }
    const t = performance.now();
    events += tracker.update(detections, f * 100, size).length;
    times.push(performance.now() - t);
  }
  return {
    objects,
    frames,
    ...percentiles(times.slice(20)),
    eventsPerFrame: +(events / frames).toFixed(1),
    activeTracksAtEnd: tracker.active().length,
  };
}

export default async function motionBench(_ctx: BenchContext): Promise<unknown> {
  const synthetic: Record<string, unknown> = {};
  for (const { width, height } of SIZES) synthetic[`${width}x${height}`] = gateSynthetic(width, height);
  const fixture: Record<string, unknown> = {};
  for (const { width, height } of SIZES)
    fixture[`checkpoint.mp4@${width}x${height}`] = await gateVideo('checkpoint.mp4', width, height);
  fixture['street.mp4@1280x720'] = await gateVideo('street.mp4', 1280, 720);
  return { gate: { synthetic, fixture }, tracker: trackerCost(50, 1000) };
}
