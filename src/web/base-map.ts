// The map's offline base: streets of the road graph and district outlines, read once, rounded and capped for the page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { MapConfig } from '../config/map.js';

/** Lines as [lon, lat] lists, rounded to 1e-5 degrees (about a metre). */
export interface BaseMap {
  roads: [number, number][][];
  outlines: [number, number][][];
  /** Lines left out to stay within map.maxPoints (the shortest first). */
  dropped: number;
}

export class BaseMapError extends Error {
  override name = 'BaseMapError';
}

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const line = z.array(position).min(2);
const geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('LineString'), coordinates: line }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(line) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(line)) }),
]);
const collection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ geometry: geometry.nullable() }).loose()),
});

const round = (v: number) => Math.round(v * 1e5) / 1e5;

/** Every line (or ring) of a GeoJSON file, rounded; errors name the file and what is wrong. */
export function readLines(file: string): [number, number][][] {
  let parsed: z.infer<typeof collection>;
  try {
    parsed = collection.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    const why =
      err instanceof z.ZodError
        ? err.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')
        : (err as Error).message;
    throw new BaseMapError(`${file}: not a GeoJSON FeatureCollection of lines or polygons (${why})`);
  }
  const lines: [number, number][][] = [];
  for (const f of parsed.features) {
    const g = f.geometry;
    if (!g) continue;
    const parts =
      g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates.flat() : g.coordinates;
    for (const part of parts) lines.push(part.map((p) => [round(p[0]), round(p[1])]));
  }
  return lines;
}

/** Keeps the longest lines (by number of points) until the budget is spent. */
function capped(lines: [number, number][][], budget: number): { kept: [number, number][][]; dropped: number } {
  let total = lines.reduce((s, l) => s + l.length, 0);
  if (total <= budget) return { kept: lines, dropped: 0 };
  const order = [...lines].sort((a, b) => b.length - a.length);
  const kept: [number, number][][] = [];
  total = 0;
  for (const l of order) {
    if (total + l.length > budget) continue;
    kept.push(l);
    total += l.length;
  }
  return { kept, dropped: lines.length - kept.length };
}

/** The base for the page: outlines always whole (they are few), streets within what is left of the budget. */
export function loadBaseMap(map: MapConfig, roadsGraph: string | undefined, root: string): BaseMap {
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.join(root, p));
  const outlines = map.outline ? readLines(resolve(map.outline)) : [];
  const streets = map.roads && roadsGraph ? readLines(resolve(roadsGraph)) : [];
  const left = Math.max(0, map.maxPoints - outlines.reduce((s, l) => s + l.length, 0));
  const { kept, dropped } = capped(streets, left);
  return { roads: kept, outlines, dropped };
}
