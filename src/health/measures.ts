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

/**
 * Running average of the coarse picture: people and cars pass through it, the layout stays. Its
 * edge map is what the reference view is compared with, so a passing lorry does not read as a move.
 */
export class SceneBackground {
  private image: GreyImage | null = null;

  /** @param weight share of each new sample in the average (0.2: a settled view within about 10 samples). */
  constructor(private readonly weight = 0.2) {}

  add(coarse: GreyImage): void {
    const img = this.image;
    if (!img || img.width !== coarse.width || img.height !== coarse.height) {
      this.image = { data: Float32Array.from(coarse.data), width: coarse.width, height: coarse.height };
      return;
    }
    for (let i = 0; i < img.data.length; i++) img.data[i] += this.weight * (coarse.data[i] - img.data[i]);
  }

  /** Snaps the average to this picture (after a cut in the stream, e.g. a restart or a confirmed move). */
  reset(): void {
    this.image = null;
  }

  edges(): Float32Array | null {
    return this.image ? edgeMap(this.image) : null;
  }
}
