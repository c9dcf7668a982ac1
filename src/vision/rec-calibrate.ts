// Activation ranges of the rec graph on rendered plates, for its int8 variant (rec-quantise.ts); deterministic for a seed.
import ort from 'onnxruntime-node';
import { PLATE_DIGITS, PLATE_LETTERS, PROVINCES } from '../domain/plate-text.js';
import { recInput, widenSideways } from './rec-input.js';
import { type PlateColour, type RenderSpec, renderPlateCrop, seededRandom } from './plate-render.js';
import {
  type ActivationRange,
  type ActivationRanges,
  calibrationModel,
  type RecQuantiseOptions,
} from './rec-quantise.js';

export interface CalibrationOptions extends RecQuantiseOptions {
  /** Rendered plates to run. Default 48. */
  plates?: number;
  /** Seed of their texts and degradations. Default 2026 (the benchmarks use 13). */
  seed?: number;
  /**
   * Share of each tensor's values, at either end, left outside its range (clipped). Default 1e-4:
   * on 500 CCPD crops (all convs but the stem int8) min/max read 482 exact, 1e-4 486 (as fp32), 3e-4 483.
   */
  clip?: number;
}

const COLOURS: PlateColour[] = ['blue', 'blue', 'yellow', 'green', 'white', 'black'];

/** Plates as the reader sees crops: six sizes from 48 down to CCPD's 24 px, tilt, blur, dirt, darkness, JPEG. */
export function calibrationSpecs(count: number, seed: number): RenderSpec[] {
  const rnd = seededRandom(seed);
  const pick = (chars: string) => chars[Math.floor(rnd() * chars.length)];
  return Array.from({ length: count }, (_, i) => {
    const level = i % 6;
    const body = Array.from({ length: 5 }, () => (rnd() < 0.3 ? pick(PLATE_LETTERS) : pick(PLATE_DIGITS))).join('');
    return {
      text: pick(PROVINCES) + pick(PLATE_LETTERS) + body,
      colour: COLOURS[Math.floor(i / 6) % COLOURS.length],
      height: [48, 36, 30, 40, 28, 24][level],
      blur: [0, 0.8, 0.6, 0.5, 1.0, 0.7][level],
      brightness: [1, 0.85, 0.45, 0.8, 0.6, 0.7][level],
      dirt: [0, 0.2, 0.1, 0.6, 0.3, 0.2][level],
      rotate: [0, -3, 4, 2, -6, 5][level] * (0.5 + rnd()),
      shear: [0, 0.05, -0.08, 0.1, -0.12, 0.06][level],
      jpegQuality: [95, 70, 60, 50, 40, 55][level],
      seed: Math.floor(rnd() * 1e9),
    };
  });
}

/** Runs the float rec model (bytes) on rendered plates and returns the range of every tensor quantisation needs. */
export async function calibrateRec(bytes: Uint8Array, opts: CalibrationOptions = {}): Promise<ActivationRanges> {
  const { bytes: probe, tensors } = calibrationModel(bytes, opts);
  const session = await ort.InferenceSession.create(probe, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { 'session.intra_op.allow_spinning': '0' },
  });
  try {
    const inputs: ort.Tensor[] = [];
    // Widened as the reader widens every crop (plate-reader.ts, CROP_PAD).
    for (const spec of calibrationSpecs(opts.plates ?? 48, opts.seed ?? 2026))
      inputs.push(await recInput(widenSideways(await renderPlateCrop(spec), 0.25)));
    const run = async (x: ort.Tensor) => session.run({ [session.inputNames[0]]: x }, tensors);
    const ranges = new Map<string, ActivationRange>(tensors.map((t) => [t, { min: 0, max: 0 }]));
    for (const x of inputs) {
      const out = await run(x);
      for (const t of tensors) {
        const r = ranges.get(t) as ActivationRange;
        for (const v of out[t].data as Float32Array) {
          if (v < r.min) r.min = v;
          else if (v > r.max) r.max = v;
        }
      }
    }
    const clip = opts.clip ?? 1e-4;
    if (clip > 0) await clipRanges(ranges, inputs, run, clip);
    return Object.fromEntries(ranges);
  } finally {
    await session.release();
  }
}

const BINS = 2048;

/** Second pass: a histogram over each min/max range, cut where `share` of the values lies beyond either end. */
async function clipRanges(
  ranges: Map<string, ActivationRange>,
  inputs: ort.Tensor[],
  run: (x: ort.Tensor) => Promise<ort.InferenceSession.ReturnType>,
  share: number,
): Promise<void> {
  const hist = new Map([...ranges.keys()].map((t) => [t, new Float64Array(BINS)]));
  for (const x of inputs) {
    const out = await run(x);
    for (const [t, h] of hist) {
      const { min, max } = ranges.get(t) as ActivationRange;
      const k = max > min ? BINS / (max - min) : 0;
      for (const v of out[t].data as Float32Array) h[Math.min(BINS - 1, Math.floor((v - min) * k))]++;
    }
  }
  for (const [t, h] of hist) {
    const r = ranges.get(t) as ActivationRange;
    const total = h.reduce((a, b) => a + b, 0);
    const step = (r.max - r.min) / BINS;
    let [lo, hi, below, above] = [0, BINS - 1, 0, 0];
    while (lo < BINS - 1 && below + h[lo] <= share * total) below += h[lo++];
    while (hi > 0 && above + h[hi] <= share * total) above += h[hi--];
    ranges.set(t, { min: Math.min(0, r.min + lo * step), max: Math.max(0, r.min + (hi + 1) * step) });
  }
}
