// Coverage of a simulated shift checked against brute force: line shares from dense haversine sampling of
// every segment, point visits from haversine runs, area time by summing fix intervals; plus hand-made cases.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { haversineMetres, type LatLon } from '../domain/geo.js';
import { scoreCoverage, type Fix, type UnitTrack } from './coverage.js';
import { parsePlan, type PatrolPlan } from './plan.js';
import { PreparedPlan } from './prepared-plan.js';
import { simulateDay } from './simulate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const geojson = JSON.parse(readFileSync(path.join(root, 'fixtures/roads/futian-sample.geojson'), 'utf8')) as Parameters<
  typeof simulateDay
>[0];
const DAY = Date.parse('2026-12-01T16:00:00Z');
const SEG_M = 25;
const GAP_S = 120;

/** Minimum haversine distance from p to the segment a-b, sampled every ~0.2 m along it. */
function bruteDistance(p: LatLon, a: LatLon, b: LatLon): number {
  const n = Math.max(1, Math.ceil(haversineMetres(a, b) / 0.2));
  let best = Infinity;
  for (let i = 0; i <= n; i++)
    best = Math.min(
      best,
      haversineMetres(p, { lat: a.lat + ((b.lat - a.lat) * i) / n, lon: a.lon + ((b.lon - a.lon) * i) / n }),
    );
  return best;
}

/** Each line's covered share: its own segmentation in degrees, a degree box around each, then sampled distances. */
function bruteLineShares(plan: PatrolPlan, fixes: Fix[]): number[] {
  return plan.lines.map((line) => {
    let total = 0;
    let covered = 0;
    for (let k = 1; k < line.path.length; k++) {
      const [a, b] = [line.path[k - 1], line.path[k]];
      const n = Math.max(1, Math.ceil(haversineMetres(a, b) / SEG_M));
      for (let i = 0; i < n; i++) {
        const s = { lat: a.lat + ((b.lat - a.lat) * i) / n, lon: a.lon + ((b.lon - a.lon) * i) / n };
        const e = { lat: a.lat + ((b.lat - a.lat) * (i + 1)) / n, lon: a.lon + ((b.lon - a.lon) * (i + 1)) / n };
        const len = haversineMetres(s, e);
        total += len;
        const pad = 0.001; // ~100 m in degrees: only fixes inside the box are measured
        const [la0, la1, lo0, lo1] = [
          Math.min(s.lat, e.lat) - pad,
          Math.max(s.lat, e.lat) + pad,
          Math.min(s.lon, e.lon) - pad,
          Math.max(s.lon, e.lon) + pad,
        ];
        const hit = fixes.some(
          (f) =>
            f.lat >= la0 &&
            f.lat <= la1 &&
            f.lon >= lo0 &&
            f.lon <= lo1 &&
            bruteDistance(f, s, e) <= line.corridorM / 2,
        );
        if (hit) covered += len;
      }
    }
    return covered / total;
  });
}

/** Per point: the first run of consecutive fixes within the radius (no gap) lasting minDwellS, over every unit. */
function bruteReached(plan: PatrolPlan, tracks: UnitTrack[], from: number, to: number): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const p of plan.points) {
    let first: number | null = null;
    for (const t of tracks) {
      const fixes = t.fixes.filter((f) => f.at >= from && f.at < to);
      let runStart: number | null = null;
      let last = -Infinity;
      for (const f of fixes) {
        const inside = haversineMetres(f, p) <= p.radiusM;
        if (inside && runStart !== null && f.at - last <= GAP_S * 1000) last = f.at;
        else if (inside) {
          runStart = f.at;
          last = f.at;
        } else runStart = null;
        if (runStart !== null && (last - runStart) / 1000 >= p.minDwellS && (first === null || runStart < first))
          first = runStart;
      }
    }
    out.set(p.id, first);
  }
  return out;
}

describe('coverage of a simulated shift', () => {
  const day = simulateDay(geojson, DAY);
  const from = DAY + 8 * 3600_000;
  const to = from + 3 * 3600_000;
  const result = scoreCoverage(new PreparedPlan(day.plan, SEG_M), day.tracks, { from, to }, { maxGapS: GAP_S });
  const inWindow = day.tracks.flatMap((t) => t.fixes.filter((f) => f.at >= from && f.at < to));

  it('gives each line the share brute force finds (within 2 points of a percent)', () => {
    const brute = bruteLineShares(day.plan, inWindow);
    const diffs = result.lines.map((l, i) => Math.abs(l.share - brute[i]));
    expect(Math.max(...diffs)).toBeLessThan(0.02);
    // The simulated shift is neither empty nor complete: some lines are left to transit only.
    expect(result.lines.some((l) => l.share < 0.9)).toBe(true);
    expect(result.lines.some((l) => l.share > 0.99)).toBe(true);
  });

  it('reaches the points brute force reaches, at the same moment', () => {
    const brute = bruteReached(day.plan, day.tracks, from, to);
    for (const p of result.points) expect([p.id, p.reachedAt]).toEqual([p.id, brute.get(p.id)]);
    expect(result.points.filter((p) => p.reached).length).toBeGreaterThan(10);
    expect(result.points.filter((p) => !p.reached).length).toBeGreaterThan(0);
  });

  it("sums a grid's lines as the length-weighted share of its lines", () => {
    for (const g of result.grids) {
      const ls = result.lines.filter((l) => l.grid === g.grid);
      const weighted = ls.reduce((s, l) => s + l.share * l.lengthM, 0) / ls.reduce((s, l) => s + l.lengthM, 0);
      expect(g.lineShare).toBeCloseTo(weighted, 2);
      expect(g.pointsReached).toBe(result.points.filter((p) => p.grid === g.grid && p.reached).length);
    }
  });
});

