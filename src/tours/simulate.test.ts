// The tour log's coverage (coverageOf) against the simulator's own count of seconds on the wall: a whole
// shift with holds, skips, breaks and incidents, and an hour too short for the plan (partial coverage).
import { describe, expect, it } from 'vitest';
import { COVERED_SHARE, coverageOf } from './coverage.js';
import { simulateTourShift, type SimulatedTourShift } from './simulate.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(4, '0')}`);
const as = (sim: SimulatedTourShift, personId: string) =>
  sim.views.map((v) => ({ ...v, personId, personName: personId }));
const H = 3600_000;
const FROM = Date.UTC(2026, 0, 10, 8);

function expectMatchesTruth(sim: SimulatedTourShift, cameras: string[], dwellS: number) {
  const cov = coverageOf(cameras, as(sim, 'op'), dwellS);
  const covered = [...sim.truthS.values()].filter((s) => s >= dwellS * COVERED_SHARE).length;
  expect(cov.coveredCameras).toBe(covered);
  expect(cov.coveragePct).toBe(Math.round((covered / cameras.length) * 1000) / 10);
  for (const c of cov.cameras) expect(c.watchedS).toBeCloseTo(sim.truthS.get(c.cameraId)!, 0);
  expect(cov.offPlanS).toBe(0);
  return cov;
}

describe('simulated tour shift', () => {
  it('a 12 h shift on a 240-camera wall: the log counts what the wall showed, holds and skips included', () => {
    const cameras = ids(240);
    const away = [{ from: FROM + 3 * H, to: FROM + 3 * H + 6 * 60_000 }];
    const sim = simulateTourShift({ from: FROM, to: FROM + 12 * H, cameras, layout: 9, dwellS: 20, away, seed: 1 });
    expect(sim.held).toBeGreaterThan(0);
    expect(sim.skipped).toBeGreaterThan(0);
    // Five breaks of 15 min (every 2 h) and the incident.
    expect(sim.awayS).toBeCloseTo(5 * 900 + 360, 0);
    const cov = expectMatchesTruth(sim, cameras, 20);
    expect(cov.coveragePct).toBe(100);
    expect(cov.people).toEqual([{ personId: 'op', name: 'op', watchedS: expect.any(Number), cameras: 240 }]);
    // No view falls in a break or the incident.
    const inAway = sim.views.filter((v) => {
      const t = v.startedAt.getTime();
      return (t >= away[0].from && t < away[0].to) || ((t - FROM) % (2 * H) < 900_000 && t - FROM >= 2 * H);
    });
    expect(inAway).toEqual([]);
  });

  it('an hour too short for a 400-camera plan covers only the cameras the wall reached', () => {
    const cameras = ids(400);
    const away = [{ from: FROM + 20 * 60_000, to: FROM + 40 * 60_000 }];
    const sim = simulateTourShift({ from: FROM, to: FROM + H, cameras, layout: 4, dwellS: 30, away, seed: 2 });
    const cov = expectMatchesTruth(sim, cameras, 30);
    expect(cov.coveragePct).toBeGreaterThan(30);
    expect(cov.coveragePct).toBeLessThan(100);
  });
});
