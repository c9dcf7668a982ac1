// Shapes the report rows for the API: shares of the 1-3-5 targets, seconds rounded, a dense heat grid.
import type { HeatCell, ResponseRow } from './report-repo.js';

/** The label of the total over all grids or all shifts. */
export const ALL = '*';

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : null);

export interface ResponseView {
  grid: string;
  shift: string;
  dispatched: number;
  acknowledged: number;
  arrived: number;
  ackS: { p50: number | null; p90: number | null };
  arrivalS: { p50: number | null; p90: number | null };
  /** Share of the dispatched alerts with a unit on scene within 1, 3 and 5 minutes (never arrived counts as missed). */
  within: { '1m': number | null; '3m': number | null; '5m': number | null };
  /** Alerts that waited for a free unit, and how long (seconds: median, 90th percentile, total). */
  waited: number;
  waitS: { p50: number | null; p90: number | null; total: number | null };
}

export function responseView(rows: readonly ResponseRow[]): ResponseView[] {
  return rows.map((r) => ({
    grid: r.grid ?? ALL,
    shift: r.shift ?? ALL,
    dispatched: r.dispatched,
    acknowledged: r.acknowledged,
    arrived: r.arrived,
    ackS: { p50: round1(r.ackP50), p90: round1(r.ackP90) },
    arrivalS: { p50: round1(r.arriveP50), p90: round1(r.arriveP90) },
    within: {
      '1m': share(r.within1, r.dispatched),
      '3m': share(r.within3, r.dispatched),
      '5m': share(r.within5, r.dispatched),
    },
    waited: r.waited,
    waitS: { p50: round1(r.waitP50), p90: round1(r.waitP90), total: round1(r.waitTotalS) },
  }));
}

export interface HeatView {
  grids: string[];
  /** counts[g][h]: grid grids[g], hour of day h (0-23). */
  counts: number[][];
  total: number;
  max: number;
}

export function heatView(cells: readonly HeatCell[]): HeatView {
  const grids = [...new Set(cells.map((c) => c.grid))].sort();
  const counts = grids.map(() => new Array<number>(24).fill(0));
  for (const c of cells) counts[grids.indexOf(c.grid)][c.hour] = c.count;
  const flat = counts.flat();
  return { grids, counts, total: flat.reduce((s, n) => s + n, 0), max: Math.max(0, ...flat) };
}
