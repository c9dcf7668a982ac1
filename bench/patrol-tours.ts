// Patrol bench helper: the simulated day's two video patrol operators. The day operator runs a 240-camera
// district wall (9 views, 20 s) 08:00-20:00; the night operator a 1,200-camera city wall (9 views, 15 s)
// 20:00-08:00, away from the wall 6 minutes for each of the night's incidents. Their tour logs (coverageOf)
// against the simulator's own seconds on the wall, and the cost of scoring a shift's log.
import { performance } from 'node:perf_hooks';
import type { SimIncident } from '../src/plans/simulate.js';
import { COVERED_SHARE, coverageOf } from '../src/tours/coverage.js';
import { simulateTourShift } from '../src/tours/simulate.js';

const H = 3600_000;
const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);

export function tourDay(dayStart: number, incidents: readonly SimIncident[]) {
  const day = {
    personId: 'op-wang',
    from: dayStart + 8 * H,
    to: dayStart + 20 * H,
    cameras: ids('d', 240),
    dwellS: 20,
  };
  const night = {
    personId: 'op-li',
    from: dayStart + 20 * H,
    to: dayStart + 32 * H,
    cameras: ids('c', 1200),
    dwellS: 15,
  };
  const away = incidents
    .filter((i) => i.at >= night.from && i.at < night.to)
    .map((i) => ({ from: i.at, to: i.at + 6 * 60_000 }));
  return [day, { ...night, away }].map((op, k) => {
    const sim = simulateTourShift({ ...op, layout: 9, seed: 30 + k });
    const views = sim.views.map((v) => ({ ...v, personId: op.personId, personName: op.personId }));
    const started = performance.now();
    const cov = coverageOf(op.cameras, views, op.dwellS);
    const scoreMs = performance.now() - started;
    const truthCovered = [...sim.truthS.values()].filter((s) => s >= op.dwellS * COVERED_SHARE).length;
    const maxDiffS = Math.max(...cov.cameras.map((c) => Math.abs(c.watchedS - sim.truthS.get(c.cameraId)!)));
    const watched = cov.cameras.map((c) => c.watchedS).sort((a, b) => a - b);
    return {
      operator: op.personId,
      plannedCameras: cov.plannedCameras,
      views: views.length,
      pages: sim.pages,
      held: sim.held,
      skipped: sim.skipped,
      awayS: Math.round(sim.awayS),
      coveragePct: cov.coveragePct,
      watchedSPerCamera: { min: watched[0], median: watched[Math.floor(watched.length / 2)] },
      /** The log against the simulator's own count: same cameras covered, seconds within rounding. */
      matchesTruth: cov.coveredCameras === truthCovered && maxDiffS <= 0.1,
      scoreMs: Math.round(scoreMs * 10) / 10,
    };
  });
}
