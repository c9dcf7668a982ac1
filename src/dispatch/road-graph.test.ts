// Tests for the road graph: building from GeoJSON, snapping, shortest travel times and the fallback.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { roadsSchema } from '../config/roads.js';
import { createLogger } from '../lib/logger.js';
import { buildRoadGraph, RoadGraphError } from './road-graph.js';
import { roadTravelModel } from './road-search.js';
import { travelModelFor } from './travel-model.js';
import type { LatLon } from '../domain/geo.js';
import { rankUnits, type TravelUnit, type UnitType } from './travel.js';

const ORIGIN = { lat: 22.54, lon: 114.05 };
const M_PER_DEG = 111_195.08;
/** A point x metres east and y metres north of ORIGIN. */
const at = (x: number, y: number): LatLon => ({
  lat: ORIGIN.lat + y / M_PER_DEG,
  lon: ORIGIN.lon + x / (M_PER_DEG * Math.cos((ORIGIN.lat * Math.PI) / 180)),
});
const pos = (p: LatLon) => [p.lon, p.lat];
const road = (points: LatLon[], properties: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'LineString', coordinates: points.map(pos) },
});
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });

// A 1 km square: A(0,0) B(1000,0) C(1000,1000) D(0,1000). A-D is slow (10 km/h).
const [A, B, C, D] = [at(0, 0), at(1000, 0), at(1000, 1000), at(0, 1000)];
const square = (abProps: Record<string, unknown> = {}, abPoints = [A, B]) =>
  fc([
    road(abPoints, { speedKmh: 50, ...abProps }),
    road([B, C], { speedKmh: 50 }),
    road([A, D], { speedKmh: 10 }),
    road([D, C], { speedKmh: 50 }),
  ]);

const SPEEDS = { car: 50, motorbike: 40, foot: 5, post: 5 };
const STRAIGHT = { car: 30, motorbike: 25, foot: 5, post: 5 };
const model = (geo: unknown) =>
  roadTravelModel(buildRoadGraph(geo, 30), {
    unitSpeedsKmh: SPEEDS,
    straightLineSpeedsKmh: STRAIGHT,
    maxSnapMetres: 500,
    unreachablePenalty: 1.5,
  });
const unit = (id: string, p: LatLon, type: UnitType = 'car'): TravelUnit => ({ id, type, ...p });

describe('buildRoadGraph', () => {
  it('merges coincident vertices into nodes and measures edges', () => {
    const g = buildRoadGraph(square(), 30);
    expect(g.nodeCount).toBe(4);
    expect(g.edgeCount).toBe(4);
    for (const len of g.lengthM) expect(len).toBeCloseTo(1000, -1);
  });

  it('takes speeds from speedKmh, then the highway class, then the default, and reads MultiLineString', () => {
    const multi = {
      type: 'Feature',
      properties: { highway: 'primary' },
      geometry: {
        type: 'MultiLineString',
        coordinates: [
          [pos(A), pos(B)],
          [pos(B), pos(C)],
        ],
      },
    };
    const g = buildRoadGraph(fc([multi, road([C, D]), road([D, A], { highway: 'residential', speedKmh: 12 })]), 33);
    expect([...g.speedKmh]).toEqual([50, 50, 33, 12]);
  });

  it('refuses bad GeoJSON with the feature index and what to fix', () => {
    expect(() => buildRoadGraph({ type: 'Feature' }, 30)).toThrow(/expected a GeoJSON FeatureCollection/);
    const polygon = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [] } };
    expect(() => buildRoadGraph(fc([road([A, B]), polygon]), 30)).toThrow(/feature 1: .*LineString or MultiLineString/);
    const badPoint = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [114, 22],
          [500, 22],
        ],
      },
    };
    expect(() => buildRoadGraph(fc([badPoint]), 30)).toThrow(/feature 0: geometry\.coordinates\.1/);
    expect(() => buildRoadGraph(fc([road([A])]), 30)).toThrow(/feature 0: .*at least 2 positions/);
    expect(() => buildRoadGraph(fc([road([A, B], { speedKmh: -1 })]), 30)).toThrow(RoadGraphError);
    expect(() => buildRoadGraph(fc([]), 30)).toThrow(/no road segments/);
  });
});

describe('snap', () => {
  it('snaps a point to the nearest edge with its position along it and the offset', () => {
    const g = buildRoadGraph(square(), 30);
    const s = g.snap(at(400, 30), 500, true);
    expect(s).not.toBeNull();
    expect([g.edgeA[s!.edge], g.edgeB[s!.edge]].sort()).toEqual([0, 1]);
    expect(s!.t).toBeCloseTo(0.4, 2);
    expect(s!.offsetM).toBeCloseTo(30, 0);
    expect(g.snap(at(3000, 3000), 500, true)).toBeNull();
    // Vehicles skip foot-only edges: the footway is nearest but the car snaps to A-D.
    const foot = buildRoadGraph(fc([road([A, B], { highway: 'footway' }), road([A, D])]), 30);
    expect(foot.snap(at(400, 30), 1000, true)?.offsetM).toBeCloseTo(400, -1);
    expect(foot.snap(at(400, 30), 1000, false)?.offsetM).toBeCloseTo(30, 0);
  });
});

