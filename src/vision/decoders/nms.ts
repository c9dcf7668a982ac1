// Overlap and non-maximum suppression shared by the detectors: hard (class-aware) and weighted (BlazeFace).
import { area, iou } from '../../domain/box.js';
import type { Box } from '../../domain/frame.js';
import type { Point } from '../image.js';

/** A box in some pixel space with its score and 0-based class in the model's label list. */
export interface ClassedBox {
  box: Box;
  score: number;
  classIndex: number;
}

// Box geometry lives in the domain; re-exported for the decoders' callers.
export { area, iou };

export interface NmsOptions<T> {
  /**
   * Boxes of different classes never suppress each other (a rider on a motorcycle must stay a
   * person). Default: every box is one class.
   */
  classOf?: (item: T) => number | string;
  /** Keep at most this many, best first. Default: no limit. */
  maxOutput?: number;
}

/** Greedy NMS: best score first, dropping any later box of the same class overlapping a kept one by more than `iouThreshold`. */
export function nms<T extends { box: Box; score: number }>(
  items: readonly T[],
  iouThreshold: number,
  opts: NmsOptions<T> = {},
): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  const max = opts.maxOutput ?? Infinity;
  for (const item of sorted) {
    if (kept.length >= max) break;
    const cls = opts.classOf?.(item);
    const suppressed = kept.some(
      (k) => (opts.classOf === undefined || opts.classOf(k) === cls) && iou(k.box, item.box) > iouThreshold,
    );
    if (!suppressed) kept.push(item);
  }
  return kept;
}

/** A detection with keypoints, as a face detector returns it. */
export interface KeypointBox {
  box: Box;
  score: number;
  landmarks: Point[];
}

/**
 * BlazeFace's weighted NMS: each group of boxes overlapping the best remaining one becomes a
 * single detection whose box and landmarks are the score-weighted mean of the group, and whose
 * score is the best member's. Anchor jitter averages out, so boxes sit steadier on a face than
 * with hard NMS, which keeps whichever anchor happened to score highest.
 */
export function weightedNms<T extends KeypointBox>(items: readonly T[], iouThreshold: number): T[] {
  const remaining = [...items].sort((a, b) => b.score - a.score);
  const out: T[] = [];
  while (remaining.length) {
    const best = remaining[0];
    const group: T[] = [];
    for (let i = remaining.length - 1; i >= 0; i--) {
      if (iou(best.box, remaining[i].box) > iouThreshold || i === 0) group.push(...remaining.splice(i, 1));
    }
    const total = group.reduce((s, g) => s + g.score, 0);
    const mean = (pick: (g: T) => number) => group.reduce((s, g) => s + pick(g) * g.score, 0) / total;
    const box = [0, 1, 2, 3].map((i) => mean((g) => g.box[i])) as Box;
    const landmarks = best.landmarks.map((_, j): Point => [
      mean((g) => g.landmarks[j][0]),
      mean((g) => g.landmarks[j][1]),
    ]);
    out.push({ ...best, box, landmarks });
  }
  return out;
}
