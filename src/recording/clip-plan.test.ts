// Unit: cutting at keyframes outward, spans and gaps, and the ffconcat list.
import { describe, expect, it } from 'vitest';
import { NoFootageError, ffconcatList, planClip, type PlanSegment } from './clip-plan.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
/** 2 s TS segments starting at 1.4 s, keyframes every second. */
const seg = (id: number, startS: number, lenS = 2): PlanSegment => ({
  id,
  file: `/rec/cam/${id}.ts`,
  startMs: T0 + startS * 1000,
  endMs: T0 + (startS + lenS) * 1000,
  mediaStart: 1.4,
  keyframes: Array.from({ length: lenS }, (_, i) => 1.4 + i),
});

describe('planClip', () => {
  it('starts at the keyframe at or before FROM and ends at the first at or after TO', () => {
    const plan = planClip([seg(1, 0), seg(2, 2), seg(3, 4)], T0 + 1500, T0 + 4200);
    expect(plan.parts.map((p) => [p.segmentId, p.inpoint, p.outpoint])).toEqual([
      [1, 2.4, undefined],
      [2, undefined, undefined],
      [3, undefined, 2.4],
    ]);
    expect(plan.startMs).toBe(T0 + 1000);
    expect(plan.endMs).toBe(T0 + 5000);
    expect(plan.durationSeconds).toBe(4);
    expect(plan.gaps).toEqual([]);
  });

  it('keeps whole segments when the range covers them, and cuts nothing at a keyframe that is the start', () => {
    const plan = planClip([seg(1, 0), seg(2, 2)], T0 - 5000, T0 + 9000);
    expect(plan.parts.every((p) => p.inpoint === undefined && p.outpoint === undefined)).toBe(true);
    expect(plan.durationSeconds).toBe(4);
  });

  it('cuts both ends inside one segment', () => {
    const plan = planClip([seg(1, 0, 6)], T0 + 2500, T0 + 3200);
    expect(plan.parts[0]).toMatchObject({ inpoint: 3.4, outpoint: 5.4, startMs: T0 + 2000, endMs: T0 + 4000 });
  });

  it('reports a gap where the recording stopped', () => {
    const plan = planClip([seg(1, 0), seg(2, 5)], T0, T0 + 7000);
    expect(plan.gaps).toEqual([{ fromMs: T0 + 2000, toMs: T0 + 5000 }]);
    expect(plan.durationSeconds).toBe(4);
  });

  it('refuses a range with no footage', () => {
    expect(() => planClip([seg(1, 0)], T0 + 10_000, T0 + 20_000)).toThrow(NoFootageError);
  });

  it('writes an ffconcat list with quoted paths and cut points', () => {
    const plan = planClip([{ ...seg(1, 0), file: "/rec/it's.ts" }], T0 + 1200, T0 + 1500);
    expect(ffconcatList(plan)).toBe("ffconcat version 1.0\nfile '/rec/it'\\''s.ts'\ninpoint 2.400000\n");
  });
});
