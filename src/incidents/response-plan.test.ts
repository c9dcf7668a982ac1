// The response planner: nearest units one per grid when asked, posts apart and never stale, replacements keep grids distinct.
import { describe, expect, it } from 'vitest';
import { planResponse, type Candidate } from './response-plan.js';

const AT = { lat: 22.54, lon: 114.05 };
const now = Date.now();
const unit = (id: string, grid: string, dLat: number, extra: Partial<Candidate> = {}): Candidate => ({
  id,
  type: 'car',
  homeGrid: grid,
  status: 'available',
  lat: AT.lat + dLat,
  lon: AT.lon,
  positionAt: now,
  ...extra,
});
const opts = { now, staleAfterMs: 600_000, postTargetS: 60 };
const units = [unit('a1', 'g1', 0.001), unit('a2', 'g1', 0.002), unit('b1', 'g2', 0.003), unit('c1', 'g3', 0.005)];

describe('planResponse', () => {
  it('takes the nearest unit of each grid when distinct grids are asked, else the nearest', () => {
    const plan = { units: 3, distinctGrids: true, posts: 0, unitTargetS: 180 as const };
    expect(planResponse(AT, units, plan, opts).map((l) => l.unitId)).toEqual(['a1', 'b1', 'c1']);
    expect(planResponse(AT, units, { ...plan, distinctGrids: false }, opts).map((l) => l.unitId)).toEqual([
      'a1',
      'a2',
      'b1',
    ]);
  });

  it('fills with the nearest left when fewer grids are in reach, and skips busy, stale and excluded units', () => {
    const few = [
      unit('a1', 'g1', 0.001),
      unit('a2', 'g1', 0.002),
      unit('a3', 'g1', 0.003, { status: 'assigned' }),
      unit('a4', 'g1', 0.004, { positionAt: now - 3_600_000 }),
    ];
    const legs = planResponse(AT, few, { units: 3, distinctGrids: true, posts: 0, unitTargetS: 300 }, opts);
    expect(legs.map((l) => l.unitId)).toEqual(['a1', 'a2']);
    expect(
      planResponse(
        AT,
        units,
        { units: 1, distinctGrids: true, posts: 0, unitTargetS: 300 },
        { ...opts, exclude: new Set(['a1']), gridsTaken: new Set(['g1']) },
      ).map((l) => l.unitId),
    ).toEqual(['b1']);
  });

  it('offers posts besides the units, timed against the post target, with a position of any age', () => {
    const post = unit('p1', 'g1', 0.0015, { type: 'post', positionAt: now - 30 * 86_400_000 });
    const legs = planResponse(
      AT,
      [...units, post],
      { units: 1, distinctGrids: false, posts: 1, unitTargetS: 180 },
      opts,
    );
    expect(legs.map((l) => [l.unitId, l.kind, l.targetS])).toEqual([
      ['a1', 'unit', 180],
      ['p1', 'post', 60],
    ]);
  });
});
