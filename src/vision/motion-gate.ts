// Motion gate: a cheap per-frame change detector on a small grey copy that says whether and where detection runs.
import type { Box, RgbImage } from '../domain/frame.js';

export interface MotionGateOptions {
  /** Width the grey analysis copy aims for; frames shrink by a whole factor (1280 -> 160 is 8x8 cells). Default 160. */
  analysisWidth?: number;
  /**
   * Samples per cell side that are averaged (4 reads 16 of a 1080p cell's 144 pixels). Sampling, not
   * every pixel, keeps the cost the same at any resolution; 16 samples still smooth out sensor noise.
   * 0 reads every pixel. Default 4.
   */
  cellSamples?: number;
  /** Grey-level difference (0-255) from the background that counts as change; lower is more sensitive. Default 20. */
  threshold?: number;
  /** Smallest changed area that makes a region, as a fraction of the frame's area. Default 0.0005 (about 21x21 px at 720p). */
  minAreaFraction?: number;
  /** How fast the background follows unchanged pixels (slow light drift), per analysed frame. Default 0.05. */
  learningRate?: number;
  /** A cell changed this many analysed frames running joins the background (a parked car, the ghost of one that left). Default 50. */
  absorbAfterFrames?: number;
  /** Above this changed fraction the whole picture changed (lighting, camera shake): re-learn instead of reporting it. Default 0.5. */
  relearnAbove?: number;
  /** Padding on each side of a region, as a fraction of its size (detectors need context), at least one cell. Default 0.15. */
  padFraction?: number;
  /** At most this many regions; beyond it the pair whose union adds least area merges. Default 4. */
  maxRegions?: number;
}

export interface MotionResult {
  moving: boolean;
  /** Where detection should run, in the full frame's pixels: padded, merged, never overlapping. */
  regions: Box[];
  /** Fraction of analysis cells that differ from the background (before clean-up). */
  changedFraction: number;
  /** This frame became the background: first frame, a new frame size, or a global change. */
  relearned: boolean;
}

/** Analysis copy: one grey value per cell of factor x factor pixels. */
interface Grid {
  width: number;
  height: number;
  factor: number;
  /** Distance between the pixels sampled inside a cell. */
  step: number;
}

interface Blob {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  cells: number;
}

const DEFAULTS: Required<MotionGateOptions> = {
  analysisWidth: 160,
  cellSamples: 4,
  threshold: 20,
  minAreaFraction: 0.0005,
  learningRate: 0.05,
  absorbAfterFrames: 50,
  relearnAbove: 0.5,
  padFraction: 0.15,
  maxRegions: 4,
};

/**
 * Box-averages an RGB image into grey cells of factor x factor pixels (grey = (R + 2G + B) / 4), reading
 * every step-th row and column of each cell. Pixels beyond the last whole cell are ignored. One pass
 * over the bytes, no sharp call per frame.
 */
export function greyDownscale(
  img: RgbImage,
  factor: number,
  out = new Float32Array(Math.floor(img.width / factor) * Math.floor(img.height / factor)),
  step = 1,
): Float32Array {
  const outW = Math.floor(img.width / factor);
  const outH = Math.floor(img.height / factor);
  const samples = Math.max(1, Math.floor(factor / step));
  // Centre the sample lattice in the cell.
  const first = Math.floor((factor - 1 - (samples - 1) * step) / 2);
  const acc = new Uint32Array(outW);
  const d = img.data;
  const scale = 1 / (4 * samples * samples);
  const cellBytes = factor * 3;
  const stepBytes = step * 3;
  for (let oy = 0; oy < outH; oy++) {
    acc.fill(0);
    for (let k = 0; k < samples; k++) {
      const rowStart = ((oy * factor + first + k * step) * img.width + first) * 3;
      for (let ox = 0; ox < outW; ox++) {
        let s = 0;
        for (let j = 0, p = rowStart + ox * cellBytes; j < samples; j++, p += stepBytes)
          s += d[p] + 2 * d[p + 1] + d[p + 2];
        acc[ox] += s;
      }
    }
    for (let ox = 0, o = oy * outW; ox < outW; ox++) out[o + ox] = acc[ox] * scale;
  }
  return out;
}

