// What a camera normally looks like (sharpness, noise, colour, per-cell detail, reference view), learnt
// from its own healthy samples, kept apart for day and night (IR), and drifting slowly with the scene.
import { CELL_COLS, CELL_ROWS, median } from './features.js';
import type { SampleMeasures } from './measures.js';

export interface BaselineValues {
  sharpness: number;
  /** Usual brightness standard deviation of the picture (its contrast); 0 when not known (an older snapshot). */
  contrast: number;
  noise: number;
  chroma: number;
  cast: { r: number; g: number; b: number };
  cells: Float32Array;
  /** Mean brightness per cell: a cover replaces it, a blur keeps it. */
  cellMeans: Float32Array;
  /** Edge map of the scene's background when the reference was learnt; re-learnt only on a maintainer's confirmation. */
  reference: Float32Array | null;
  /** Median similarity of one sample's edge map to the next while learning: how much stable structure the scene has. */
  structure: number;
}

export interface BaselineOptions {
  /** Healthy samples needed before the baseline judges (learnSeconds / sampleEverySeconds). */
  learnSamples: number;
  /** Share of each later healthy sample in the drifting values (sampleEverySeconds / adaptSeconds). */
  adaptWeight: number;
}

/** A snapshot that survives a restart (kept in Redis by the health store). */
export interface BaselineSnapshot {
  sharpness: number;
  contrast?: number;
  noise: number;
  chroma: number;
  cast: { r: number; g: number; b: number };
  cells: number[];
  cellMeans?: number[];
  reference: number[] | null;
  structure: number;
}

export class Baseline {
  private learning: SampleMeasures[] = [];
  /** The background's edge maps of the learning samples: the reference is their per-pixel median. */
  private learningEdges: Float32Array[] = [];
  private values: BaselineValues | null = null;
  private wantReference = true;
  /** Per cell, how many samples in a row pulled its detail (and its brightness) the same way: + up, - down. */
  private runs = { cells: new Int32Array(0), cellMeans: new Int32Array(0) };

  constructor(private readonly opts: BaselineOptions) {}

  get ready(): boolean {
    return this.values !== null;
  }

  get current(): BaselineValues | null {
    return this.values;
  }

  /** Feeds one healthy sample (no fault condition present) and the background's edge map. */
  learn(m: SampleMeasures, edges: Float32Array | null): void {
    if (!this.values) {
      this.learning.push(m);
      if (edges) this.learningEdges.push(Float32Array.from(edges));
      if (this.learning.length >= this.opts.learnSamples) this.values = this.fromLearning(edges);
      return;
    }
    const v = this.values;
    const w = this.opts.adaptWeight;
    // Sharpness and noise span decades between scenes: drift in the log domain.
    v.sharpness = Math.exp(Math.log(Math.max(1e-6, v.sharpness)) * (1 - w) + Math.log(Math.max(1e-6, m.sharpness)) * w);
    if (m.noise !== null) v.noise += w * (m.noise - v.noise);
    v.contrast += w * (m.exposure.std - v.contrast);
    v.chroma += w * (m.colour.chroma - v.chroma);
    v.cast = {
      r: v.cast.r + w * (m.cast.r - v.cast.r),
      g: v.cast.g + w * (m.cast.g - v.cast.g),
      b: v.cast.b + w * (m.cast.b - v.cast.b),
    };
    if (this.runs.cells.length !== v.cells.length)
      this.runs = { cells: new Int32Array(v.cells.length), cellMeans: new Int32Array(v.cells.length) };
    for (let i = 0; i < v.cells.length; i++) {
      v.cells[i] = drift(v.cells[i], m.cells[i] ?? 0, w, this.runs.cells, i);
      v.cellMeans[i] = drift(v.cellMeans[i], m.cellMeans[i] ?? 0, w, this.runs.cellMeans, i);
    }
    if (this.wantReference && edges) {
      v.reference = Float32Array.from(edges);
      this.wantReference = false;
    }
  }

  /** The next healthy sample's view becomes the reference (a maintainer confirmed the camera's new view). */
  relearnReference(): void {
    this.wantReference = true;
    if (this.values) this.values.reference = null;
  }

  snapshot(): BaselineSnapshot | null {
    const v = this.values;
    if (!v) return null;
    return {
      sharpness: v.sharpness,
      contrast: v.contrast,
      noise: v.noise,
      chroma: v.chroma,
      cast: v.cast,
      cells: [...v.cells],
      cellMeans: [...v.cellMeans],
      reference: v.reference ? [...v.reference] : null,
      structure: v.structure,
    };
  }