describe('roadTravelModel', () => {
  it('finds the quickest path, driving each edge at min(unit speed, road speed)', () => {
    const [est] = model(square()).timesTo(C, [unit('u', A)]);
    expect(est.via).toBe('road');
    expect(est.distanceM).toBeCloseTo(2000, -1);
    expect(est.etaS).toBeCloseTo(2000 / (50 / 3.6), -1); // A-B-C, not the slow A-D
    const [moto] = model(square()).timesTo(C, [unit('m', A, 'motorbike')]);
    expect(moto.etaS).toBeCloseTo(2000 / (40 / 3.6), -1);
  });

  it('holds cars to oneway streets but lets foot units walk against them', () => {
    const oneway = square({ oneway: 'yes' }, [B, A]); // B -> A only
    const [car, walker] = model(oneway).timesTo(C, [unit('car', A), unit('walker', A, 'foot')]);
    expect(car.etaS).toBeCloseTo(1000 / (10 / 3.6) + 1000 / (50 / 3.6), -1); // round by slow A-D
    expect(walker.etaS).toBeCloseTo(2000 / (5 / 3.6), -1);
    // oneway -1 runs against the drawing: A-B drawn A->B but open B->A only, the same as above.
    const [reverse] = model(square({ oneway: -1 })).timesTo(C, [unit('car', A)]);
    expect(reverse.etaS).toBeCloseTo(car.etaS, 3);
  });

  it('adds the way to and from the road at unit speed, and uses the edge both share directly', () => {
    const [off] = model(square()).timesTo(at(1000, 500), [unit('u', at(500, -40))]);
    expect(off.distanceM).toBeCloseTo(500 + 500 + 40, -1);
    expect(off.etaS).toBeCloseTo(1040 / (50 / 3.6), -1);
    const [same] = model(square()).timesTo(at(800, 0), [unit('u', at(200, 0))]);
    expect(same.distanceM).toBeCloseTo(600, -1);
  });

  it('falls back to the penalised straight line, flagged, off the roads or with no path', () => {
    const island = fc([...square().features, road([at(5000, 0), at(5200, 0)])]);
    const [cut, far] = model(island).timesTo(C, [unit('island', at(5100, 0)), unit('far', at(1000, 3000))]);
    for (const est of [cut, far]) {
      expect(est.via).toBe('fallback');
      expect(est.etaS).toBeCloseTo((est.distanceM / (30 / 3.6)) * 1.5, 6);
    }
    // A car cannot reach a target on a footway-only network at all.
    const [walkway] = model(fc([road([A, B], { highway: 'footway' })])).timesTo(B, [unit('car', A)]);
    expect(walkway.via).toBe('fallback');
  });
});

describe('rankUnits with the road graph', () => {
  it('ranks by road time: a unit near in a straight line but behind a oneway loses', () => {
    const geo = square({ oneway: 'yes' }, [B, A]);
    const now = Date.now();
    const units = [
      { id: 'near-wrong-way', type: 'car' as const, ...at(0, 0), status: 'available', positionAt: now },
      { id: 'far-right-way', type: 'car' as const, ...at(1000, -600), status: 'available', positionAt: now },
    ];
    const extra = road([B, at(1000, -600)], { speedKmh: 50 });
    const travel = model(fc([...geo.features, extra]));
    expect(rankUnits(C, units, { now, staleAfterMs: 60_000 }).map((r) => r.unitId)).toEqual([
      'near-wrong-way',
      'far-right-way',
    ]);
    const ranked = rankUnits(C, units, { now, staleAfterMs: 60_000, travel });
    expect(ranked.map((r) => r.unitId)).toEqual(['far-right-way', 'near-wrong-way']);
    expect(ranked.every((r) => r.via === 'road')).toBe(true);
  });
});

describe('travelModelFor', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const log = createLogger('test', true);

  it('loads the shipped sample district and routes the demo units to the demo checkpoint over it', () => {
    const model = travelModelFor(roadsSchema.parse({ graph: 'fixtures/roads/futian-sample.geojson' }), root, log);
    const gate = { lat: 22.5431, lon: 114.0579 };
    const [car11, car12] = model.timesTo(gate, [
      unit('car-11', { lat: 22.5485, lon: 114.0579 }),
      unit('car-12', { lat: 22.5431, lon: 114.087 }),
    ]);
    expect([car11.via, car12.via]).toEqual(['road', 'road']);
    expect(car11.etaS).toBeLessThan(car12.etaS);
    expect(car12.distanceM).toBeGreaterThan(3000); // longer than the 3 km straight line
  });

  it('uses the straight line without a graph, and names the file when it cannot be read', () => {
    const [est] = travelModelFor(roadsSchema.parse({}), root, log).timesTo(C, [unit('u', A)]);
    expect(est.via).toBe('straight');
    expect(() => travelModelFor(roadsSchema.parse({ graph: 'fixtures/roads/missing.geojson' }), root, log)).toThrow(
      /roads\.graph: cannot read .*missing\.geojson/,
    );
  });
});
