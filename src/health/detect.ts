// Judges one sample: which fault conditions are present, each with the measure behind it. Faults that
// another explains are held back (a black picture is not also "blurred", "covered" and "frozen"): such a
// sample says nothing of them, so it neither continues nor ends their episode (FaultState's 'held').
import type { FaultThresholds } from '../config/health.js';
import type { BaselineValues } from './baseline.js';
import { coverView, lightGain } from './cover.js';
import { ncc } from './features.js';
import type { FrameFaultKind } from './fault-kinds.js';
import type { SampleMeasures } from './measures.js';

export interface Condition {
  present: boolean;
  /** The measure compared with the threshold (for the evidence and the bench). */
  value: number;
  /** What was seen, in words, for the work order. */
  detail: string;
  /** Another fault hides this one (a black picture cannot show a blur): the sample tells neither way. */
  held?: boolean;
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
  /**
   * A black or overexposed fault is raised: a picture that flickers across the exposure thresholds is still
   * that fault between, and the flat regions it leaves are not judged as a cover (optional: false).
   */
  exposureNow?: boolean;
  /**
   * The covered fault is raised: a sample where the cover's share dips below the threshold still has it, so what
   * it explains (a lost reference view, a loss of sharpness or colour) stays explained (optional: false).
   */
  coveredNow?: boolean;
}

export type Conditions = Record<FrameFaultKind, Condition>;

const absent = (value = 0, detail = ''): Condition => ({ present: false, value, detail });
const heldBack = (value = 0): Condition => ({ present: false, value, detail: '', held: true });
const round = (v: number, d = 2) => Number(v.toFixed(d));

export function detect(m: SampleMeasures, ctx: DetectContext, t: FaultThresholds): Conditions {
  const e = m.exposure;
  const black = e.mean <= t.black.maxMean && e.p98 <= t.black.maxP98;
  const o = t.overexposed;
  // Washed out: bright, with its contrast gone, as judged absolutely or against this camera's usual contrast
  // (a picture crowded into the top grey levels keeps some std from what is left of its darkest parts).
  const usual = ctx.baseline?.contrast ?? 0;
  const flatNow = e.std <= o.washedMaxStd || (usual > 0 && e.std <= o.washedMaxContrastRatio * usual);
  const white = e.whiteShare >= o.minWhiteShare || (e.mean >= o.washedMean && flatNow);
  // A raised exposure fault or cover goes on explaining what it explains on the samples where it flickers off.
  const exposureBad = black || white || (ctx.exposureNow ?? false);
  const covered = coveredCondition(m, ctx.baseline, t, exposureBad);
  const hidden = covered.present || (ctx.coveredNow ?? false);
  const frozen = frozenCondition(m, t, exposureBad || hidden);
  // A frozen picture says nothing about the camera's present view: it holds back the image faults below.
  const still = exposureBad || frozen.present;
  // A blur keeps the scene's layout (the coarse edge map); a turned camera loses it, and its new view is often
  // softer too: moved is judged first and explains a loss of sharpness.
  const moved = movedCondition(ctx, t, still || hidden);
  // A colour cast or dimmer light scales contrast, and the Laplacian's variance with its square: not a blur.
  // A brighter light raises contrast only until the highlights clip (lane lines, white plate characters), so
  // it is not taken out: divided by its square, the clean checkpoint lane at a cloud's 1.2 read as blurred.
  const gain = Math.min(1, ctx.baseline ? lightGain(m, ctx.baseline, t.covered.cellMaxStd) : 1);
  const blurred = ratioCondition(
    m.sharpness / (gain * gain),
    ctx.baseline?.sharpness,
    (r) => r <= t.blurred.maxRatio,
    still || hidden || moved.present,
    'sharpness',
  );
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
    colour: colourCondition(m, ctx, t, still || hidden),
    noise: noiseCondition(m, ctx.baseline, t, still),
    // A featureless or frozen picture repeats whatever the camera sends: the rate cannot be told from it. Only a
    // raised freeze holds it back (a still sample between two bursts of an irregular stream is no freeze).
    framerate: frameRateCondition(ctx, t, ctx.frozenNow || exposureBad || hidden),
  };
}

function frozenCondition(m: SampleMeasures, t: FaultThresholds, explained: boolean): Condition {
  if (m.change === null) return absent();
  // A featureless picture stands still whether or not the stream is frozen: nothing to tell by.
  const present = !explained && m.change <= t.frozen.maxChange && m.exposure.std >= t.frozen.minDetail;
  return {
    present,
    held: explained,
    value: round(m.change, 3),
    detail: `change between samples ${round(m.change, 3)} grey levels`,
  };
}

function coveredCondition(
  m: SampleMeasures,
  base: BaselineValues | null,
  t: FaultThresholds,
  explained: boolean,
): Condition {
  const v = coverView(m, base, t.covered);
  return {
    present: !explained && v.share >= t.covered.minShare,
    held: explained,
    value: round(v.share),
    detail: `${Math.round(v.share * 100)}% of the picture hidden by one uniform region (${Math.round(v.changedShare * 100)}% of it changed brightness, light gain ${round(v.gain)})`,
  };
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
    held: explained,
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
    held: explained,
    value: round(sim, 3),
    detail: `similarity to the reference view ${round(sim, 2)}`,
  };
}

function colourCondition(m: SampleMeasures, ctx: DetectContext, t: FaultThresholds, explained: boolean): Condition {
  const base = ctx.baseline;
  if (!base) return absent();
  if (explained) return heldBack();
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
    held: explained,
    value: round(ratio),
    detail: `noise sigma ${round(m.noise, 2)}, ${round(ratio, 1)}x this camera's usual`,
  };
}

function frameRateCondition(ctx: DetectContext, t: FaultThresholds, explained: boolean): Condition {
  const f = ctx.frameRate;
  if (f.frames < 5) return absent(1);
  if (explained) return heldBack(1);
  const present = f.newShare < t.framerate.minNewShare || f.maxGapSeconds > t.framerate.maxGapSeconds;
  return {
    present,
    value: round(f.newShare),
    detail: `${Math.round(f.newShare * 100)}% new frames, longest gap ${round(f.maxGapSeconds, 1)} s`,
  };
}
