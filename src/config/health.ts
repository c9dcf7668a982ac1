// Camera-health settings: image-fault thresholds (global `health:` and per-camera `health:` overrides),
// work-order grace times and the rate report's settings. Defaults measured by bench/camera-health.bench.ts.
import { z } from 'zod';
import { FAULT_KINDS, type FaultKind } from '../health/fault-kinds.js';

const seconds = z
  .number()
  .min(0)
  .max(24 * 3600);
const share = z.number().min(0).max(1);
const grey = z.number().min(0).max(255);

/** What every fault has: whether it is judged, how long its condition must hold to raise it and to clear it. */
const timing = {
  /** Judge this fault at all. Default true. */
  enabled: z.boolean(),
  /** The condition must hold this long before the fault is raised (all defaults are under 60 s). */
  raiseAfterSeconds: seconds,
  /** The condition must be absent this long before a raised fault clears (hysteresis). */
  clearAfterSeconds: seconds,
  /** A raised fault lasting this long opens a work order for maintenance. */
  workOrderAfterSeconds: seconds,
};

/** Each fault's own thresholds, next to its timing; no defaults here (see HEALTH_DEFAULTS) so overrides stay partial. */
const faultShapes = {
  /** No change between samples while the stream runs; a real sensor always adds some noise. */
  frozen: z.strictObject({ ...timing, maxChange: z.number().min(0).max(50), minDetail: grey }),
  /** Mean brightness and 98th percentile of the grey picture below these. */
  black: z.strictObject({ ...timing, maxMean: grey, maxP98: grey }),
  /**
   * Share of near-white pixels, or a bright picture (mean at least washedMean) with almost no contrast (washed
   * out): std at most washedMaxStd, or at most washedMaxContrastRatio of this camera's usual std.
   */
  overexposed: z.strictObject({
    ...timing,
    minWhiteShare: share,
    washedMean: grey,
    washedMaxStd: grey,
    washedMaxContrastRatio: share,
  }),
  /** Sharpness (variance of the Laplacian) against this camera's learnt baseline. */
  blurred: z.strictObject({ ...timing, maxRatio: share }),
  /**
   * Share of the picture in one connected region of uniform cells (std at most cellMaxStd, neighbours within
   * maxMeanStep grey levels), each of which lost its detail (now at most maxDetailRatio of the cell's learnt
   * detail, which was at least minBaselineStd) or changed its brightness by minMeanShift grey levels beyond
   * the picture's overall gain; at least minChangedShare of the region must have changed brightness (a
   * blur keeps each cell's brightness, a cover replaces it).
   */
  covered: z.strictObject({
    ...timing,
    /** Share of the samples of the last raiseAfterSeconds that must show it (a cover stays; the bare road between cars comes and goes). */
    minPresentShare: share,
    minShare: share,
    cellMaxStd: grey,
    maxDetailRatio: share,
    minBaselineStd: grey,
    maxMeanStep: grey,
    minMeanShift: grey,
    minChangedShare: share,
    maxSpreadRatio: z.number().min(0).max(10),
  }),
  /** Similarity of the background's edge map to the reference view; judged only where the scene's edges are stable from sample to sample (minStructure). */
  moved: z.strictObject({
    ...timing,
    minSimilarity: z.number().min(-1).max(1),
    minStructure: z.number().min(-1).max(1),
  }),
  /** Lost colour (mean chroma against the baseline's) in daylight, or a colour cast. */
  colour: z.strictObject({
    ...timing,
    maxChromaRatio: share,
    minBaselineChroma: grey,
    maxCastShift: z.number().min(0).max(2),
    nightSunBelowDeg: z.number().min(-90).max(90),
  }),
  /** Noise (Immerkaer's estimate of sigma) against the baseline, and an absolute floor. */
  noise: z.strictObject({ ...timing, minRatio: z.number().min(1).max(100), minSigma: grey }),
  /** Share of analysis frames that are new (not repeats), and the longest gap between new frames. */
  framerate: z.strictObject({ ...timing, minNewShare: share, maxGapSeconds: z.number().gt(0).max(3600) }),
  /**
   * The camera's clock (in its RTCP sender reports, stamped on each frame) against the node's: raised when they
   * differ by more than maxOffsetSeconds. Cameras that send no sender reports are not judged.
   */
  clockDrift: z.strictObject({ ...timing, maxOffsetSeconds: z.number().gt(0).max(86_400) }),
} satisfies Record<FaultKind, z.ZodObject>;

type FaultShapes = typeof faultShapes;
export type FaultThresholds = { [K in FaultKind]: z.infer<FaultShapes[K]> };

/**
 * Defaults, measured on the benchmark's footage (README, Camera health). A camera that is naturally
 * darker, softer or noisier needs no override for blur and noise: those compare with its own baseline.
 */
