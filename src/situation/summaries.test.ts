// The report's pure summaries: 1-3-5 shares and percentiles, dense grid x hour tables, hot cells vs before.
import { describe, expect, it } from 'vitest';
import { gridHourTables, hotCells, summariseResponses } from './summaries.js';

describe('situation summaries', () => {
  it('counts arrivals within 1, 3 and 5 minutes over every response, a missing arrival missing all three', () => {
    const r = summariseResponses([30, 60, 61, 180, 299, 301, null, null]);
    expect(r).toMatchObject({
      count: 8,
      arrived: 6,
      withinCount: { '1m': 2, '3m': 4, '5m': 5 },
      within: { '1m': 0.25, '3m': 0.5, '5m': 0.625 },
    });
    // Nearest rank over the 6 arrivals: the 3rd (p50) and the 6th (p90).
    expect([r.arriveP50S, r.arriveP90S]).toEqual([61, 301]);
    expect(summariseResponses([])).toMatchObject({
      count: 0,
      within: { '1m': null, '3m': null, '5m': null },
      arriveP50S: null,
    });
  });

  it('ranks the busiest cells and keeps the previous count beside each', () => {
    const grids = ['g1', 'g2'];
    const [now, before] = gridHourTables(
      grids,
      [
        { grid: 'g1', hour: 18, count: 4 },
        { grid: 'g2', hour: 9, count: 4 },
        { grid: 'g2', hour: 9, count: 1 },
        { grid: 'g1', hour: 2, count: 1 },
      ],
      [
        { grid: 'g1', hour: 18, count: 6 },
        { grid: 'g2', hour: 9, count: 1 },
      ],
    );
    expect(now[1][9]).toBe(5);
    expect(hotCells(now, before, grids, 2)).toEqual([
      { grid: 'g2', hour: 9, count: 5, previous: 1, change: 4 },
      { grid: 'g1', hour: 18, count: 4, previous: 6, change: -2 },
    ]);
  });
});
