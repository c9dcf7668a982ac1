// The covered-lens condition: a large connected region of uniform cells that replaced what the camera's
// reference view showed there. Told apart from a blur (which lowers detail everywhere but keeps each cell's
// mean brightness) and from a colour cast or a change of light (which scale every cell, each within the band
// of gains the channels' gains allow).
import type { FaultThresholds } from '../config/health.js';
import type { BaselineValues } from './baseline.js';
import { CELL_COLS, median } from './features.js';
import type { SampleMeasures } from './measures.js';

export interface CoverView {
  /** Share of the picture in the largest region that reads as a cover (0 when none qualifies). */
  share: number;
  /** Share of that region's cells whose brightness moved away from the reference (after the light's gain). */
  changedShare: number;
  /** The largest region's spread of cell means against the reference's (a cover is flatter). */
  spreadRatio: number;
  /** Share of the largest region's cells that lost their reference detail. */
  lostShare: number;
  /** Share of the picture in the largest region, replaced or not (for tuning). */
  largest: number;
  /** Overall gain of brightness against the reference, from cells textured now and then (1 without them). */
  gain: number;
}

type CoverThresholds = FaultThresholds['covered'];

/** Grey levels of spread among a region's reference cell means below which their spread says nothing. */
const MIN_SPREAD = 2;
/** Share of a changed region that must have lost reference detail (lane lines, kerbs under the cover). */
const MIN_LOST_SHARE = 0.05;

/**
 * A region grows from a uniform cell that lost its learnt detail or changed its brightness beyond what the
 * light's overall gain explains, over uniform neighbours alike in brightness (one object). It counts as a
 * cover when the spread of its cells' brightness collapsed against the reference, or when most of it changed
 * brightness and part of it lost detail; a blur does neither (it smooths detail inside a cell but keeps the
 * cell's mean and the pattern of means).
 */
export function coverView(m: SampleMeasures, base: BaselineValues | null, c: CoverThresholds): CoverView {
  const n = m.cells.length;
  if (!base) {
    // No reference yet: only a picture flat everywhere can be told (bare asphalt is flat in nine cells of ten).
    let uniform = 0;
    for (let i = 0; i < n; i++) if (m.cells[i] <= c.cellMaxStd) uniform++;
    return {
      share: uniform >= 0.97 * n ? uniform / n : 0,
      changedShare: 0,
      spreadRatio: 1,
      lostShare: 0,
      largest: 0,
      gain: 1,
    };
  }
  const gain = lightGain(m, base, c.cellMaxStd);
  const band = castBand(m, base, gain);
  const flat = new Uint8Array(n);
  const anchor = new Uint8Array(n);
  const changed = new Uint8Array(n);
  const lost = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (m.cells[i] > c.cellMaxStd) continue;
    flat[i] = 1;
    const b = base.cells[i];
    // Changed both as seen and beyond any gain the light and a cast allow (the band): a gain misread from a few
    // cells (a car passing over a lane line) must not turn an unchanged road into a new object, nor a colour
    // cast that dims a grey wall more than the reddish floor that set the gain turn the wall into one.
    const now = m.cellMeans[i];
    const was = base.cellMeans[i];
    const [low, high] = lightRange(was, band);
    changed[i] =
      Math.abs(now - was) >= c.minMeanShift && (now <= low - c.minMeanShift || now >= high + c.minMeanShift) ? 1 : 0;
    lost[i] = b >= c.minBaselineStd && m.cells[i] <= c.maxDetailRatio * band.low * b ? 1 : 0;
    if (lost[i] || changed[i]) anchor[i] = 1;
  }
  // A turned camera also flattens cells (a wall or sky where a building stood) but shows detail where there
  // was none as often; a cover hides and never adds (only its own edge, one row of cells).
  let gained = 0;
  for (let i = 0; i < n; i++)
    if (m.cells[i] > 2 * c.cellMaxStd && m.cells[i] * c.maxDetailRatio >= gain * base.cells[i]) gained++;
  const regions = coverRegions(flat, anchor, changed, lost, m, base, gain, c.maxMeanStep);
  // Replaced: the region's brightness pattern collapsed to one object, or most of it changed brightness and
  // some of it had detail before (a lit wall that was flat and stays flat is no cover, whatever its brightness).
  const replaced = (r: Region) =>
    r.spreadRatio <= c.maxSpreadRatio ||
    (r.changed >= c.minChangedShare * r.count && r.lost >= MIN_LOST_SHARE * r.count);
  // A picture flat all over: the light's gain read from its cells would be the cover's own, so a cover is
  // what changed brightness as seen (a blur keeps every cell's brightness).
  const rawChanged = m.cellMeans.reduce(
    (k, v, i) => k + (Math.abs(v - base.cellMeans[i]) >= c.minMeanShift ? 1 : 0),
    0,
  );
  const allFlat = flat.reduce((k, f) => k + f, 0) >= 0.97 * n && rawChanged >= c.minChangedShare * n;
  const best = allFlat ? { count: n, changed: rawChanged, lost: 0, spreadRatio: 0 } : regions.find(replaced);
  const top = regions[0];
  const share = best && gained <= 0.5 * best.count ? best.count / n : 0;
  return {
    share,
    changedShare: top ? top.changed / top.count : 0,
    spreadRatio: top?.spreadRatio ?? 1,
    lostShare: top ? top.lost / top.count : 0,
    largest: top ? top.count / n : 0,
    gain,
  };
}

