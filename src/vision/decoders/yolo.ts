// YOLO-style outputs: v5 rows [1,N,5+C] with objectness, v8/v11 columns [1,4+C,N] without; class-aware NMS.
import type { Box } from '../../domain/frame.js';
import type { Placement } from './letterbox.js';
import { unplaceBox } from './letterbox.js';
import { type ClassedBox, nms } from './nms.js';

/** v5: one row per candidate (cx,cy,w,h,objectness,C class scores); v8: one column per candidate (cx,cy,w,h,C scores). */
export type YoloLayout = 'v5' | 'v8';

export class YoloShapeError extends Error {
  override name = 'YoloShapeError';
}

/**
 * Which layout a [1,a,b] output has. With the class count known, the shape says it exactly;
 * otherwise the longer axis is the candidates (8400 vs 84 for v8 at 640, 25200 vs 85 for v5).
 */
export function detectYoloLayout(dims: readonly number[], classes?: number): YoloLayout {
  if (dims.length !== 3 || dims[0] !== 1)
    throw new YoloShapeError(`YOLO output must be [1,a,b], got [${dims.join(',')}]`);
  const [, a, b] = dims;
  if (classes === undefined) return a < b ? 'v8' : 'v5';
  const v8 = a === 4 + classes;
  const v5 = b === 5 + classes;
  if (v8 && v5) return a < b ? 'v8' : 'v5';
  if (v8) return 'v8';
  if (v5) return 'v5';
  throw new YoloShapeError(
    `YOLO output [${dims.join(',')}] fits neither v5 [1,N,${5 + classes}] nor v8 [1,${4 + classes},N] for ${classes} labels: ` +
      'check the labels in the manifest entry',
  );
}

export interface YoloDecodeOptions {
  scoreThreshold: number;
  iouThreshold: number;
  /** Default: detected from the shape (and the class count, when given). */
  layout?: YoloLayout;
  /** Number of labels the model was trained with, if known. */
  classes?: number;
  /** Model input size, to scale exports that give boxes as fractions of the input. */
  inputSize: { width: number; height: number };
  placement: Placement;
  imageSize: { width: number; height: number };
  /** Classes to keep (0-based); default all. */
  keep?: ReadonlySet<number>;
}

/** `data` is the flat output of the given dims. Boxes come back in image pixels, best first. */
export function decodeYolo(data: Float32Array, dims: readonly number[], opts: YoloDecodeOptions): ClassedBox[] {
  const layout = opts.layout ?? detectYoloLayout(dims, opts.classes);
  const [, a, b] = dims;
  const v8 = layout === 'v8';
  const count = v8 ? b : a;
  const attrs = v8 ? a : b;
  const classes = attrs - (v8 ? 4 : 5);
  if (classes < 1) throw new YoloShapeError(`YOLO ${layout} output [${dims.join(',')}] leaves no class scores`);
  // Attribute k of candidate i: columns for v8 (transposed), rows for v5.
  const at = v8 ? (i: number, k: number) => data[k * count + i] : (i: number, k: number) => data[i * attrs + k];
  const firstClass = v8 ? 4 : 5;
  const scale = fractionScale(count, at, opts.inputSize);
  const found: ClassedBox[] = [];
  for (let i = 0; i < count; i++) {
    const objectness = v8 ? 1 : at(i, 4);
    if (objectness < opts.scoreThreshold) continue; // score = objectness x class, so it cannot pass
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      const s = at(i, firstClass + c);
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    // The candidate's own class decides; a runner-up class must not relabel it to one we keep.
    const score = objectness * bestScore;
    if (!(score >= opts.scoreThreshold) || (opts.keep && !opts.keep.has(best))) continue;
    const cx = at(i, 0) * scale.x;
    const cy = at(i, 1) * scale.y;
    const w = at(i, 2) * scale.x;
    const h = at(i, 3) * scale.y;
    const box: Box = unplaceBox([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], opts.placement, opts.imageSize);
    if (box[2] <= box[0] || box[3] <= box[1]) continue;
    found.push({ box, score, classIndex: best });
  }
  return nms(found, opts.iouThreshold, { classOf: (d) => d.classIndex });
}

/**
 * Some exports (TFLite, some ONNX with normalize=True) give centres as fractions of the input.
 * No real pixel-space output has every centre within 1.5 px of the corner, so that tells them apart.
 */
function fractionScale(
  count: number,
  at: (i: number, k: number) => number,
  input: { width: number; height: number },
): { x: number; y: number } {
  let max = 0;
  for (let i = 0; i < count; i++) max = Math.max(max, Math.abs(at(i, 0)), Math.abs(at(i, 1)));
  return max <= 1.5 ? { x: input.width, y: input.height } : { x: 1, y: 1 };
}