export class MotionGate {
  private readonly opts: Required<MotionGateOptions>;
  private grid: Grid | null = null;
  private frameSize = { width: 0, height: 0 };
  private grey = new Float32Array(0);
  private background = new Float32Array(0);
  /** Analysed frames each cell has been changed in a row (for absorbing parked objects and ghosts). */
  private changedRun = new Uint16Array(0);
  private mask = new Uint8Array(0);
  private kept = new Uint8Array(0);
  private cleaned = new Uint8Array(0);

  constructor(options: MotionGateOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Compares one frame with the background, learns from it, and says where it changed. */
  update(frame: RgbImage): MotionResult {
    if (!this.grid || frame.width !== this.frameSize.width || frame.height !== this.frameSize.height) {
      this.allocate(frame);
      greyDownscale(frame, this.grid!.factor, this.background, this.grid!.step);
      return { moving: false, regions: [], changedFraction: 0, relearned: true };
    }
    greyDownscale(frame, this.grid.factor, this.grey, this.grid.step);
    const changed = this.compareAndLearn();
    const changedFraction = changed / this.grey.length;
    if (changedFraction > this.opts.relearnAbove) {
      // The whole picture moved or changed light: what was background is no longer comparable.
      this.background.set(this.grey);
      this.changedRun.fill(0);
      return { moving: false, regions: [], changedFraction, relearned: true };
    }
    // A static scene stops here: one downscale and one compare pass, no clean-up or labelling.
    if (changed === 0) return { moving: false, regions: [], changedFraction, relearned: false };
    const regions = this.regions();
    return { moving: regions.length > 0, regions, changedFraction, relearned: false };
  }

  /** Forgets the background; the next frame is learned, not compared. */
  reset(): void {
    this.grid = null;
  }

  private allocate(frame: RgbImage): void {
    const factor = Math.max(1, Math.round(frame.width / this.opts.analysisWidth));
    const { cellSamples } = this.opts;
    const step = cellSamples > 0 ? Math.max(1, Math.floor(factor / cellSamples)) : 1;
    const grid = { factor, step, width: Math.floor(frame.width / factor), height: Math.floor(frame.height / factor) };
    if (grid.width < 3 || grid.height < 3)
      throw new RangeError(`frame ${frame.width}x${frame.height} is too small for motion analysis`);
    const n = grid.width * grid.height;
    this.grid = grid;
    this.frameSize = { width: frame.width, height: frame.height };
    this.grey = new Float32Array(n);
    this.background = new Float32Array(n);
    this.changedRun = new Uint16Array(n);
    this.mask = new Uint8Array(n);
    this.kept = new Uint8Array(n);
    this.cleaned = new Uint8Array(n);
  }

  /**
   * Marks changed cells and updates the background in the same pass. Changed cells do not teach the
   * background (a passing car would leave a ghost), unless they stay changed long enough to be scenery.
   */
  private compareAndLearn(): number {
    const { threshold, learningRate, absorbAfterFrames } = this.opts;
    const { grey, background: bg, changedRun: run, mask } = this;
    let changed = 0;
    for (let i = 0; i < grey.length; i++) {
      const diff = grey[i] - bg[i];
      if (diff > threshold || diff < -threshold) {
        mask[i] = 1;
        changed++;
        if (++run[i] >= absorbAfterFrames) {
          bg[i] = grey[i];
          run[i] = 0;
        }
      } else {
        mask[i] = 0;
        run[i] = 0;
        bg[i] += learningRate * diff;
      }
    }
    return changed;
  }

  private regions(): Box[] {
    this.clean();
    const { factor } = this.grid!;
    const minCells = (this.opts.minAreaFraction * this.frameSize.width * this.frameSize.height) / (factor * factor);
    const boxes = labelBlobs(this.cleaned, this.grid!)
      .filter((b) => b.cells >= minCells)
      .map((b) => this.toFrameBox(b));
    return mergeBoxes(boxes, this.opts.maxRegions);
  }

  /** Drops speckle (cells with fewer than 3 changed neighbours), then grows by one cell to join fragments of one object. */
  private clean(): void {
    const { width: w, height: h } = this.grid!;
    const { mask, kept, cleaned } = this;
    kept.fill(0);
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
        if (!mask[i]) continue;
        const around =
          mask[i - w - 1] +
          mask[i - w] +
          mask[i - w + 1] +
          mask[i - 1] +
          mask[i + 1] +
          mask[i + w - 1] +
          mask[i + w] +
          mask[i + w + 1];
        if (around >= 3) kept[i] = 1;
      }
    }
    cleaned.fill(0);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!kept[y * w + x]) continue;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
          for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) cleaned[yy * w + xx] = 1;
        }
      }
    }
  }

  private toFrameBox(b: Blob): Box {
    const { factor, width: gw, height: gh } = this.grid!;
    const { width: fw, height: fh } = this.frameSize;
    // Cells on the last row/column also own the few pixels the whole-cell grid left out.
    const x1 = b.minX * factor;
    const y1 = b.minY * factor;
    const x2 = b.maxX === gw - 1 ? fw : (b.maxX + 1) * factor;
    const y2 = b.maxY === gh - 1 ? fh : (b.maxY + 1) * factor;
    const padX = Math.max(factor, Math.round((x2 - x1) * this.opts.padFraction));
    const padY = Math.max(factor, Math.round((y2 - y1) * this.opts.padFraction));
    return [Math.max(0, x1 - padX), Math.max(0, y1 - padY), Math.min(fw, x2 + padX), Math.min(fh, y2 + padY)];
  }
}

