// Text-region detection for plates: PP-OCR det input sizing and DB post-processing into quads.
import type { RgbImage } from '../domain/frame.js';
import { type Point, resizeImage, toTensor } from './image.js';
import type { Box } from '../domain/frame.js';
import { boundsOf, minAreaRect, convexHull, type RotatedRect, rectCorners } from './geometry.js';
import type { OnnxSession } from './onnx-session.js';
import ort from 'onnxruntime-node';

/** The det model's per-pixel text probability, one float per pixel. */
export interface ProbabilityMap {
  data: Float32Array;
  width: number;
  height: number;
}

/** A text region: corners TL, TR, BR, BL after unclipping, and the mean probability inside. */
export interface TextQuad {
  quad: Point[];
  score: number;
}

export interface DbOptions {
  /** Pixel threshold on the probability map. Default 0.3 (PaddleOCR's). */
  threshold?: number;
  /** Minimum mean probability inside a box. Default 0.6. */
  boxThreshold?: number;
  /**
   * Growth of the raw box: distance = area x ratio / perimeter. Default 2.0, not PaddleOCR's 1.5:
   * the raw box covers only the characters, and 1.5 lost the province on a blurred plate.
   */
  unclipRatio?: number;
  /** Boxes whose short side is under this (map pixels) are noise. Default 3. */
  minSide?: number;
  /** Largest number of components examined, biggest first. Default 1000. */
  maxCandidates?: number;
}

/** One 8-connected component: its pixel count and the leftmost and rightmost pixel of each row. */
interface Component {
  size: number;
  /** Row extremes: their convex hull is the component's, at a fraction of the points. */
  outline: Point[];
}

/** 8-connected components of pixels above threshold (the map is mostly background, so this is one pass). */
function components(map: ProbabilityMap, threshold: number): Component[] {
  const { width, height, data } = map;
  const state = new Uint8Array(width * height); // 1 = foreground not yet visited, 2 = visited
  let foreground = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] <= threshold) continue;
    state[i] = 1;
    foreground++;
  }
  const rowMin = new Int32Array(height);
  const rowMax = new Int32Array(height);
  const rowOwner = new Int32Array(height); // which component (1-based) last wrote rowMin/rowMax
  const stack = new Int32Array(foreground); // each pixel is pushed at most once
  const found: Component[] = [];
  for (let start = 0; start < state.length; start++) {
    if (state[start] !== 1) continue;
    const rows: number[] = [];
    let top = 0;
    let size = 0;
    stack[top++] = start;
    state[start] = 2;
    while (top) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      size++;
      if (rowOwner[y] !== found.length + 1) {
        rowOwner[y] = found.length + 1;
        rows.push(y);
        rowMin[y] = rowMax[y] = x;
      } else if (x < rowMin[y]) rowMin[y] = x;
      else if (x > rowMax[y]) rowMax[y] = x;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          const q = ny * width + nx;
          if (state[q] !== 1) continue;
          state[q] = 2;
          stack[top++] = q;
        }
      }
    }
    found.push({
      size,
      outline: rows.flatMap((y): Point[] => [
        [rowMin[y], y],
        [rowMax[y], y],
      ]),
    });
  }
  return found;
}

/** Mean probability of the map pixels whose centres fall inside the convex quad. */
export function meanInside(map: ProbabilityMap, quad: Point[]): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x1 = Math.max(0, Math.floor(Math.min(...xs)));
  const x2 = Math.min(map.width - 1, Math.ceil(Math.max(...xs)));
  const y1 = Math.max(0, Math.floor(Math.min(...ys)));
  const y2 = Math.min(map.height - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y1; y <= y2; y++) {
    for (let x = x1; x <= x2; x++) {
      if (!insideConvex(quad, x, y)) continue;
      sum += map.data[y * map.width + x];
      n++;
    }
  }
  return n ? sum / n : 0;
}

function insideConvex(quad: Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < quad.length; i++) {
    const [ax, ay] = quad[i];
    const [bx, by] = quad[(i + 1) % quad.length];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (Math.abs(cross) < 1e-9) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}

/** Grows a rectangle by the DB unclip distance on every side (what a round-joined polygon offset gives). */
function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const area = rect.width * rect.height;
  const perimeter = 2 * (rect.width + rect.height);
  const d = perimeter > 0 ? (area * ratio) / perimeter : 0;
  return { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
}

