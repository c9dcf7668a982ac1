// Tests for shift bucketing: shifts across midnight, the time zone's wall clock, and the SQL CASE
// agreeing with the TypeScript rule on the embedded database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../store/db.js';
import { reportsSchema } from '../config/reports.js';
import { localMinute, NO_SHIFT, shiftCaseSql, shiftOf, shiftOfMinute } from './shifts.js';

const DAY_NIGHT = reportsSchema.parse({}).shifts;
const THREE = [
  { name: 'early', start: '06:00', end: '14:00' },
  { name: 'late', start: '14:00', end: '22:00' },
  { name: 'night', start: '22:00', end: '06:00' },
];

describe('shiftOfMinute', () => {
  it('puts each minute in the shift that holds it, start inclusive and end exclusive', () => {
    expect(shiftOfMinute(8 * 60, DAY_NIGHT)).toBe('day');
    expect(shiftOfMinute(20 * 60 - 1, DAY_NIGHT)).toBe('day');
    expect(shiftOfMinute(20 * 60, DAY_NIGHT)).toBe('night');
    expect(shiftOfMinute(0, DAY_NIGHT)).toBe('night'); // across midnight
    expect(shiftOfMinute(8 * 60 - 1, DAY_NIGHT)).toBe('night');
    expect(shiftOfMinute(23 * 60 + 59, THREE)).toBe('night');
    expect(shiftOfMinute(5 * 60 + 59, THREE)).toBe('night');
    expect(shiftOfMinute(14 * 60, THREE)).toBe('late');
  });

  it('leaves gaps as NO_SHIFT and gives overlaps to the earlier shift', () => {
    const gappy = [
      { name: 'a', start: '09:00', end: '17:00' },
      { name: 'b', start: '12:00', end: '18:00' },
    ];
    expect(shiftOfMinute(8 * 60, gappy)).toBe(NO_SHIFT);
    expect(shiftOfMinute(13 * 60, gappy)).toBe('a');
    expect(shiftOfMinute(17 * 60 + 30, gappy)).toBe('b');
  });

  it('refuses a shift that starts when it ends and a bad clock', () => {
    expect(() => reportsSchema.parse({ shifts: [{ name: 'x', start: '08:00', end: '08:00' }] })).toThrow(
      /different start and end/,
    );
    expect(() => reportsSchema.parse({ shifts: [{ name: 'x', start: '24:00', end: '08:00' }] })).toThrow(/HH:MM/);
  });
});

describe('shiftOf in a time zone', () => {
  it('reads the wall clock of the configured zone, not UTC', () => {
    // 23:30 UTC is 07:30 next morning in Shanghai (night shift) but 18:30 in New York in November (day).
    const at = new Date('2026-11-24T23:30:00Z');
    expect(localMinute(at, 'Asia/Shanghai')).toBe(7 * 60 + 30);
    expect(shiftOf(at, DAY_NIGHT, 'Asia/Shanghai')).toBe('night');
    expect(shiftOf(at, DAY_NIGHT, 'America/New_York')).toBe('day');
    expect(shiftOf(new Date('2026-11-24T00:00:00Z'), DAY_NIGHT, 'Asia/Shanghai')).toBe('day'); // 08:00 local
    expect(shiftOf(new Date('2026-11-23T23:59:00Z'), DAY_NIGHT, 'Asia/Shanghai')).toBe('night'); // 07:59 local
  });
});

describe('shiftCaseSql', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('agrees with shiftOf for every quarter hour of a day in two zones', async () => {
    const moments = Array.from(
      { length: 96 },
      (_, i) => new Date(Date.parse('2026-11-24T00:07:00Z') + i * 15 * 60_000),
    );
    for (const tz of ['Asia/Shanghai', 'America/New_York']) {
      for (const shifts of [DAY_NIGHT, THREE]) {
        const c = shiftCaseSql('t', 1, shifts, 2);
        const rows = await db.query<{ shift: string }>(
          `select ${c.sql} as shift from unnest($${2 + shifts.length}::timestamptz[]) as t order by t`,
          [tz, ...c.params, moments.map((m) => m.toISOString())],
        );
        expect(rows.map((r) => r.shift)).toEqual(moments.map((m) => shiftOf(m, shifts, tz)));
      }
    }
  });
});