/** 8-connected components of a binary grid, with bounds and cell counts. */
function labelBlobs(mask: Uint8Array, grid: Grid): Blob[] {
  const { width: w, height: h } = grid;
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  const blobs: Blob[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const blob: Blob = { minX: w, minY: h, maxX: -1, maxY: -1, cells: 0 };
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      blob.cells++;
      if (x < blob.minX) blob.minX = x;
      if (x > blob.maxX) blob.maxX = x;
      if (y < blob.minY) blob.minY = y;
      if (y > blob.maxY) blob.maxY = y;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const j = yy * w + xx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    blobs.push(blob);
  }
  return blobs;
}

const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
const union = (a: Box, b: Box): Box => [
  Math.min(a[0], b[0]),
  Math.min(a[1], b[1]),
  Math.max(a[2], b[2]),
  Math.max(a[3], b[3]),
];
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/**
 * Merges overlapping boxes (detection would see the same pixels twice), then merges the cheapest
 * pair until at most maxRegions remain, so the detector runs a bounded number of times per frame.
 */
export function mergeBoxes(input: Box[], maxRegions: number): Box[] {
  const boxes = input.map((b): Box => [...b]);
  for (;;) {
    let pair: { i: number; j: number } | null = null;
    let cheapest = Infinity;
    for (let i = 0; i < boxes.length && cheapest > 0; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (overlaps(boxes[i], boxes[j])) {
          pair = { i, j };
          cheapest = 0;
          break;
        }
        if (boxes.length <= maxRegions) continue;
        const growth = area(union(boxes[i], boxes[j])) - area(boxes[i]) - area(boxes[j]);
        if (growth < cheapest) [pair, cheapest] = [{ i, j }, growth];
      }
    }
    if (!pair) return boxes;
    boxes[pair.i] = union(boxes[pair.i], boxes[pair.j]);
    boxes.splice(pair.j, 1);
  }
}
