// The measures of one health sample, and the slow background of the scene used for the reference view.
import { cellStats, edgeMap, exposure, laplacianVariance, temporalChange, type Exposure } from './features.js';
import type { ColourSummary, GreyImage, HealthSample } from './sample.js';

export interface SampleMeasures {
  at: number;
  exposure: Exposure;
  /** Variance of the Laplacian of the fine grey picture. */
  sharpness: number;
  /** Temporal noise sigma (grey levels) of the fine grey picture; null without a previous sample. */
  noise: number | null;
  /** Mean absolute change from the previous sample (grey levels); null for the first one or after a size change. */
  change: number | null;
  /** Brightness standard deviation per cell of the grid (CELL_COLS x CELL_ROWS). */
  cells: Float32Array;
  /** Mean brightness per cell of the grid. */
  cellMeans: Float32Array;
  colour: ColourSummary;
  /** Channel means over their average (1,1,1 for a neutral picture): a colour cast moves this. */
  cast: { r: number; g: number; b: number };
  /**
   * Similarity of the scene background's edge map to its own of STRUCTURE_LAG samples before (stable layout);
   * null until the monitor has both. Passing traffic is averaged out of the background, so this is the layout's.
   */
  structure: number | null;
}

export function measure(sample: HealthSample, previous: HealthSample | null): SampleMeasures {
  const change = previous ? temporalChange(sample.fine, previous.fine) : null;
  const { r, g, b } = sample.colour;
  const m = Math.max(1, (r + g + b) / 3);
  const cells = cellStats(sample.fine);
  return {
    at: sample.at,
    exposure: exposure(sample.fine),
    sharpness: laplacianVariance(sample.fine),
    noise: change?.noise ?? null,
    change: change?.mean ?? null,
    cells: cells.std,
    cellMeans: cells.mean,
    colour: sample.colour,
    cast: { r: r / m, g: g / m, b: b / m },
    structure: null,
  };
}

/** Coarse samples the background's median is taken over (about one a second: 9 s). */
const BACKGROUND_SAMPLES = 9;

/**
 * Per-pixel median of the last BACKGROUND_SAMPLES coarse pictures: a car or a person that stays in a place
 * for fewer than half of them is left out entirely (a running average keeps a share of every one that
 * passes, and on a busy road the layout drowns in traffic), while the layout stays. Its edge map is what
 * the reference view is compared with, so passing traffic does not read as a move.
 */
export class SceneBackground {
  private history: Float32Array[] = [];
  private width = 0;
  private height = 0;

  add(coarse: GreyImage): void {
    if (coarse.width !== this.width || coarse.height !== this.height) {
      this.history = [];
      this.width = coarse.width;
      this.height = coarse.height;
    }
    this.history.push(Float32Array.from(coarse.data));
    if (this.history.length > BACKGROUND_SAMPLES) this.history.shift();
  }

  /** Forgets the samples so far (after a cut in the stream, e.g. a restart or a confirmed move). */
  reset(): void {
    this.history = [];
  }

  /** The background picture: the per-pixel median of the samples kept (null before the first). */
  image(): GreyImage | null {
    const h = this.history;
    if (!h.length) return null;
    const out = new Float32Array(h[0].length);
    const values = new Float32Array(h.length);
    const mid = h.length >> 1;
    for (let i = 0; i < out.length; i++) {
      for (let k = 0; k < h.length; k++) {
        // Insertion into the sorted values: nine at most, cheaper than a sort call per pixel.
        const v = h[k][i];
        let j = k;
        while (j > 0 && values[j - 1] > v) {
          values[j] = values[j - 1];
          j--;
        }
        values[j] = v;
      }
      out[i] = h.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
    return { data: out, width: this.width, height: this.height };
  }

  /** Edge map of the background; null until the window is full (a median of a few samples keeps their traffic). */
  edges(): Float32Array | null {
    if (this.history.length < BACKGROUND_SAMPLES) return null;
    const img = this.image();
    return img ? edgeMap(img) : null;
  }
}
