import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapSchema } from '../config/map.js';
import { mapRoutes } from '../api/routes/map.js';
import { loadBaseMap, readLines } from './base-map.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-basemap-'));
const write = (name: string, body: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return name;
};
const street = (n: number, lat: number) => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'LineString', coordinates: Array.from({ length: n }, (_, i) => [114.05 + i * 0.001, lat]) },
});

describe('base map', () => {
  it('reads streets and outlines, rounded to about a metre', () => {
    const roads = write('roads.geojson', {
      type: 'FeatureCollection',
      features: [
        street(3, 22.5400004),
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'MultiLineString',
            coordinates: [
              [
                [114, 22],
                [114.1, 22.1],
              ],
              [
                [114, 22.2],
                [114.1, 22.3],
              ],
            ],
          },
        },
      ],
    });
    const outline = write('district.geojson', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'futian' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [114, 22.5],
                [114.1, 22.5],
                [114.1, 22.6],
                [114, 22.5],
              ],
            ],
          },
        },
      ],
    });
    const base = loadBaseMap(mapSchema.parse({ outline }), roads, dir);
    expect(base.outlines).toEqual([
      [
        [114, 22.5],
        [114.1, 22.5],
        [114.1, 22.6],
        [114, 22.5],
      ],
    ]);
    expect(base.roads).toHaveLength(3);
    expect(base.roads[0][0]).toEqual([114.05, 22.54]);
    expect(base.dropped).toBe(0);
  });

  it('keeps the longest streets within the point budget', () => {
    const roads = write('many.geojson', {
      type: 'FeatureCollection',
      features: [street(50, 22.51), street(2, 22.52), street(30, 22.53), street(60, 22.54)],
    });
    const base = loadBaseMap(mapSchema.parse({ maxPoints: 100 }), roads, dir);
    expect(base.roads.map((l) => l.length)).toEqual([60, 30, 2]);
    expect(base.dropped).toBe(1);
  });

  it('draws no streets when told not to, and none without a graph', () => {
    const roads = write('one.geojson', { type: 'FeatureCollection', features: [street(2, 22.5)] });
    expect(loadBaseMap(mapSchema.parse({ roads: false }), roads, dir).roads).toEqual([]);
    expect(loadBaseMap(mapSchema.parse({}), undefined, dir)).toEqual({ roads: [], outlines: [], dropped: 0 });
  });

  it('names the file and the fault when the GeoJSON is broken', () => {
    expect(() => readLines(path.join(dir, write('bad.geojson', '{"type":"FeatureCollection"')))).toThrow(
      /bad\.geojson: not a GeoJSON FeatureCollection/,
    );
    const point = write('point.geojson', {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [114, 22] } }],
    });
    expect(() => readLines(path.join(dir, point))).toThrow(/point\.geojson.*features\.0\.geometry/);
  });

  it('serves the base to the page with a private cache header', async () => {
    const app = mapRoutes(() => ({
      roads: [
        [
          [114, 22],
          [114.1, 22.1],
        ],
      ],
      outlines: [],
      dropped: 0,
    }));
    const res = await app.request('/base');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(await res.json()).toEqual({
      roads: [
        [
          [114, 22],
          [114.1, 22.1],
        ],
      ],
      outlines: [],
      dropped: 0,
    });
  });
});
