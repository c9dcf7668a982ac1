// Judges one sample: which fault conditions are present, each with the measure behind it. Faults that
// another explains are held back (a black picture is not also "blurred", "covered" and "frozen").
import type { FaultThresholds } from '../config/health.js';
import type { BaselineValues } from './baseline.js';
import { CELL_COLS, ncc } from './features.js';
import type { FaultKind } from './fault-kinds.js';
import type { SampleMeasures } from './measures.js';

export interface Condition {
  present: boolean;
  /** The measure compared with the threshold (for the evidence and the bench). */
  value: number;
  /** What was seen, in words, for the work order. */
  detail: string;
}

export interface FrameRateView {
  /** Share of the window's analysis frames that were new (not repeats). */
  newShare: number;
  /** Longest wait between new frames in the window, seconds. */
  maxGapSeconds: number;
  /** Frames in the window; too few and nothing is judged. */
  frames: number;
}

export interface DetectContext {
  /** The baseline of the current light mode; null while it is being learnt (relative faults wait). */
  baseline: BaselineValues | null;
  /** Edge map of the scene's background now. */
  edges: Float32Array | null;
  /** Sun below the camera's night threshold: a grey (IR) picture is expected. */
  night: boolean;
  frameRate: FrameRateView;
  /** The frozen fault is raised: the frame-rate check yields to it. */
  frozenNow: boolean;
}

export type Conditions = Record<FaultKind, Condition>;

const absent = (value = 0, detail = ''): Condition => ({ present: false, value, detail });
const round = (v: number, d = 2) => Number(v.toFixed(d));

export function detect(m: SampleMeasures, ctx: DetectContext, t: FaultThresholds): Conditions {
  const e = m.exposure;
  const black = e.mean <= t.black.maxMean && e.p98 <= t.black.maxP98;
  const white =
    e.whiteShare >= t.overexposed.minWhiteShare ||
    (e.mean >= t.overexposed.washedMean && e.std <= t.overexposed.washedMaxStd);
  const exposureBad = black || white;
  const covered = coveredCondition(m, ctx.baseline, t, exposureBad);
  const frozen = frozenCondition(m, t, exposureBad || covered.present);
  // A frozen picture says nothing about the camera's present view: it holds back the image faults below.
  const still = exposureBad || frozen.present;
  const blurred = ratioCondition(
    m.sharpness,
    ctx.baseline?.sharpness,
    (r) => r <= t.blurred.maxRatio,
    still || covered.present,
    'sharpness',
  );
  const moved = movedCondition(ctx, t, still || covered.present || blurred.present);
  return {
    black: {
      present: black,
      value: round(e.mean),
      detail: `mean brightness ${round(e.mean, 1)}, 98th percentile ${e.p98}`,
    },
    overexposed: {
      present: white,
      value: round(e.whiteShare),
      detail: `${Math.round(e.whiteShare * 100)}% of pixels white, mean ${round(e.mean, 1)}, contrast ${round(e.std, 1)}`,
    },
    frozen,
    covered,
    blurred,
    moved,
    colour: colourCondition(m, ctx, t, still || covered.present),
    noise: noiseCondition(m, ctx.baseline, t, still),
    // A featureless or frozen picture repeats whatever the camera sends: the rate cannot be told from it. Only a
    // raised freeze holds it back (a still sample between two bursts of an irregular stream is no freeze).
    framerate: frameRateCondition(ctx, t, ctx.frozenNow || exposureBad || covered.present),
  };
}

function frozenCondition(m: SampleMeasures, t: FaultThresholds, explained: boolean): Condition {
  if (m.change === null) return absent();
  // A featureless picture stands still whether or not the stream is frozen: nothing to tell by.
  const present = !explained && m.change <= t.frozen.maxChange && m.exposure.std >= t.frozen.minDetail;
  return { present, value: round(m.change, 3), detail: `change between samples ${round(m.change, 3)} grey levels` };
}

/**
 * A covered lens (a bag, a sticker, a branch, spray) is a large connected region of near-uniform cells
 * that had detail in this camera's reference view of the same cells. Cells are judged against their own
 * learnt detail, not an absolute level, so a low-texture scene (bare asphalt) loses its detail as well;
 * a region's neighbouring cells must also be alike in brightness (one object), and cells flat in the
 * reference too (sky, a wall) join a region without counting for it.
 */
