// Pure measures over a grey picture that the fault detectors compare: exposure, sharpness,
// per-cell detail, change between samples (and the noise in it), and the edge map of the scene's layout.
import type { GreyImage } from './sample.js';

export interface Exposure {
  mean: number;
  std: number;
  /** 98th percentile of brightness. */
  p98: number;
  /** Share of pixels at 245 or above. */
  whiteShare: number;
}

export function exposure(img: GreyImage): Exposure {
  const hist = new Uint32Array(256);
  let s = 0,
    s2 = 0;
  for (const v of img.data) {
    s += v;
    s2 += v * v;
    hist[Math.min(255, Math.max(0, Math.round(v)))]++;
  }
  const n = Math.max(1, img.data.length);
  const mean = s / n;
  let acc = 0,
    p98 = 255;
  for (let i = 0; i < 256; i++) {
    acc += hist[i];
    if (acc >= 0.98 * n) {
      p98 = i;
      break;
    }
  }
  let white = 0;
  for (let i = 245; i < 256; i++) white += hist[i];
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)), p98, whiteShare: white / n };
}

/** Variance of the 4-neighbour Laplacian: high for sharp detail, falls as the picture blurs. */
export function laplacianVariance(img: GreyImage): number {
  const { data, width: w, height: h } = img;
  let s = 0,
    s2 = 0,
    n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = data[i - 1] + data[i + 1] + data[i - w] + data[i + w] - 4 * data[i];
      s += l;
      s2 += l * l;
      n++;
    }
  }
  if (!n) return 0;
  const mean = s / n;
  return s2 / n - mean * mean;
}

export interface TemporalChange {
  /** Mean absolute difference, grey levels. */
  mean: number;
  /**
   * Noise sigma from the median absolute difference: most of a street scene stands still between two
   * samples, so the median sees sensor noise alone (|N(0, 2 sigma^2)| has median 0.954 sigma), not texture or traffic.
   */
  noise: number;
}

/** How two pictures of the same size differ; null when their sizes differ. */
export function temporalChange(a: GreyImage, b: GreyImage): TemporalChange | null {
  if (a.width !== b.width || a.height !== b.height) return null;
  const n = Math.max(1, a.data.length);
  let s = 0,
    signed = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    signed += d;
    s += Math.abs(d);
  }
  // A change of light shifts every pixel alike: the noise is the spread around that shift.
  const shift = signed / n;
  const bins = new Uint32Array(256); // quarter grey levels up to 64
  for (let i = 0; i < a.data.length; i++)
    bins[Math.min(255, Math.floor(Math.abs(a.data[i] - b.data[i] - shift) * 4))]++;
  let acc = 0,
    med = 63.75;
  for (let i = 0; i < 256; i++) {
    acc += bins[i];
    if (acc >= n / 2) {
      med = (i + 0.5) / 4;
      break;
    }
  }
  return { mean: s / n, noise: med / 0.954 };
}

/**
 * Grid of cells over the picture: 32x18 (10x10 fine pixels at 320 wide), fine enough that a cover
 * reaching 30% of the height fills five whole rows of cells, not one or two and a partly covered one.
 */
export const CELL_COLS = 32;
export const CELL_ROWS = 18;

export interface CellStats {
  /** Standard deviation of brightness inside each cell, row by row. */
  std: Float32Array;
  /** Mean brightness of each cell, row by row. */
  mean: Float32Array;
}

/** Brightness mean and standard deviation inside each cell of the grid, row by row (one pass). */
export function cellStats(img: GreyImage): CellStats {
  const std = new Float32Array(CELL_COLS * CELL_ROWS);
  const means = new Float32Array(CELL_COLS * CELL_ROWS);
  const cw = img.width / CELL_COLS;
  const ch = img.height / CELL_ROWS;
  for (let cy = 0; cy < CELL_ROWS; cy++) {
    for (let cx = 0; cx < CELL_COLS; cx++) {
      let s = 0,
        s2 = 0,
        n = 0;
      for (let y = Math.floor(cy * ch); y < Math.floor((cy + 1) * ch); y++) {
        for (let x = Math.floor(cx * cw); x < Math.floor((cx + 1) * cw); x++) {
          const v = img.data[y * img.width + x];
          s += v;
          s2 += v * v;
          n++;
        }
      }
      const mean = n ? s / n : 0;
      means[cy * CELL_COLS + cx] = mean;
      std[cy * CELL_COLS + cx] = n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : 0;
    }
  }
  return { std, mean: means };
}

/** Standard deviation of brightness inside each cell of the grid, row by row. */
export function cellDetail(img: GreyImage): Float32Array {
  return cellStats(img).std;
}

/** Sobel gradient magnitude: where the scene's edges are, little moved by changes of light. */
export function edgeMap(img: GreyImage): Float32Array {
  const { data, width: w, height: h } = img;
  const out = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx =
        data[i - w + 1] + 2 * data[i + 1] + data[i + w + 1] - data[i - w - 1] - 2 * data[i - 1] - data[i + w - 1];
      const gy =
        data[i + w - 1] + 2 * data[i + w] + data[i + w + 1] - data[i - w - 1] - 2 * data[i - w] - data[i - w + 1];
      out[i] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}

/** Normalised cross-correlation of two equal-length maps, -1..1 (0 when either is flat). */
export function ncc(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || !a.length) return 0;
  let ma = 0,
    mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
