// A district's patrol plan: must-reach points (radius, minimum dwell), must-patrol lines (corridor width),
// core and key areas, read from and written as one GeoJSON FeatureCollection (README: Patrol plans).
import { z } from 'zod';
import type { LatLon } from '../domain/geo.js';
import { BadInputError } from '../lib/errors.js';

export interface MustReachPoint {
  id: string;
  name: string;
  grid: string;
  lat: number;
  lon: number;
  radiusM: number;
  minDwellS: number;
}

export interface MustPatrolLine {
  id: string;
  name: string;
  grid: string;
  path: LatLon[];
  /** Full width of the corridor, metres: a fix within half of it from the line is on the line. */
  corridorM: number;
}

export type AreaLevel = 'core' | 'key';

export interface PatrolArea {
  id: string;
  name: string;
  grid: string;
  level: AreaLevel;
  /** Outer ring first, then holes; rings closed or not. */
  rings: LatLon[][];
}

export interface PatrolPlan {
  district: string;
  points: MustReachPoint[];
  lines: MustPatrolLine[];
  areas: PatrolArea[];
}

export interface PlanDefaults {
  defaultRadiusM: number;
  defaultMinDwellS: number;
  defaultCorridorM: number;
}

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const ring = z.array(position).min(3, 'a ring needs at least 3 positions');
const props = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().max(200).optional(),
    grid: z.string().min(1).max(100),
    radiusM: z.number().gt(0).max(2000).optional(),
    minDwellS: z.number().min(0).max(86_400).optional(),
    corridorM: z.number().gt(0).max(1000).optional(),
    level: z.enum(['core', 'key']).optional(),
  })
  .loose();
const feature = z.object({
  type: z.literal('Feature'),
  properties: props,
  geometry: z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.literal('Point'), coordinates: position }),
      z.object({
        type: z.literal('LineString'),
        coordinates: z.array(position).min(2, 'a line needs at least 2 positions'),
      }),
      z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
    ],
    {
      error: 'geometry must be a Point (must-reach point), LineString (must-patrol line) or Polygon (core or key area)',
    },
  ),
});
export const planGeoJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(feature).max(5000),
});
export type PlanGeoJson = z.infer<typeof planGeoJsonSchema>;

const ll = (p: readonly number[]): LatLon => ({ lon: p[0], lat: p[1] });

/** Checks a GeoJSON plan and reads it; a bad feature is a BadInputError naming it (features[3].properties.level). */
export function parsePlan(district: string, geojson: unknown, d: PlanDefaults, where = 'plan'): PatrolPlan {
  const parsed = planGeoJsonSchema.safeParse(geojson);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: [where, ...i.path].join('.'), message: i.message }));
    throw new BadInputError(
      `${where}: not a patrol plan: ${details.map((x) => `${x.field}: ${x.message}`).join('; ')}`,
      details,
    );
  }
  const plan: PatrolPlan = { district, points: [], lines: [], areas: [] };
  const seen = new Set<string>();
  parsed.data.features.forEach((f, i) => {
    const p = f.properties;
    const at = `${where}.features.${i}.properties`;
    if (seen.has(p.id)) throw BadInputError.field(`${at}.id`, `'${p.id}' is used by another feature`);
    seen.add(p.id);
    const base = { id: p.id, name: p.name ?? p.id, grid: p.grid };
    const g = f.geometry;
    if (g.type === 'Point')
      plan.points.push({
        ...base,
        ...ll(g.coordinates),
        radiusM: p.radiusM ?? d.defaultRadiusM,
        minDwellS: p.minDwellS ?? d.defaultMinDwellS,
      });
    else if (g.type === 'LineString')
      plan.lines.push({ ...base, path: g.coordinates.map(ll), corridorM: p.corridorM ?? d.defaultCorridorM });
    else {
      if (!p.level) throw BadInputError.field(`${at}.level`, "an area needs level 'core' or 'key'");
      plan.areas.push({ ...base, level: p.level, rings: g.coordinates.map((r) => r.map(ll)) });
    }
  });
  return plan;
}

/** The plan as GeoJSON again (what the API answers and the map draws). */
export function planToGeoJson(plan: PatrolPlan): PlanGeoJson {
  const pos = (p: LatLon): [number, number] => [p.lon, p.lat];
  return {
    type: 'FeatureCollection',
    features: [
      ...plan.points.map((p) => ({
        type: 'Feature' as const,
        properties: { id: p.id, name: p.name, grid: p.grid, radiusM: p.radiusM, minDwellS: p.minDwellS },
        geometry: { type: 'Point' as const, coordinates: pos(p) },
      })),
      ...plan.lines.map((l) => ({
        type: 'Feature' as const,
        properties: { id: l.id, name: l.name, grid: l.grid, corridorM: l.corridorM },
        geometry: { type: 'LineString' as const, coordinates: l.path.map(pos) },
      })),
      ...plan.areas.map((a) => ({
        type: 'Feature' as const,
        properties: { id: a.id, name: a.name, grid: a.grid, level: a.level },
        geometry: { type: 'Polygon' as const, coordinates: a.rings.map((r) => r.map(pos)) },
      })),
    ],
  };
}
