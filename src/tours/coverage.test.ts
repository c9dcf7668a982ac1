// Coverage arithmetic and the shift date of a moment (a night shift after midnight belongs to the evening before).
import { describe, expect, it } from 'vitest';
import { coverageOf, shiftDateOf } from './coverage.js';

const shifts = [
  { name: 'day', start: '08:00', end: '20:00' },
  { name: 'night', start: '20:00', end: '08:00' },
];
const view = (cameraId: string, s: number, person = 'p1') => ({
  cameraId,
  personId: person,
  personName: person,
  startedAt: new Date(0),
  endedAt: new Date(s * 1000),
});

describe('coverage', () => {
  it('counts planned cameras watched at least 90% of a dwell, and time off the plan apart', () => {
    const c = coverageOf(['a', 'b', 'c', 'd'], [view('a', 20), view('b', 18), view('c', 17.9), view('x', 5, 'p2')], 20);
    expect(c.cameras.map((x) => x.covered)).toEqual([true, true, false, false]);
    expect([c.coveredCameras, c.coveragePct, c.watchedS, c.offPlanS]).toEqual([2, 50, 55.9, 5]);
    expect(c.people.map((p) => [p.personId, p.watchedS])).toEqual([
      ['p1', 55.9],
      ['p2', 5],
    ]);
  });

  it('files a moment under its shift and the local date the shift began', () => {
    expect(shiftDateOf(new Date('2026-01-10T21:00:00Z'), shifts, 'UTC')).toEqual({
      shift: 'night',
      date: '2026-01-10',
    });
    expect(shiftDateOf(new Date('2026-01-11T02:00:00Z'), shifts, 'UTC')).toEqual({
      shift: 'night',
      date: '2026-01-10',
    });
    expect(shiftDateOf(new Date('2026-01-11T09:00:00Z'), shifts, 'UTC')).toEqual({ shift: 'day', date: '2026-01-11' });
    // 2026-01-10T17:30Z is 01:30 on the 11th in Shanghai: the night of the 10th there.
    expect(shiftDateOf(new Date('2026-01-10T17:30:00Z'), shifts, 'Asia/Shanghai')).toEqual({
      shift: 'night',
      date: '2026-01-10',
    });
  });
});