function coveredCondition(
  m: SampleMeasures,
  base: BaselineValues | null,
  t: FaultThresholds,
  explained: boolean,
): Condition {
  const c = t.covered;
  const max = c.cellMaxStd;
  const n = m.cells.length;
  const flatNow = new Uint8Array(n);
  const lost = new Uint8Array(n);
  let uniform = 0,
    baseUniform = 0,
    now = 0,
    was = 0;
  for (let i = 0; i < n; i++) {
    const b = base?.cells[i] ?? 0;
    now += m.cells[i];
    was += b;
    if (base && b <= max) baseUniform++;
    if (m.cells[i] > max) continue;
    flatNow[i] = 1;
    uniform++;
    if (base && b >= c.minBaselineStd && m.cells[i] <= c.maxDetailRatio * b) lost[i] = 1;
  }
  // A turned camera also flattens cells (a wall or sky where a building stood) but shows detail where there
  // was none as often; a cover hides and never adds (only its own edge, one row of cells).
  let gained = 0;
  for (let i = 0; base && i < n; i++)
    if (m.cells[i] > 2 * max && m.cells[i] * c.maxDetailRatio >= base.cells[i]) gained++;
  // A picture flat almost everywhere is covered unless the camera always looks at a blank wall (then its
  // texture must have gone too).
  const flat = uniform >= 0.9 * n && (baseUniform < 0.5 * n || now <= 0.25 * was);
  const region = base ? largestLostRegion(flatNow, lost, m.cellMeans, c.maxMeanStep) : 0;
  const share = flat ? uniform / n : gained <= 0.5 * region ? region / n : 0;
  return {
    present: !explained && share >= c.minShare,
    value: round(share),
    detail: `${Math.round(share * 100)}% of the picture lost its detail in one uniform region`,
  };
}

/** Lost cells in the largest 4-connected region of flat cells whose neighbours differ little in brightness. */
function largestLostRegion(flat: Uint8Array, lost: Uint8Array, means: Float32Array, maxStep: number): number {
  const seen = new Uint8Array(flat.length);
  const stack = new Int32Array(flat.length);
  let best = 0;
  for (let start = 0; start < flat.length; start++) {
    if (!lost[start] || seen[start]) continue;
    let top = 0,
      count = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top) {
      const i = stack[--top];
      count += lost[i];
      const x = i % CELL_COLS;
      const neighbours = [x > 0 ? i - 1 : -1, x < CELL_COLS - 1 ? i + 1 : -1, i - CELL_COLS, i + CELL_COLS];
      for (const j of neighbours) {
        if (j < 0 || j >= flat.length || seen[j] || !flat[j]) continue;
        if (Math.abs(means[j] - means[i]) > maxStep) continue;
        seen[j] = 1;
        stack[top++] = j;
      }
    }
    best = Math.max(best, count);
  }
  return best;
}

function ratioCondition(
  value: number,
  base: number | undefined,
  bad: (ratio: number) => boolean,
  explained: boolean,
  what: string,
): Condition {
  if (!base || base <= 0) return absent();
  const ratio = value / base;
  return {
    present: !explained && bad(ratio),
    value: round(ratio, 3),
    detail: `${what} ${round(ratio * 100, 0)}% of this camera's usual`,
  };
}

function movedCondition(ctx: DetectContext, t: FaultThresholds, explained: boolean): Condition {
  const ref = ctx.baseline?.reference;
  // A scene without stable structure (bare asphalt, fog) gives an edge map of noise: nothing to compare.
  if (!ref || !ctx.edges || (ctx.baseline?.structure ?? 0) < t.moved.minStructure) return absent(1);
  const sim = ncc(ref, ctx.edges);
  return {
    present: !explained && sim < t.moved.minSimilarity,
    value: round(sim, 3),
    detail: `similarity to the reference view ${round(sim, 2)}`,
  };
}

function colourCondition(m: SampleMeasures, ctx: DetectContext, t: FaultThresholds, explained: boolean): Condition {
  const base = ctx.baseline;
  if (!base || explained) return absent();
  const c = t.colour;
  const shift = Math.hypot(m.cast.r - base.cast.r, m.cast.g - base.cast.g, m.cast.b - base.cast.b);
  // Night: the IR cut filter is out and a grey picture is what a working camera gives, so only a cast counts.
  const judgeLoss = !ctx.night && base.chroma >= c.minBaselineChroma;
  const lost = judgeLoss && m.colour.chroma <= c.maxChromaRatio * base.chroma;
  const cast = shift >= c.maxCastShift;
  const detail = lost
    ? `colour lost in daylight: chroma ${round(m.colour.chroma, 1)} against usual ${round(base.chroma, 1)}`
    : `colour shift ${round(shift)}`;
  return { present: lost || cast, value: round(lost ? m.colour.chroma / base.chroma : shift, 3), detail };
}

function noiseCondition(
  m: SampleMeasures,
  base: BaselineValues | null,
  t: FaultThresholds,
  explained: boolean,
): Condition {
  if (!base || m.noise === null) return absent();
  // A clean, well-compressed stream can have almost no temporal noise: a floor keeps the ratio sane.
  const ratio = m.noise / Math.max(0.25, base.noise);
  const present = !explained && ratio >= t.noise.minRatio && m.noise >= t.noise.minSigma;
  return {
    present,
    value: round(ratio),
    detail: `noise sigma ${round(m.noise, 2)}, ${round(ratio, 1)}x this camera's usual`,
  };
}

function frameRateCondition(ctx: DetectContext, t: FaultThresholds, explained: boolean): Condition {
  const f = ctx.frameRate;
  if (f.frames < 5 || explained) return absent(1);
  const present = f.newShare < t.framerate.minNewShare || f.maxGapSeconds > t.framerate.maxGapSeconds;
  return {
    present,
    value: round(f.newShare),
    detail: `${Math.round(f.newShare * 100)}% new frames, longest gap ${round(f.maxGapSeconds, 1)} s`,
  };
}
