// Pure summaries for the situation report: responses against the 1-3-5 targets, dense grid x hour tables,
// and the hot cells compared with the previous period.
import type { HotCell, ResponseSummary } from './report-data.js';

export const TARGETS = { '1m': 60, '3m': 180, '5m': 300 } as const;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Arrival seconds per response (null: nobody arrived, counted as missing every target). */
export function summariseResponses(arrivals: readonly (number | null)[]): ResponseSummary {
  const arrived = arrivals.filter((s): s is number => s !== null).sort((a, b) => a - b);
  const n = arrivals.length;
  const count = (limit: number) => arrived.filter((s) => s <= limit).length;
  const withinCount = { '1m': count(TARGETS['1m']), '3m': count(TARGETS['3m']), '5m': count(TARGETS['5m']) };
  const share = (k: number) => (n ? round3(k / n) : null);
  return {
    count: n,
    arrived: arrived.length,
    within: { '1m': share(withinCount['1m']), '3m': share(withinCount['3m']), '5m': share(withinCount['5m']) },
    withinCount,
    arriveP50S: percentile(arrived, 50) === null ? null : Math.round(percentile(arrived, 50) as number),
    arriveP90S: percentile(arrived, 90) === null ? null : Math.round(percentile(arrived, 90) as number),
  };
}

/** Dense tables over the grids named anywhere: counts[g][h]. */
export function gridHourTables(
  grids: readonly string[],
  ...cells: { grid: string; hour: number; count: number }[][]
): number[][][] {
  return cells.map((list) => {
    const table = grids.map(() => new Array<number>(24).fill(0));
    for (const c of list) table[grids.indexOf(c.grid)][c.hour] += c.count;
    return table;
  });
}

/** The busiest grid x hour cells now (ties: the bigger rise, then grid and hour), each with the previous period's count. */
export function hotCells(now: number[][], before: number[][], grids: readonly string[], top: number): HotCell[] {
  const cells: HotCell[] = [];
  grids.forEach((grid, g) => {
    for (let h = 0; h < 24; h++) {
      const count = now[g]?.[h] ?? 0;
      const previous = before[g]?.[h] ?? 0;
      if (count > 0) cells.push({ grid, hour: h, count, previous, change: count - previous });
    }
  });
  cells.sort((a, b) => b.count - a.count || b.change - a.change || a.grid.localeCompare(b.grid) || a.hour - b.hour);
  return cells.slice(0, top);
}
