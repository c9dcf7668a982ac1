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
    // A relearned frame (the first, or the whole picture changed) cannot be compared: read it to be safe.
    if (motion.relearned || (motion.moving && this.inRoi(motion.regions, frame))) this.lastChange = t;
    const reason = this.reason(t);
    if (reason !== 'idle') this.lastAnalysed = t;
    return { analyse: reason !== 'idle', reason };
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

  private inRoi(regions: Box[], frame: Frame): boolean {
    if (!this.roi) return regions.length > 0;
    const { x, y, width, height } = this.roi;
    const [rx1, ry1, rx2, ry2] = [
      x * frame.width,
      y * frame.height,
      (x + width) * frame.width,
      (y + height) * frame.height,
    ];
    return regions.some(([x1, y1, x2, y2]) => x1 < rx2 && rx1 < x2 && y1 < ry2 && ry1 < y2);
  }
}