  restore(s: BaselineSnapshot): void {
    // A snapshot from a grid of another size or without cell means (an older version) is learnt afresh rather than misread.
    if (s.cells.length !== CELL_COLS * CELL_ROWS || s.cellMeans?.length !== s.cells.length) return;
    this.values = {
      ...s,
      contrast: s.contrast ?? 0,
      cells: Float32Array.from(s.cells),
      cellMeans: Float32Array.from(s.cellMeans),
      reference: s.reference ? Float32Array.from(s.reference) : null,
      structure: s.structure ?? 0,
    };
    this.wantReference = s.reference === null;
    this.learning = [];
    this.learningEdges = [];
  }

  private fromLearning(edges: Float32Array | null): BaselineValues {
    const l = this.learning;
    this.learning = [];
    const cells = new Float32Array(l[0].cells.length);
    const cellMeans = new Float32Array(cells.length);
    for (let i = 0; i < cells.length; i++) {
      cells[i] = median(l.map((m) => m.cells[i] ?? 0));
      cellMeans[i] = median(l.map((m) => m.cellMeans[i] ?? 0));
    }
    // Edges that stood through most of the learning: a person or a car that stayed a while when learning
    // ended is not taken for the layout (every later view would then differ from it where they stood).
    const reference = edges ? medianMap(this.learningEdges.filter((e) => e.length === edges.length)) : null;
    this.learningEdges = [];
    this.wantReference = reference === null;
    return {
      sharpness: median(l.map((m) => m.sharpness)),
      contrast: median(l.map((m) => m.exposure.std)),
      noise: median(l.flatMap((m) => (m.noise === null ? [] : [m.noise]))),
      chroma: median(l.map((m) => m.colour.chroma)),
      cast: { r: median(l.map((m) => m.cast.r)), g: median(l.map((m) => m.cast.g)), b: median(l.map((m) => m.cast.b)) },
      cells,
      cellMeans,
      reference,
      structure: median(l.flatMap((m) => (m.structure === null ? [] : [m.structure]))),
    };
  }
}

/**
 * Largest step, in log terms, one sample moves a cell's value (its detail or brightness) by: a car or a person
 * passing is a large change for a moment and the scene's own change a small one that lasts, so a cell drifts
 * to what it usually shows (the bare road) rather than to its time average (a fifth of a lane's car on the
 * road's detail and brightness, after a few hours of traffic: the bare road then read as a cover).
 */
const MAX_CELL_STEP = 0.1;

/**
 * A cell pulled the same way by this many samples in a row doubles its pace, and again for every further run of
 * as many, up to MAX_PACE: the value is then on one side of everything the cell shows (a person who stood there
 * through the learning, against the wall behind), and at the clipped pace alone it took about 13 h to come back
 * from 68 to the wall's 243. Traffic turns the pull back with every car, so the road's value keeps its pace.
 */
const RUN_TO_DOUBLE = 60;
const MAX_PACE = 1024;

/** One sample's pull on a cell's value: the log ratio clipped to MAX_CELL_STEP, weighted by the drift's weight. */
function drift(value: number, now: number, weight: number, runs: Int32Array, i: number): number {
  const step = Math.log((now + 1) / (value + 1));
  const run = runs[i];
  runs[i] = step > 0 ? Math.max(0, run) + 1 : step < 0 ? Math.min(0, run) - 1 : 0;
  const pace = Math.min(MAX_PACE, 2 ** Math.floor(Math.abs(runs[i]) / RUN_TO_DOUBLE));
  const pull = weight * pace * Math.max(-MAX_CELL_STEP, Math.min(MAX_CELL_STEP, step));
  // Never past the sample itself: at full pace a pull could overshoot what the cell now shows.
  return (value + 1) * Math.exp(step > 0 ? Math.min(pull, step) : Math.max(pull, step)) - 1;
}

/** Per-pixel median of equal-length maps. */
function medianMap(maps: Float32Array[]): Float32Array | null {
  if (!maps.length) return null;
  const out = new Float32Array(maps[0].length);
  const values = new Array<number>(maps.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < maps.length; k++) values[k] = maps[k][i];
    out[i] = median(values);
  }
  return out;
}