/** DB post-processing: probability map -> unclipped quads in map pixels, clipped to the map. */
export function dbPostprocess(map: ProbabilityMap, opts: DbOptions = {}): TextQuad[] {
  const threshold = opts.threshold ?? 0.3;
  const boxThreshold = opts.boxThreshold ?? 0.6;
  const ratio = opts.unclipRatio ?? 2.0;
  const minSide = opts.minSide ?? 3;
  const found = components(map, threshold)
    .sort((a, b) => b.size - a.size)
    .slice(0, opts.maxCandidates ?? 1000);
  const quads: TextQuad[] = [];
  for (const { outline } of found) {
    const rect = minAreaRect(convexHull(outline));
    if (Math.min(rect.width, rect.height) < minSide) continue;
    const score = meanInside(map, rectCorners(rect));
    if (score < boxThreshold) continue;
    const grown = unclip(rect, ratio);
    if (Math.min(grown.width, grown.height) < minSide + 2) continue;
    const quad = rectCorners(grown).map(([x, y]): Point => [
      Math.min(map.width, Math.max(0, x)),
      Math.min(map.height, Math.max(0, y)),
    ]);
    quads.push({ quad, score });
  }
  return quads;
}

/** Det input size: the image's own size capped by maxSide, each side rounded to a multiple of 32. */
export function detInputSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const round32 = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/** ImageNet statistics applied as listed to B,G,R planes: that is how PaddleOCR trained the det model. */
const DET_NORM = {
  mean: [0.485, 0.456, 0.406] as [number, number, number],
  std: [0.229, 0.224, 0.225] as [number, number, number],
  bgr: true,
};

/** Runs the det model on the image and returns text quads in the image's pixels. */
export async function detectTextQuads(
  session: OnnxSession,
  image: RgbImage,
  maxSide: number,
  opts: DbOptions = {},
): Promise<TextQuad[]> {
  const size = detInputSize(image.width, image.height, maxSide);
  // Bilinear, as PaddleOCR's OpenCV resize: same reads as lanczos here and a third cheaper.
  const resized = await resizeImage(image, size.width, size.height, 'linear');
  const input = new ort.Tensor('float32', toTensor(resized, DET_NORM), [1, 3, size.height, size.width]);
  const output = await session.run({ [session.inputNames[0]]: input });
  const prob = output[session.outputNames[0]];
  const map: ProbabilityMap = { data: prob.data as Float32Array, width: size.width, height: size.height };
  const sx = image.width / size.width;
  const sy = image.height / size.height;
  return dbPostprocess(map, opts).map((q) => ({
    score: q.score,
    quad: q.quad.map(([x, y]): Point => [x * sx, y * sy]),
  }));
}

/**
 * Boxes that may be a two-row plate (GA 36: lorries, buses and trailers at the rear,
 * motorcycles), for the reader to try beside the one-row ones. Det finds the small top row
 * (province, letter; sometimes one box per character) and the tall bottom row as separate text
 * boxes: each box of five-character shape with smaller text centred just above it yields one
 * merged quad around both rows. The boxes themselves stay with the caller, as text above a
 * one-row plate (a dealer's frame) passes this test too. A small plate searched on a scaled-down
 * image comes out as one box of both rows, squarer (1.2-1.5:1) than one-row text ever is.
 */
export function twoRowCandidates(quads: TextQuad[]): TextQuad[] {
  const boxes = quads.map((q) => boundsOf(q.quad));
  const merged: TextQuad[] = [];
  boxes.forEach((b, i) => {
    const [bw, bh] = [b[2] - b[0], b[3] - b[1]];
    if (bw >= 1.2 * bh && bw < 1.5 * bh) merged.push(quads[i]);
    if (bw < 1.5 * bh || bw > 6 * bh) return;
    const above = boxes.flatMap((t, j) => (j !== i && isRowAbove(t, b) ? [j] : []));
    if (!above.length) return;
    // One line: the tops' centres within half the first one's height of each other.
    const first = boxes[above[0]];
    const line = above.filter((j) => Math.abs(middle(boxes[j], 1) - middle(first, 1)) < 0.5 * height(first));
    const span = boundsOf(line.flatMap((j) => quads[j].quad));
    if (span[2] - span[0] > 1.05 * bw) return;
    const members = [i, ...line];
    const quad = rectCorners(minAreaRect(convexHull(members.flatMap((j) => quads[j].quad))));
    const score = members.reduce((s, j) => s + quads[j].score, 0) / members.length;
    merged.push({ quad, score });
  });
  return merged;
}

const middle = (b: Box, axis: 0 | 1) => (b[axis] + b[axis + 2]) / 2;
const height = (b: Box) => b[3] - b[1];

/** t is text of a smaller row just above b: centred over it, shorter, its middle above b's top part. */
function isRowAbove(t: Box, b: Box): boolean {
  const [bw, bh] = [b[2] - b[0], height(b)];
  const cx = middle(t, 0);
  return (
    cx > b[0] + 0.1 * bw &&
    cx < b[2] - 0.1 * bw &&
    height(t) >= 0.3 * bh &&
    height(t) <= 0.95 * bh &&
    middle(t, 1) < b[1] + 0.2 * bh &&
    t[3] > b[1] - 0.8 * bh
  );
}
