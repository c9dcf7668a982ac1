// When a checkpoint camera reads plates: on change in its lanes (a motion gate on a small grey copy), for a short
// hold after, and while plates are still found on a vehicle that stopped; idle on empty road.
import type { Box, Frame, Region } from '../domain/frame.js';
import { MotionGate } from '../vision/motion-gate.js';

export interface CheckpointTriggerOptions {
  /** Frames keep being read this long after the last change in the ROI (a vehicle leaving). Default 1000 ms. */
  holdMs?: number;
  /**
   * A frame that found a plate keeps the camera reading for holdMs more, up to this long after the last change
   * (a vehicle stopped at the barrier stops moving, then is read a while longer, not for ever). Default 5000 ms.
   */
  stillReadMs?: number;
  /** With nothing changing, one frame in this long is read anyway (what the gate cannot see). 0: never. Default 10 000 ms. */
  idleCheckMs?: number;
  /** Width of the grey copy the gate compares (low resolution keeps it about a millisecond a frame). Default 96. */
  analysisWidth?: number;
  /** Grey-level change (0-255) that counts. Default 20. */
  threshold?: number;
  /**
   * Reading this long without finding a plate re-learns the background from the next frame: change that holds no
   * plate is scenery, or the ghost of a vehicle that was in the first frame learnt (vehicles of its colour passing
   * over it keep it from ever being absorbed). 0: never. Default 3000 ms.
   */
  relearnAfterMs?: number;
  /** A vehicle standing this many frames joins the background and no longer counts as change (10 s at 5 fps). Default 50. */
  absorbAfterFrames?: number;
}

export type TriggerReason = 'motion' | 'hold' | 'plate' | 'check' | 'idle';

export interface TriggerDecision {
  analyse: boolean;
  reason: TriggerReason;
  /**
   * Where to search, in frame pixels: the change inside the ROI ('motion'), or the last change's place on the
   * frames read after it ('hold', 'plate'). Undefined: the whole ROI (the first frame, a re-learnt one, 'check').
   */
  regions?: Box[];
}

const DEFAULTS: Required<CheckpointTriggerOptions> = {
  holdMs: 1000,
  stillReadMs: 5000,
  idleCheckMs: 10_000,
  analysisWidth: 96,
  threshold: 20,
  absorbAfterFrames: 50,
  relearnAfterMs: 3000,
};

export class CheckpointTrigger {
  private readonly opts: Required<CheckpointTriggerOptions>;
  private readonly gate: MotionGate;
  private lastChange = -Infinity;
  private lastPlate = -Infinity;
  private lastAnalysed = -Infinity;
  /** The last change's regions in the ROI; null after a re-learnt frame, whose change has no place. */
  private lastRegions: Box[] | null = null;
  /** When the frames read started finding nothing (null: the last one read found a plate). */
  private emptySince: number | null = null;

  constructor(
    /** The lanes (fractions of the frame); change elsewhere in the picture does not wake the camera. */
    private readonly roi: Region | undefined,
    options: CheckpointTriggerOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    const { analysisWidth, threshold, absorbAfterFrames } = this.opts;
    this.gate = new MotionGate({ analysisWidth, threshold, absorbAfterFrames });
  }

  /** Whether this frame is read, and why. Every frame goes through the gate so its background stays current. */
  decide(frame: Frame): TriggerDecision {
    const t = frame.capturedAt;
    const motion = this.gate.update(frame);
    const inRoi = motion.moving ? this.inRoi(motion.regions, frame) : [];
    // A relearned frame (the first, or the whole picture changed) cannot be compared: read it whole to be safe.
    if (motion.relearned || inRoi.length) {
      this.lastChange = t;
      this.lastRegions = motion.relearned ? null : inRoi;
    }
    const reason = this.reason(t);
    if (reason === 'idle') return { analyse: false, reason };
    this.lastAnalysed = t;
    // Detection costs with the area searched: a vehicle's region is a fifth of a 720x1160 lane, and small
    // enough to be searched at full size. A check reads the whole ROI: it is there for what the gate misses.
    const regions = reason === 'check' ? undefined : (this.lastRegions ?? undefined);
    return { analyse: true, reason, regions };
  }

  /** The reader's outcome on a frame that was read: a plate in view keeps the camera reading (within stillReadMs). */
  found(plates: number, frame: Pick<Frame, 'capturedAt'>): void {
    const t = frame.capturedAt;
    if (plates > 0) {
      this.lastPlate = t;
      this.emptySince = null;
    } else if (this.emptySince === null) this.emptySince = t;
    else if (this.opts.relearnAfterMs > 0 && t - this.emptySince >= this.opts.relearnAfterMs) {
      this.gate.reset();
      this.emptySince = null;
    }
  }

  private reason(t: number): TriggerReason {
    const { holdMs, stillReadMs, idleCheckMs } = this.opts;
    if (t === this.lastChange) return 'motion';
    if (t - this.lastChange <= holdMs) return 'hold';
    if (t - this.lastPlate <= holdMs && t - this.lastChange <= stillReadMs) return 'plate';
    if (idleCheckMs > 0 && t - this.lastAnalysed >= idleCheckMs) return 'check';
    return 'idle';
  }

  /** The regions' parts inside the ROI. */
  private inRoi(regions: Box[], frame: Frame): Box[] {
    if (!this.roi) return regions;
    const { x, y, width, height } = this.roi;
    const [rx1, ry1, rx2, ry2] = [
      x * frame.width,
      y * frame.height,
      (x + width) * frame.width,
      (y + height) * frame.height,
    ];
    return regions
      .filter(([x1, y1, x2, y2]) => x1 < rx2 && rx1 < x2 && y1 < ry2 && ry1 < y2)
      .map(([x1, y1, x2, y2]): Box => [Math.max(x1, rx1), Math.max(y1, ry1), Math.min(x2, rx2), Math.min(y2, ry2)]);
  }
}
