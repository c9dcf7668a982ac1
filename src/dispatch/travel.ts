// Dispatch maths: travel time by unit type, and ranking units for a target.
import { haversineMetres, type LatLon } from '../domain/geo.js';

export type UnitType = 'car' | 'motorbike' | 'foot' | 'post';

/**
 * Effective speeds over the straight-line distance, so they fold in detours, lights and traffic:
 * urban car ~30 km/h; motorbike ~25 (police scooters and e-bikes, slower top speed but they slip
 * through jams); foot ~5; a fixed post sends officers on foot. City-wide defaults: override per
 * deployment once real response times are known.
 */
export const DEFAULT_SPEEDS_KMH: Readonly<Record<UnitType, number>> = Object.freeze({
  car: 30,
  motorbike: 25,
  foot: 5,
  post: 5,
});

/** Seconds to cover `distanceM` at the unit type's effective speed. */
export function travelTimeS(
  distanceM: number,
  type: UnitType,
  speedsKmh: Readonly<Record<UnitType, number>> = DEFAULT_SPEEDS_KMH,
): number {
  const metresPerSecond = speedsKmh[type] / 3.6;
  return distanceM / metresPerSecond;
}

export interface UnitPosition {
  id: string;
  type: UnitType;
  lat: number;
  lon: number;
  /** Only 'available' units are offered work. */
  status: string;
  /** When the position was reported, epoch milliseconds. */
  positionAt: number;
}

export interface RankOptions {
  /** Epoch milliseconds. */
  now: number;
  /** Positions older than this are not trusted: the unit may be anywhere by now. */
  staleAfterMs: number;
  /** Overrides of DEFAULT_SPEEDS_KMH by unit type (straight-line model only). */
  speedsKmh?: Partial<Record<UnitType, number>>;
  /** How travel time is estimated; default the straight line at speedsKmh. See roadTravelModel in road-search.ts. */
  travel?: TravelModel;
}

export interface RankedUnit {
  unitId: string;
  distanceM: number;
  etaS: number;
  /** straight: straight line by design; road: over the road graph; fallback: no road path, penalised straight line. */
  via: TravelEstimate['via'];
}

export type TravelUnit = Pick<UnitPosition, 'id' | 'type' | 'lat' | 'lon'>;

export interface TravelEstimate {
  /** Metres travelled (along the roads when via is 'road'). */
  distanceM: number;
  etaS: number;
  via: 'straight' | 'road' | 'fallback';
}

/** Estimates travel from each unit to one target, answers in the units' order; one call per decision. */
export interface TravelModel {
  timesTo(target: LatLon, units: readonly TravelUnit[]): TravelEstimate[];
}

/** Straight-line distance at each type's effective speed: the model without a road graph. */
export function straightLineModel(speedsKmh: Readonly<Record<UnitType, number>> = DEFAULT_SPEEDS_KMH): TravelModel {
  return {
    timesTo: (target, units) =>
      units.map((u) => {
        const distanceM = haversineMetres(target, u);
        return { distanceM, etaS: travelTimeS(distanceM, u.type, speedsKmh), via: 'straight' as const };
      }),
  };
}

/**
 * A report stamped this far in the future is still believed (device clocks drift); one further
 * ahead is a broken clock, and believing it would keep the position "fresh" indefinitely.
 */
const MAX_CLOCK_SKEW_MS = 60_000;

const isCoordinate = (p: LatLon) =>
  Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;

/** Available units with a fresh position, nearest estimated arrival first (then distance, then id); one travel-model call. */
export function rankUnits(target: LatLon, units: readonly UnitPosition[], opts: RankOptions): RankedUnit[] {
  if (!isCoordinate(target)) throw new RangeError(`rankUnits: target is not a coordinate: ${JSON.stringify(target)}`);
  const speeds = { ...DEFAULT_SPEEDS_KMH, ...opts.speedsKmh };
  const eligible = units.filter((unit) => {
    if (unit.status !== 'available' || !isCoordinate(unit) || !(unit.type in speeds)) return false;
    const age = opts.now - unit.positionAt;
    return age <= opts.staleAfterMs && age >= -MAX_CLOCK_SKEW_MS;
  });
  const estimates = (opts.travel ?? straightLineModel(speeds)).timesTo(target, eligible);
  const ranked: RankedUnit[] = eligible.map((unit, i) => ({ unitId: unit.id, ...estimates[i] }));
  return ranked.sort(
    (a, b) => a.etaS - b.etaS || a.distanceM - b.distanceM || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0),
  );
}
