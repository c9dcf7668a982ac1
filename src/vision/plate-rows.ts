// One-row or two-row: finds the text gap of a two-row plate in an upright crop from its horizontal projection profile.
import type { RgbImage } from '../domain/frame.js';
import { type Point, warpQuad } from './image.js';

/**
 * Crops wider than this (width / height) are one-row plates: a one-row plate is 3.14:1, a
 * two-row one 2:1 (440 x 220 mm) and a motorcycle plate 1.57:1 (220 x 140 mm), each a little
 * wider again with the side padding the reader adds.
 */
export const MAX_TWO_ROW_ASPECT = 2.8;
/** The gap between the rows lies in this band of the crop's height (the top row is the smaller). */
const GAP_FROM = 0.22;
const GAP_TO = 0.62;
/** The gap's text energy is under this share of the weaker row's peak. */
const GAP_DEPTH = 0.55;
/** A row's extent: the rows around its peak whose energy stays above this share of it. */
const ROW_EDGE = 0.2;
/** Margin kept above and below each row, as a share of its height (the rec model wants some). */
const ROW_MARGIN = 0.15;
/** Columns at each side left out of the profile: the plate's rim, edges and rivets, the car body beyond. */
const SIDE_SKIP = 0.25;

/** The two text rows of a two-row plate, in the crop's pixels once its rows are levelled (see cutRows). */
export interface RowSplit {
  top: [y1: number, y2: number];
  bottom: [y1: number, y2: number];
  /** The row of least text energy between them. */
  gapY: number;
  /**
   * Rows fall by this many pixels per pixel to the right (a plate tilted in the crop); the
   * split's rows are counted from the middle column. 0 for a crop cut along the plate's edges.
   */
  slope: number;
  /** 0..1: how far the gap's energy falls below the weaker row's peak (1: no text at all in it). */
  depth: number;
}

/** Slopes tried when levelling the rows: about -6 to 6 degrees, for crops that were not rectified. */
const SLOPES = [0, -0.035, 0.035, -0.07, 0.07, -0.105, 0.105];

/**
 * Horizontal brightness change per pixel over the middle columns (0 elsewhere). Characters are
 * made of vertical strokes; the gap between rows, the rim and a plain car body have none,
 * whatever the plate's colours, so blue, yellow and white plates need no polarity. The side
 * columns hold the plate's edges and rivets, which run through the gap.
 */
function strokeEnergy(img: RgbImage): Float32Array {
  const { width, height, data } = img;
  const out = new Float32Array(width * height);
  const x1 = Math.floor(width * SIDE_SKIP);
  const x2 = Math.ceil(width * (1 - SIDE_SKIP));
  const grey = (i: number) => 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
  for (let y = 0; y < height; y++)
    for (let x = x1 + 1; x < x2; x++) out[y * width + x] = Math.abs(grey(y * width + x) - grey(y * width + x - 1));
  return out;
}

/** Text energy per levelled row: each pixel counted in row y - (x - middle) x slope, then smoothed. */
export function rowProfile(energy: Float32Array, width: number, height: number, slope: number): Float64Array {
  const raw = new Float64Array(height);
  const mid = width / 2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = energy[y * width + x];
      if (!v) continue;
      const row = Math.round(y - (x - mid) * slope);
      if (row >= 0 && row < height) raw[row] += v;
    }
  // Smoothed over about a sixtieth of the height, so one noisy pixel row neither opens nor closes a
  // gap; not more, as the gap of a 56 px lorry plate is 3 px.
  const r = Math.round(height / 60);
  const out = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let s = 0;
    let n = 0;
    for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r); k++, n++) s += raw[k];
    out[y] = s / n;
  }
  return out;
}

/** Index of the largest (sign 1) or smallest (sign -1) value in [from, to). */
function extremum(p: Float64Array, from: number, to: number, sign: 1 | -1): number {
  let best = from;
  for (let y = from; y < to; y++) if (sign * p[y] > sign * p[best]) best = y;
  return best;
}

/** Rows around the peak whose energy stays above ROW_EDGE of it, not crossing the limits. */
function rowExtent(p: Float64Array, peak: number, lo: number, hi: number): [number, number] {
  let a = peak;
  let b = peak;
  while (a > lo && p[a - 1] > ROW_EDGE * p[peak]) a--;
  while (b < hi - 1 && p[b + 1] > ROW_EDGE * p[peak]) b++;
  return [a, b + 1];
}

/** The split of one levelled profile, or null when it shows no gap with a smaller row above a taller one. */
function splitProfile(p: Float64Array, height: number, slope: number): RowSplit | null {
  const gapY = extremum(p, Math.floor(GAP_FROM * height), Math.ceil(GAP_TO * height), -1);
  const topPeak = extremum(p, 0, gapY, 1);
  const bottomPeak = extremum(p, gapY + 1, height, 1);
  const weaker = Math.min(p[topPeak], p[bottomPeak]);
  if (weaker <= 0 || p[gapY] > GAP_DEPTH * weaker) return null;
  const [t1, t2] = rowExtent(p, topPeak, 0, gapY);
  const [b1, b2] = rowExtent(p, bottomPeak, gapY + 1, height);
  const [topH, bottomH] = [t2 - t1, b2 - b1];
  // The top row (province, letter) is the smaller; both rows hold real characters, not a rim line.
  // GA 36: 60 mm over 110 (lorries), 40 over 66 (motorcycles); a tilted rim's edge is far thinner.
  if (topH > bottomH || topH < 0.3 * bottomH || topH < 0.08 * height || bottomH < 0.25 * height) return null;
  const grow = (a: number, b: number, lo: number, hi: number): [number, number] => {
    const m = Math.max(1, Math.round((b - a) * ROW_MARGIN));
    return [Math.max(lo, a - m), Math.min(hi, b + m)];
  };
  return {
    top: grow(t1, t2, 0, gapY + 1),
    bottom: grow(b1, b2, gapY, height),
    gapY,
    slope,
    depth: 1 - p[gapY] / weaker,
  };
}

/**
 * The rows of a two-row plate, or null for anything else: a crop too wide for two rows, or one
 * whose profile shows no gap at any tried tilt (a one-row plate's characters fill the middle of
 * its height without a break). A tilted crop's rows are levelled by the slope with the deepest gap.
 */
export function splitRows(img: RgbImage): RowSplit | null {
  const { width, height } = img;
  if (height < 12 || width / height > MAX_TWO_ROW_ASPECT) return null;
  const energy = strokeEnergy(img);
  let best: RowSplit | null = null;
  for (const slope of SLOPES) {
    const split = splitProfile(rowProfile(energy, width, height, slope), height, slope);
    if (split && (!best || split.depth > best.depth + 0.02)) best = split;
  }
  return best;
}

/** The two rows as upright images of the crop's width, levelled by the split's slope. */
export function cutRows(img: RgbImage, split: RowSplit): { top: RgbImage; bottom: RgbImage } {
  const mid = img.width / 2;
  const band = ([y1, y2]: [number, number]) => {
    const at = (x: number, y: number): Point => [x, y + (x - mid) * split.slope];
    const quad = [at(0, y1), at(img.width, y1), at(img.width, y2), at(0, y2)];
    return warpQuad(img, quad, img.width, Math.max(1, y2 - y1));
  };
  return { top: band(split.top), bottom: band(split.bottom) };
}