describe('coverage, hand-made', () => {
  // A 174 m line east along 22.55 N (7 segments of 24.9 m), a point at 100 m, a 100 m square area around the point.
  const lat = 22.55;
  const mLon = 1 / (111_195.08 * Math.cos((lat * Math.PI) / 180));
  const mLat = 1 / 111_195.08;
  const lon0 = 114.05;
  const east = (m: number, n = 0): LatLon => ({ lat: lat + n * mLat, lon: lon0 + m * mLon });
  const plan = parsePlan(
    'd',
    {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'L1', grid: 'g1', corridorM: 20 },
          geometry: {
            type: 'LineString',
            coordinates: [
              [east(0).lon, lat],
              [east(174).lon, lat],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { id: 'P1', grid: 'g1', radiusM: 15, minDwellS: 60 },
          geometry: { type: 'Point', coordinates: [east(100).lon, lat] },
        },
        {
          type: 'Feature',
          properties: { id: 'A1', grid: 'g1', level: 'core' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [east(50, -50).lon, east(50, -50).lat],
                [east(150, -50).lon, east(150, -50).lat],
                [east(150, 50).lon, east(150, 50).lat],
                [east(50, 50).lon, east(50, 50).lat],
              ],
            ],
          },
        },
      ],
    },
    { defaultRadiusM: 50, defaultMinDwellS: 60, defaultCorridorM: 40 },
  );
  const pp = new PreparedPlan(plan, 25);
  const t0 = Date.parse('2026-12-02T00:00:00Z');

  it('covers the segments a unit drives within the corridor, and not those it passes 15 m off', () => {
    // Drives 0-85 m on the line (a fix every 5 m: segments 1-4 of 7), then on 15 m north (outside the 10 m half-width).
    const fixes: Fix[] = Array.from({ length: 35 }, (_, i) => ({
      at: t0 + i * 1000,
      ...east(i * 5, i * 5 < 87 ? 3 : 15),
    }));
    const r = scoreCoverage(pp, [{ unitId: 'u1', grid: 'g1', fixes }], { from: t0, to: t0 + 60_000 }, { maxGapS: 120 });
    expect(r.lines[0].share).toBeCloseTo(4 / 7, 3);
    expect(r.lines[0].byUnit).toEqual({ u1: 0.571 });
    expect(r.units[0]).toMatchObject({ unitId: 'u1', homeLineShare: 0.571, coveredM: 99 });
  });

  it('reaches a point only after the minimum dwell, and a gap ends the visit', () => {
    const at = (s: number) => t0 + s * 1000;
    const still = (fromS: number, toS: number) =>
      Array.from({ length: (toS - fromS) / 10 + 1 }, (_, i) => ({ at: at(fromS + i * 10), ...east(100, 2) }));
    // 50 s inside, out, then 40 s + a 200 s silence + 40 s (a gap: two short visits), then 70 s: reached at 600 s.
    const fixes = [
      ...still(0, 50),
      { at: at(60), ...east(0) },
      ...still(100, 140),
      ...still(340, 380),
      { at: at(390), ...east(0) },
      ...still(600, 670),
    ];
    const r = scoreCoverage(pp, [{ unitId: 'u1', grid: 'g1', fixes }], { from: t0, to: at(700) }, { maxGapS: 120 });
    const p = r.points[0];
    expect(p.visits.map((v) => v.dwellS)).toEqual([50, 40, 40, 70]);
    expect(p).toMatchObject({ reached: true, reachedAt: at(600), reachedBy: 'u1', dwellS: 200 });
    expect(r.units[0].gaps).toEqual([
      { from: at(140), to: at(340), seconds: 200 },
      { from: at(390), to: at(600), seconds: 210 },
    ]);
  });

  it('counts time inside an area from each fix to the next, leaving gaps out', () => {
    // Inside at 0..300 s every 30 s, then a fix outside at 330 s; then inside again after a 10 min silence.
    const fixes = [
      ...Array.from({ length: 11 }, (_, i) => ({ at: t0 + i * 30_000, ...east(100, 10) })),
      { at: t0 + 330_000, ...east(300, 200) },
      { at: t0 + 930_000, ...east(100, 0) },
    ];
    const r = scoreCoverage(
      pp,
      [{ unitId: 'u1', grid: 'g1', fixes }],
      { from: t0, to: t0 + 960_000 },
      { maxGapS: 120 },
    );
    expect(r.areas[0]).toMatchObject({ id: 'A1', level: 'core', seconds: 330 + 30, byUnit: { u1: 360 } });
    expect(r.grids[0]).toMatchObject({ grid: 'g1', coreSeconds: 360, keySeconds: 0 });
  });

  it('refuses a plan feature without what it needs, naming it', () => {
    const bad = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'A', grid: 'g1' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            ],
          },
        },
      ],
    };
    expect(() => parsePlan('d', bad, { defaultRadiusM: 1, defaultMinDwellS: 1, defaultCorridorM: 1 })).toThrow(
      /plan\.features\.0\.properties\.level/,
    );
    expect(() =>
      parsePlan(
        'd',
        {
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: { grid: 'g' }, geometry: { type: 'Point', coordinates: [0, 0] } }],
        },
        { defaultRadiusM: 1, defaultMinDwellS: 1, defaultCorridorM: 1 },
      ),
    ).toThrow(/features\.0\.properties\.id/);
  });
});
