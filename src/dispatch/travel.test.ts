// Tests for dispatch maths: distances against known values, travel times, and unit ranking rules.
import { describe, expect, it } from 'vitest';
import { haversineMetres } from '../domain/geo.js';
import {
  DEFAULT_SPEEDS_KMH,
  rankUnits,
  straightLineModel,
  travelTimeS,
  type TravelModel,
  type UnitPosition,
} from './travel.js';

const GATE = { lat: 22.5431, lon: 114.0579 };
const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('haversineMetres', () => {
  it('gives one degree of latitude as 2*pi*R/360', () => {
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(111_195.08, 1);
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(111_195.08, 1);
  });

  it('shrinks longitude with latitude, and matches a known city pair', () => {
    const atGate = haversineMetres(GATE, { lat: GATE.lat, lon: GATE.lon + 1 });
    expect(atGate / 111_195.08).toBeCloseTo(Math.cos((GATE.lat * Math.PI) / 180), 3);
    // London to Paris, about 343.5 km on the sphere.
    expect(haversineMetres({ lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }) / 1000).toBeCloseTo(343.5, 0);
  });

  it('is zero for one point, symmetric, and finite at the antipode', () => {
    expect(haversineMetres(GATE, GATE)).toBe(0);
    const b = { lat: 22.548, lon: 114.0579 };
    expect(haversineMetres(GATE, b)).toBeCloseTo(haversineMetres(b, GATE), 9);
    expect(haversineMetres(GATE, b)).toBeCloseTo(544.9, 0);
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6_371_008.8, 0);
  });
});

describe('travelTimeS', () => {
  it('uses the effective speed of the unit type', () => {
    expect(travelTimeS(1000, 'car')).toBeCloseTo(120, 6); // 30 km/h
    expect(travelTimeS(1000, 'motorbike')).toBeCloseTo(144, 6); // 25 km/h
    expect(travelTimeS(1000, 'foot')).toBeCloseTo(720, 6); // 5 km/h
    expect(travelTimeS(1000, 'post')).toBe(travelTimeS(1000, 'foot'));
    expect(travelTimeS(1000, 'car', { ...DEFAULT_SPEEDS_KMH, car: 60 })).toBeCloseTo(60, 6);
  });
});

describe('rankUnits', () => {
  const unit = (id: string, over: Partial<UnitPosition>): UnitPosition => ({
    id,
    type: 'car',
    lat: GATE.lat,
    lon: GATE.lon,
    status: 'available',
    positionAt: NOW - 10_000,
    ...over,
  });
  const opts = { now: NOW, staleAfterMs: 300_000 };

  it('orders by arrival time, not distance: a nearer foot patrol can lose to a car', () => {
    const units = [
      unit('foot-300m', { type: 'foot', lat: GATE.lat + 0.0027 }), // ~300 m, 216 s
      unit('car-1km', { lat: GATE.lat + 0.009 }), // ~1 km, 120 s
      unit('car-3km', { lat: GATE.lat + 0.027 }),
    ];
    const ranked = rankUnits(GATE, units, opts);
    expect(ranked.map((r) => r.unitId)).toEqual(['car-1km', 'foot-300m', 'car-3km']);
    expect(ranked[0].distanceM).toBeCloseTo(1000.8, 0);
    expect(ranked[0].etaS).toBeCloseTo(ranked[0].distanceM / (30 / 3.6), 6);
  });

  it('leaves out busy units, stale positions, future-stamped ones and broken coordinates', () => {
    const units = [
      unit('ok', { lat: GATE.lat + 0.01 }),
      unit('busy', { status: 'en_route' }),
      unit('stale', { positionAt: NOW - 300_001 }),
      unit('just-fresh', { positionAt: NOW - 300_000, lat: GATE.lat + 0.02 }),
      unit('skewed', { positionAt: NOW + 30_000, lat: GATE.lat + 0.03 }),
      unit('broken-clock', { positionAt: NOW + 3_600_000 }),
      unit('no-time', { positionAt: Number.NaN }),
      unit('no-fix', { lat: Number.NaN }),
      unit('off-globe', { lat: 123 }),
    ];
    expect(rankUnits(GATE, units, opts).map((r) => r.unitId)).toEqual(['ok', 'just-fresh', 'skewed']);
  });

  it('breaks ties by distance then id, applies speed overrides, and rejects a bad target', () => {
    const units = [unit('b', {}), unit('a', {}), unit('moto', { type: 'motorbike', lat: GATE.lat + 0.009 })];
    expect(rankUnits(GATE, units, opts).map((r) => r.unitId)).toEqual(['a', 'b', 'moto']);
    const far = [unit('car', { lat: GATE.lat + 0.009 }), unit('moto', { type: 'motorbike', lat: GATE.lat - 0.009 })];
    expect(rankUnits(GATE, far, opts)[0].unitId).toBe('car');
    expect(rankUnits(GATE, far, { ...opts, speedsKmh: { motorbike: 40 } })[0].unitId).toBe('moto');
    expect(rankUnits(GATE, [], opts)).toEqual([]);
    expect(() => rankUnits({ lat: Number.NaN, lon: 0 }, units, opts)).toThrow(RangeError);
  });

  it('asks the travel model once, for the eligible units only, and keeps its estimates', () => {
    const calls: string[][] = [];
    const travel: TravelModel = {
      timesTo: (target, units) => {
        calls.push(units.map((u) => u.id));
        return units.map((u) => ({ distanceM: 1, etaS: u.id === 'slow' ? 900 : 60, via: 'road' as const }));
      },
    };
    const units = [unit('slow', {}), unit('quick', { lat: GATE.lat + 0.05 }), unit('busy', { status: 'on_scene' })];
    const ranked = rankUnits(GATE, units, { ...opts, travel });
    expect(calls).toEqual([['slow', 'quick']]);
    expect(ranked).toEqual([
      { unitId: 'quick', distanceM: 1, etaS: 60, via: 'road' },
      { unitId: 'slow', distanceM: 1, etaS: 900, via: 'road' },
    ]);
    expect(straightLineModel().timesTo(GATE, [units[1]])[0].via).toBe('straight');
  });
});