/**
 * Median brightness ratio now / reference over cells with texture in both: a cloud, the camera's exposure
 * control or a colour cast scales the whole picture, and that must not read as a cover's new brightness.
 */
export function lightGain(m: SampleMeasures, base: BaselineValues, cellMaxStd: number): number {
  const ratios: number[] = [];
  for (let i = 0; i < m.cells.length; i++)
    if (m.cells[i] > 2 * cellMaxStd && base.cells[i] > 2 * cellMaxStd)
      ratios.push((m.cellMeans[i] + 1) / (base.cellMeans[i] + 1));
  if (ratios.length >= 8) return median(ratios);
  // A scene of almost no texture (bare asphalt): the picture's typical cell, which a cover of less than half keeps.
  const all: number[] = [];
  for (let i = 0; i < m.cells.length; i++) all.push((m.cellMeans[i] + 1) / (base.cellMeans[i] + 1));
  return median(all);
}

/**
 * The range of brightness gains a change of light and of hue gives a cell: a colour cast scales each channel by
 * its own gain, so a cell's grey brightness (a weighted sum of its channels) scales by a gain between the
 * channels' lowest and highest, whatever the cell's hue (a grey wall by the mean, a red sign by the red one).
 * Without a cast the range is the light's gain alone. Its detail scales alike: a cover is a loss of detail,
 * not of hue. The channels' gains are their share of the picture now against the baseline's, times the gain.
 */
export function castBand(m: SampleMeasures, base: BaselineValues, gain: number): { low: number; high: number } {
  const ratios = (['r', 'g', 'b'] as const).map((k) => m.cast[k] / Math.max(0.05, base.cast[k]));
  return { low: gain * Math.min(1, ...ratios), high: gain * Math.max(1, ...ratios) };
}

/** The brightest grey level: a cell the light's gain would take past it reads white. */
const WHITE = 255;
/** A cell's mean at or above this is (mostly) clipped white. */
const NEAR_WHITE = 250;

/**
 * The brightness a cell can have under the light now, from its reference brightness: a camera's tone curve
 * compresses its highlights and shadows (a white wall brightens less than the textured floor that set the
 * gain, and clips at white), so a cell moves with the light by anything between none of the band's gain
 * and all of it.
 */
function lightRange(was: number, band: { low: number; high: number }): [number, number] {
  return [Math.min(was, band.low * was), Math.min(WHITE, Math.max(was, band.high * was))];
}

interface Region {
  count: number;
  /** Cells of the region whose brightness changed beyond the light's gain. */
  changed: number;
  /** Cells of the region that lost the detail they had in the reference. */
  lost: number;
  /** Spread of the region's cell means now over the spread of the same cells' means in the reference. */
  spreadRatio: number;
}

/** Every 4-connected region of flat cells around a lost or changed one whose neighbours are alike in brightness, largest first. */
function coverRegions(
  flat: Uint8Array,
  anchor: Uint8Array,
  changed: Uint8Array,
  lost: Uint8Array,
  m: SampleMeasures,
  base: BaselineValues,
  gain: number,
  maxStep: number,
): Region[] {
  const means = m.cellMeans;
  const seen = new Uint8Array(flat.length);
  const stack = new Int32Array(flat.length);
  const regions: Region[] = [];
  for (let start = 0; start < flat.length; start++) {
    if (!anchor[start] || seen[start]) continue;
    let top = 0;
    const cells: number[] = [];
    stack[top++] = start;
    seen[start] = 1;
    while (top) {
      const i = stack[--top];
      cells.push(i);
      const x = i % CELL_COLS;
      const neighbours = [x > 0 ? i - 1 : -1, x < CELL_COLS - 1 ? i + 1 : -1, i - CELL_COLS, i + CELL_COLS];
      for (const j of neighbours) {
        if (j < 0 || j >= flat.length || seen[j] || !flat[j]) continue;
        if (Math.abs(means[j] - means[i]) > maxStep) continue;
        seen[j] = 1;
        stack[top++] = j;
      }
    }
    // A cell at white now has lost its pattern to the clip, not to a cover (a bright wall under a brighter
    // cloud): only the cells below it tell whether the region grew flat, and where they are few nothing does.
    const judged = cells.filter((i) => means[i] < NEAR_WHITE);
    const now = spread(judged.map((i) => means[i]));
    const was = spread(judged.map((i) => Math.min(WHITE, gain * base.cellMeans[i])));
    // Cells alike in the reference too (an even road) cannot show a cover by growing more alike.
    regions.push({
      count: cells.length,
      changed: cells.reduce((k, i) => k + changed[i], 0),
      lost: cells.reduce((k, i) => k + lost[i], 0),
      spreadRatio: was >= MIN_SPREAD && judged.length >= 0.5 * cells.length ? now / was : 1,
    });
  }
  return regions.sort((a, b) => b.count - a.count);
}

/** Median absolute deviation: a few odd cells (a kerb, a lane line) do not make an even road look varied. */
function spread(values: number[]): number {
  const mid = median(values);
  return median(values.map((v) => Math.abs(v - mid)));
}
