// BlazeFace outputs: anchors per stride, logits -> sigmoid, box + 6 landmarks decoded against anchors, NMS.
import type { Point } from '../image.js';
import { type KeypointBox, nms, weightedNms } from './nms.js';

export interface AnchorSpec {
  /** Square input side in pixels (256 for Human's blazeface). */
  inputSize: number;
  /** Per output head, in the order the heads are concatenated (stride 16 first: 512 + 384 = 896 at 256). */
  strides: number[];
  anchorsPerCell: number[];
}

/**
 * Anchor centres [x0,y0,x1,y1,...] in input pixels: for each stride, rows then columns then the
 * cell's anchors, as MediaPipe generates them (all anchors of a cell share its centre).
 */
export function blazeAnchors(spec: AnchorSpec): Float32Array {
  if (spec.strides.length !== spec.anchorsPerCell.length)
    throw new Error('blazeface: strides and anchorsPerCell differ in length');
  const centres: number[] = [];
  spec.strides.forEach((stride, s) => {
    const cells = Math.ceil(spec.inputSize / stride);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let n = 0; n < spec.anchorsPerCell[s]; n++) centres.push(stride * (x + 0.5), stride * (y + 0.5));
      }
    }
  });
  return Float32Array.from(centres);
}

/** Values per anchor in the box heads: centre offset (2), size (2), then 6 landmarks (x, y). */
export const BOX_VALUES = 16;
export const LANDMARKS = 6;

export interface BlazefaceDecodeOptions {
  scoreThreshold: number;
  iouThreshold: number;
  /** Weighted (blended) NMS as in the BlazeFace paper; false keeps the single best anchor. Default true. */
  weighted?: boolean;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * `scores[h]` holds one logit per anchor of head h, `boxes[h]` 16 values per anchor; heads in
 * anchor order. Boxes and landmarks come back in input pixels (the caller maps them to the image).
 */
export function decodeBlazeface(
  scores: Float32Array[],
  boxes: Float32Array[],
  anchors: Float32Array,
  opts: BlazefaceDecodeOptions,
): KeypointBox[] {
  const total = scores.reduce((n, s) => n + s.length, 0);
  if (total * 2 !== anchors.length) throw new Error(`blazeface: ${total} scores for ${anchors.length / 2} anchors`);
  const found: KeypointBox[] = [];
  // The score threshold is compared on logits: no exp() for the hundreds of empty anchors.
  const minLogit = Math.log(opts.scoreThreshold / (1 - opts.scoreThreshold));
  let a = 0;
  for (let h = 0; h < scores.length; h++) {
    const s = scores[h];
    const b = boxes[h];
    if (b.length !== s.length * BOX_VALUES)
      throw new Error(`blazeface: head ${h} has ${b.length} box values for ${s.length} anchors`);
    for (let i = 0; i < s.length; i++, a++) {
      if (!(s[i] >= minLogit)) continue;
      const ax = anchors[2 * a];
      const ay = anchors[2 * a + 1];
      const o = i * BOX_VALUES;
      const cx = ax + b[o];
      const cy = ay + b[o + 1];
      const w = b[o + 2];
      const hgt = b[o + 3];
      const landmarks: Point[] = [];
      for (let k = 0; k < LANDMARKS; k++) landmarks.push([ax + b[o + 4 + 2 * k], ay + b[o + 5 + 2 * k]]);
      found.push({ box: [cx - w / 2, cy - hgt / 2, cx + w / 2, cy + hgt / 2], score: sigmoid(s[i]), landmarks });
    }
  }
  return opts.weighted === false ? nms(found, opts.iouThreshold) : weightedNms(found, opts.iouThreshold);
}
