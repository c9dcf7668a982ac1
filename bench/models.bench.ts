// Benchmark: ms per inference of each manifest model with ORT on 1 and 2 threads, and TFJS wasm on the same graph.
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { loadTfjsReference } from '../src/convert/tfjs-reference.js';
import {
  decoderOutputs,
  findModel,
  loadManifest,
  resolveSource,
  type ModelEntry,
} from '../src/vision/models/manifest.js';
import { ensureModel } from '../src/vision/models/model-cache.js';
import type { BenchContext } from './run.js';

/** Fixed sizes for models whose sides are dynamic (the FACTS table's figures use the same). */
const DYNAMIC_SIZES: Record<string, { width: number; height: number }> = {
  'ppocr-det': { width: 640, height: 384 },
  'ppocr-rec': { width: 160, height: 48 },
};
const WARMUP = 3;
/** Each timing runs for at least this long and this many runs, and reports the median run. */
const MIN_MS = 1500;
const MIN_RUNS = 10;

function inputShape(entry: ModelEntry): number[] {
  const fixed = DYNAMIC_SIZES[entry.name];
  const width = entry.input.width === 'dynamic' ? fixed.width : entry.input.width;
  const height = entry.input.height === 'dynamic' ? fixed.height : entry.input.height;
  return entry.input.layout === 'nhwc' ? [1, height, width, 3] : [1, 3, height, width];
}

/** Repeatable photo-like values in the model's own input range: timing does not depend on content. */
function syntheticInput(entry: ModelEntry, shape: number[]): Float32Array {
  const { divide, mean, std } = entry.input.normalise;
  let seed = 12345;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return ((seed % 256) / divide - mean[i % 3]) / std[i % 3];
  });
}

async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < MIN_RUNS || performance.now() - started < MIN_MS) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function ortMs(
  file: string,
  entry: ModelEntry,
  input: Float32Array,
  shape: number[],
  threads: number,
): Promise<number> {
  const outputs = decoderOutputs(entry);
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Idle ORT threads must not spin: on a shared 2-core box they starve ffmpeg (FACTS, Video).
    extra: { 'session.intra_op.allow_spinning': '0' },
  });
  try {
    const feeds = { [entry.input.tensor]: new ort.Tensor('float32', input, shape) };
    return await median(() => session.run(feeds, outputs));
  } finally {
    await session.release();
  }
}

async function tfjsMs(entry: ModelEntry, input: Float32Array, shape: number[]): Promise<number> {
  const outputs = decoderOutputs(entry);
  const reference = await loadTfjsReference(resolveSource(entry.source));
  try {
    return await median(() => reference.run(input, shape, outputs));
  } finally {
    reference.dispose();
  }
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

export default async function models(ctx: BenchContext): Promise<unknown> {
  const loadAtStart = loadavg().map((l) => round(l));
  const manifest = loadManifest();
  const wanted = ctx.args
    .find((a) => a.startsWith('--models='))
    ?.slice('--models='.length)
    .split(',');
  const results: Record<string, unknown> = {};
  for (const name of wanted ?? manifest.models.map((m) => m.name)) {
    const entry = findModel(manifest, name);
    const { path: file } = await ensureModel(name);
    const shape = inputShape(entry);
    const input = syntheticInput(entry, shape);
    process.stderr.write(`  ${name} ${shape.join('x')}\n`);
    const ort1 = await ortMs(file, entry, input, shape, 1);
    const ort2 = await ortMs(file, entry, input, shape, 2);
    const tfjs = entry.format === 'tfjs-graph' ? await tfjsMs(entry, input, shape) : null;
    results[name] = {
      input: shape.join('x'),
      outputs: decoderOutputs(entry),
      ortMs1Thread: round(ort1),
      ortMs2Threads: round(ort2),
      tfjsWasmMs: tfjs === null ? null : round(tfjs),
      speedup2Threads: round(ort1 / ort2),
      tfjsOverOrt1Thread: tfjs === null ? null : round(tfjs / ort1),
    };
  }
  return {
    method: `median of >= ${MIN_RUNS} runs and >= ${MIN_MS} ms after ${WARMUP} warm-up runs; batch 1; ORT graph optimisation 'all', allow_spinning 0; TFJS wasm single-threaded (SIMD)`,
    // The figures are only as good as the machine was quiet: a load above the core count means contention.
    loadAverage: { start: loadAtStart, end: loadavg().map((l) => round(l)) },
    models: results,
  };
}