export const HEALTH_DEFAULTS: FaultThresholds = {
  frozen: {
    enabled: true,
    raiseAfterSeconds: 15,
    clearAfterSeconds: 3,
    workOrderAfterSeconds: 300,
    maxChange: 0.05,
    minDetail: 6,
  },
  black: {
    enabled: true,
    raiseAfterSeconds: 10,
    clearAfterSeconds: 5,
    workOrderAfterSeconds: 300,
    maxMean: 20,
    maxP98: 40,
  },
  overexposed: {
    enabled: true,
    raiseAfterSeconds: 10,
    clearAfterSeconds: 5,
    workOrderAfterSeconds: 300,
    minWhiteShare: 0.6,
    washedMean: 190,
    washedMaxStd: 12,
    washedMaxContrastRatio: 0.25,
  },
  blurred: { enabled: true, raiseAfterSeconds: 20, clearAfterSeconds: 10, workOrderAfterSeconds: 600, maxRatio: 0.3 },
  covered: {
    enabled: true,
    raiseAfterSeconds: 10,
    clearAfterSeconds: 5,
    workOrderAfterSeconds: 300,
    minPresentShare: 0.6,
    minShare: 0.2,
    cellMaxStd: 2.5,
    maxDetailRatio: 0.5,
    minBaselineStd: 1.5,
    maxMeanStep: 10,
    minMeanShift: 10,
    minChangedShare: 0.5,
    maxSpreadRatio: 0.4,
  },
  moved: {
    enabled: true,
    raiseAfterSeconds: 30,
    clearAfterSeconds: 10,
    workOrderAfterSeconds: 600,
    minSimilarity: 0.5,
    minStructure: 0.6,
  },
  colour: {
    enabled: true,
    raiseAfterSeconds: 30,
    clearAfterSeconds: 10,
    workOrderAfterSeconds: 1800,
    maxChromaRatio: 0.25,
    minBaselineChroma: 1.5,
    maxCastShift: 0.25,
    nightSunBelowDeg: 0,
  },
  noise: {
    enabled: true,
    raiseAfterSeconds: 20,
    clearAfterSeconds: 10,
    workOrderAfterSeconds: 1800,
    minRatio: 2.5,
    minSigma: 5,
  },
  framerate: {
    enabled: true,
    raiseAfterSeconds: 20,
    clearAfterSeconds: 10,
    workOrderAfterSeconds: 600,
    minNewShare: 0.5,
    maxGapSeconds: 2.5,
  },
  // 2 s: footage stamped further off than that no longer lines up with other cameras, plates or radio logs;
  // the measure reads late by the capture-to-arrival delay (encoding, network) plus a frame interval, well below it.
  clockDrift: {
    enabled: true,
    raiseAfterSeconds: 30,
    clearAfterSeconds: 30,
    workOrderAfterSeconds: 3600,
    maxOffsetSeconds: 2,
  },
};

const overridesShape = Object.fromEntries(FAULT_KINDS.map((k) => [k, faultShapes[k].partial().optional()])) as {
  [K in FaultKind]: z.ZodOptional<ReturnType<FaultShapes[K]['partial']>>;
};

/** Per-camera `health:` in the camera list: any threshold of any fault, the rest from the global `health:`. */
export const cameraHealthSchema = z.strictObject(overridesShape);
export type CameraHealthOverrides = z.infer<typeof cameraHealthSchema>;

export const healthSchema = z.strictObject({
  /** Run the image diagnostics on every enabled camera. Default true. */
  enabled: z.boolean().default(true),
  /** One analysis frame in this many seconds is diagnosed (frame-rate counting sees every frame). Default 1. */
  sampleEverySeconds: z.number().gt(0).max(60).default(1),
  /** Healthy samples this long teach a camera its baseline (sharpness, detail, noise, colour, reference view). Default 30. */
  learnSeconds: z.number().min(5).max(3600).default(30),
  /** Time constant of the baseline's slow drift with the scene (day, season); only fault-free samples count. Default 3600. */
  adaptSeconds: z
    .number()
    .min(60)
    .max(30 * 24 * 3600)
    .default(3600),
  /** Largest side of the evidence JPEG, pixels. Default 640. */
  evidenceMaxSide: z.number().int().min(64).max(3840).default(640),
  /** Thresholds for every camera (see HEALTH_DEFAULTS for each default). */
  ...overridesShape,
  rates: z
    .strictObject({
      /** The target every rate is drawn against. Default 0.95. */
      target: share.default(0.95),
      /** A maintainer's position confirmation counts for this many days. Default 365. */
      locationMaxAgeDays: z.number().int().min(1).max(3650).default(365),
      /** A confirmation counts only while the registered position is within this of the confirmed one. Default 30 m. */
      locationToleranceMetres: z.number().min(0).max(10_000).default(30),
    })
    .prefault({}),
});
export type HealthConfig = z.infer<typeof healthSchema>;

/** The thresholds of one camera: defaults, then the global `health:` keys, then the camera's own. */
export function thresholdsFor(global: HealthConfig, camera: CameraHealthOverrides | undefined): FaultThresholds {
  const out = {} as Record<FaultKind, unknown>;
  for (const k of FAULT_KINDS) out[k] = { ...HEALTH_DEFAULTS[k], ...(global[k] ?? {}), ...(camera?.[k] ?? {}) };
  return out as FaultThresholds;
}
