// A synthetic day's four rates, worked out by hand, against computeRates; and local days in a time zone.
import { describe, expect, it } from 'vitest';
import { BUCKET_MS, type UptimeRow } from '../store/health-repo.js';
import { localMidnight, periodsBetween } from './periods.js';
import { computeRates, type RateCamera } from './rates.js';

const TZ = 'Asia/Shanghai';
const DAY = '2026-06-01';
const START = localMidnight(DAY, TZ);
const H = 3_600_000;

/** Online for the first `onlineH` hours from `fromH`, intact for the first `intactH` of them, in 15-minute buckets. */
function uptime(cameraId: string, fromH: number, onlineH: number, intactH: number): UptimeRow[] {
  const rows: UptimeRow[] = [];
  for (let t = fromH * H; t < (fromH + onlineH) * H; t += BUCKET_MS)
    rows.push({
      cameraId,
      bucket: START + t,
      onlineMs: BUCKET_MS,
      intactMs: t < (fromH + intactH) * H ? BUCKET_MS : 0,
    });
  return rows;
}

describe('camera-health rates', () => {
  it("starts local days at the zone's midnight", () => {
    expect(START).toBe(Date.UTC(2026, 4, 31, 16));
    const periods = periodsBetween('2026-06-01', '2026-06-02', TZ);
    expect(periods.map((p) => `${p.kind}:${p.label}`)).toEqual(['day:2026-06-01', 'day:2026-06-02', 'week:2026-06-01']);
    expect(periods[2].end - periods[2].start).toBe(7 * 24 * H);
  });

  it('matches a day worked out by hand', () => {
    const cam = (
      id: string,
      grid: string | null,
      complete: boolean,
      lat = 22.5,
      createdAt: number | null = null,
    ): RateCamera => ({ id, district: 'd1', grid, complete, lat, lon: 114, createdAt, removedAt: null });
    // A: all day, registered; B: all day, no direction (incomplete); C: added at local noon, registered.
    const cameras = [cam('a', 'g1', true), cam('b', 'g1', false), cam('c', 'g2', true, 22.5, START + 12 * H)];
    const rows = computeRates(
      {
        cameras,
        // A online 24 h (18 intact), B online 12 h (all intact), C online 6 h of its 12 (all intact).
        uptime: [...uptime('a', 0, 24, 18), ...uptime('b', 0, 12, 12), ...uptime('c', 12, 6, 6)],
        targets: new Map([['d1', 4]]),
        // A confirmed 10 days ago where it is; B 400 days ago (too old); C yesterday, but 100 m from where it is registered.
        confirmationsAt: () =>
          new Map([
            ['a', { lat: 22.5, lon: 114, confirmedAt: START - 10 * 24 * H }],
            ['b', { lat: 22.5, lon: 114, confirmedAt: START - 400 * 24 * H }],
            ['c', { lat: 22.5009, lon: 114, confirmedAt: START - 24 * H }],
          ]),
        locationMaxAgeMs: 365 * 24 * H,
        locationToleranceMetres: 30,
        now: START + 48 * H,
      },
      periodsBetween(DAY, DAY, TZ).filter((p) => p.kind === 'day'),
    );
    const district = rows.find((r) => r.grid === null);
    // registered 2 of the 4 expected; online (24+12+6) of (24+24+12) h; intact 36 of 42 h; located 1 of 3.
    expect(district).toMatchObject({
      cameras: 3,
      registered: 2,
      expected: 4,
      registration: 0.5,
      online: 0.7,
      imageIntact: 0.8571,
      location: 0.3333,
      onlineHours: 42,
      intactHours: 36,
    });
    // Grid g1 (A, B): 1 of 2 registered; 36 of 48 h online; 30 of 36 intact; 1 of 2 located.
    expect(rows.find((r) => r.grid === 'g1')).toMatchObject({
      cameras: 2,
      registration: 0.5,
      online: 0.75,
      imageIntact: 0.8333,
      location: 0.5,
    });
    expect(rows.find((r) => r.grid === 'g2')).toMatchObject({
      cameras: 1,
      registration: 1,
      online: 0.5,
      imageIntact: 1,
      location: 0,
    });
  });
});
