// The road graph: GeoJSON streets checked and turned into nodes (coincident vertices merged) and
// edges with length and speed, a grid index that snaps a point to the nearest edge, and the
// reverse adjacency the travel-time search walks.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EARTH_RADIUS_M, haversineMetres, type LatLon } from '../domain/geo.js';

/** Road speeds by OSM highway class, km/h: urban limits, a little under the signs. */
const HIGHWAY_KMH: Readonly<Record<string, number>> = {
  motorway: 80,
  motorway_link: 50,
  trunk: 60,
  trunk_link: 40,
  primary: 50,
  primary_link: 40,
  secondary: 40,
  secondary_link: 30,
  tertiary: 30,
  tertiary_link: 30,
  unclassified: 30,
  residential: 25,
  living_street: 10,
  service: 15,
  road: 30,
};
/** Classes only walked: vehicles never use these edges. */
const FOOT_ONLY = new Set(['footway', 'path', 'pedestrian', 'steps', 'cycleway', 'bridleway', 'corridor']);

export const EDGE_ONEWAY = 1;
export const EDGE_FOOT_ONLY = 2;

export class RoadGraphError extends Error {
  override name = 'RoadGraphError';
}

const position = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)], { error: 'expected [lon, lat] in degrees' })
  .rest(z.number());
const line = z.array(position).min(2, 'a line needs at least 2 positions');
const featureSchema = z.object({
  type: z.literal('Feature'),
  geometry: z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.literal('LineString'), coordinates: line }),
      z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line).min(1) }),
    ],
    { error: 'geometry must be a LineString or MultiLineString' },
  ),
  properties: z
    .object({
      speedKmh: z.number().gt(0).max(200).optional(),
      highway: z.string().optional(),
      oneway: z
        .union([
          z.boolean(),
          z.enum(['yes', 'no', 'true', 'false', '1', '0', '-1']),
          z.literal(1),
          z.literal(0),
          z.literal(-1),
        ])
        .optional(),
    })
    .loose()
    .nullish(),
});
const collectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

export interface Snap {
  edge: number;
  /** Where along the edge, 0 at its `a` end, 1 at its `b` end. */
  t: number;
  /** Straight distance from the point to the road, metres. */
  offsetM: number;
}

export class RoadGraph {
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** Traversals ending at each node: inStart[v]..inStart[v+1] index inTrav, each edge*2 + (0 a->b, 1 b->a). */
  readonly inStart: Int32Array;
  readonly inTrav: Int32Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  /** The grid index: cells of cellM metres over the graph's bounding box, edges listed per cell (CSR). */
  private readonly grid: { x0: number; y0: number; cols: number; rows: number; start: Int32Array; edges: Int32Array };
  private readonly stamp: Int32Array;
  private stampNow = 0;
  private readonly lat0: number;
  private readonly lon0: number;
  private readonly cosLat0: number;

  constructor(
    nodes: readonly LatLon[],
    readonly edgeA: Int32Array,
    readonly edgeB: Int32Array,
    readonly lengthM: Float64Array,
    readonly speedKmh: Float64Array,
    readonly flags: Uint8Array,
    private readonly cellM = 250,
  ) {
    this.lat = Float64Array.from(nodes, (n) => n.lat);
    this.lon = Float64Array.from(nodes, (n) => n.lon);
    this.lat0 = nodes.reduce((s, n) => s + n.lat, 0) / Math.max(1, nodes.length);
    this.lon0 = nodes.reduce((s, n) => s + n.lon, 0) / Math.max(1, nodes.length);
    this.cosLat0 = Math.cos((this.lat0 * Math.PI) / 180);
    this.x = new Float64Array(nodes.length);
    this.y = new Float64Array(nodes.length);
    nodes.forEach((n, i) => ([this.x[i], this.y[i]] = this.project(n)));
    [this.inStart, this.inTrav] = this.reverseAdjacency();
    this.stamp = new Int32Array(edgeA.length);
    this.grid = this.buildGrid();
  }

  get nodeCount(): number {
    return this.lat.length;
  }

  get edgeCount(): number {
    return this.edgeA.length;
  }

  /** Equirectangular metres about the graph's centre: under 0.1% error across a city. */
  private project(p: LatLon): [number, number] {
    const k = (EARTH_RADIUS_M * Math.PI) / 180;
    return [(p.lon - this.lon0) * k * this.cosLat0, (p.lat - this.lat0) * k];
  }

  private reverseAdjacency(): [Int32Array, Int32Array] {
    const start = new Int32Array(this.nodeCount + 1);
    for (let e = 0; e < this.edgeCount; e++) {
      start[this.edgeB[e] + 1]++;
      start[this.edgeA[e] + 1]++;
    }
    for (let v = 0; v < this.nodeCount; v++) start[v + 1] += start[v];
    const fill = start.slice(0, this.nodeCount);
    const trav = new Int32Array(this.edgeCount * 2);
    for (let e = 0; e < this.edgeCount; e++) {
      trav[fill[this.edgeB[e]]++] = e * 2; // a -> b ends at b
      trav[fill[this.edgeA[e]]++] = e * 2 + 1; // b -> a ends at a
    }
    return [start, trav];
  }

  /** Cells an edge's bounding box covers, as [col0, col1, row0, row1] relative to the grid origin. */
  private cellsOf(e: number, x0: number, y0: number): [number, number, number, number] {
    const [a, b] = [this.edgeA[e], this.edgeB[e]];
    const c = (v: number, o: number) => Math.floor((v - o) / this.cellM);
    return [
      c(Math.min(this.x[a], this.x[b]), x0),
      c(Math.max(this.x[a], this.x[b]), x0),
      c(Math.min(this.y[a], this.y[b]), y0),
      c(Math.max(this.y[a], this.y[b]), y0),
    ];
  }

  private buildGrid() {
    const low = (v: Float64Array) => v.reduce((m, x) => Math.min(m, x), Infinity);
    const high = (v: Float64Array) => v.reduce((m, x) => Math.max(m, x), -Infinity);
    const [x0, y0] = [low(this.x), low(this.y)];
    const cols = Math.floor((high(this.x) - x0) / this.cellM) + 1;
    const rows = Math.floor((high(this.y) - y0) / this.cellM) + 1;
    const start = new Int32Array(cols * rows + 1);
    const each = (fn: (cell: number, e: number) => void) => {
      for (let e = 0; e < this.edgeCount; e++) {
        const [c0, c1, r0, r1] = this.cellsOf(e, x0, y0);
        for (let c = c0; c <= c1; c++) for (let r = r0; r <= r1; r++) fn(r * cols + c, e);
      }
    };
    each((cell) => start[cell + 1]++);
    for (let k = 0; k < cols * rows; k++) start[k + 1] += start[k];
    const fill = start.slice(0, cols * rows);
    const edges = new Int32Array(start[cols * rows]);
    each((cell, e) => (edges[fill[cell]++] = e));
    return { x0, y0, cols, rows, start, edges };
  }

  /** The nearest edge within maxM (vehicles skip foot-only edges), or null. */
  snap(p: LatLon, maxM: number, vehicle: boolean): Snap | null {
    const [px, py] = this.project(p);
    const { x0, y0, cols, rows, start, edges } = this.grid;
    const [cx, cy] = [Math.floor((px - x0) / this.cellM), Math.floor((py - y0) / this.cellM)];
    const stamp = ++this.stampNow;
    let bestEdge = -1;
    let bestD2 = maxM * maxM;
    // Ring r holds every edge closer than r cells, so once the best is within that, it is the nearest.
    for (let r = 0; (r - 1) * this.cellM <= maxM; r++) {
      for (let i = Math.max(0, cx - r); i <= Math.min(cols - 1, cx + r); i++) {
        const step = i === cx - r || i === cx + r ? 1 : 2 * r; // inner columns: only the top and bottom cells
        for (let j = cy - r; j <= cy + r; j += Math.max(1, step)) {
          if (j < 0 || j >= rows) continue;
          const cell = j * cols + i;
          for (let k = start[cell]; k < start[cell + 1]; k++) {
            const e = edges[k];
            if (this.stamp[e] === stamp || (vehicle && this.flags[e] & EDGE_FOOT_ONLY)) continue;
            this.stamp[e] = stamp;
            const d2 = this.distance2(e, px, py);
            if (d2 <= bestD2) {
              bestEdge = e;
              bestD2 = d2;
            }
          }
        }
      }
      if (bestEdge >= 0 && bestD2 <= (r * this.cellM) ** 2) break;
    }
    if (bestEdge < 0) return null;
    return { edge: bestEdge, t: this.along(bestEdge, px, py), offsetM: Math.sqrt(bestD2) };
  }

  /** Where the foot of the perpendicular from (px, py) falls on edge e, clamped to it: 0 at a, 1 at b. */
  private along(e: number, px: number, py: number): number {
    const [a, b] = [this.edgeA[e], this.edgeB[e]];
    const dx = this.x[b] - this.x[a];
    const dy = this.y[b] - this.y[a];
    const len2 = dx * dx + dy * dy;
    return len2 > 0 ? Math.max(0, Math.min(1, ((px - this.x[a]) * dx + (py - this.y[a]) * dy) / len2)) : 0;
  }

  private distance2(e: number, px: number, py: number): number {
    const a = this.edgeA[e];
    const t = this.along(e, px, py);
    const ex = this.x[a] + t * (this.x[this.edgeB[e]] - this.x[a]) - px;
    const ey = this.y[a] + t * (this.y[this.edgeB[e]] - this.y[a]) - py;
    return ex * ex + ey * ey;
  }
}

/** Builds the graph from a parsed GeoJSON FeatureCollection; errors name the feature index. */
export function buildRoadGraph(geojson: unknown, defaultSpeedKmh: number, where = 'roads.graph'): RoadGraph {
  const fc = collectionSchema.safeParse(geojson);
  if (!fc.success) throw new RoadGraphError(`${where}: expected a GeoJSON FeatureCollection with a features array`);
  const nodeIds = new Map<string, number>();
  const nodes: LatLon[] = [];
  const edges: { a: number; b: number; len: number; speed: number; flags: number }[] = [];
  const nodeOf = ([lon, lat]: number[]) => {
    // Vertices within ~1 cm are one node: that is how streets meet.
    const key = `${lat.toFixed(7)},${lon.toFixed(7)}`;
    let id = nodeIds.get(key);
    if (id === undefined) nodeIds.set(key, (id = nodes.push({ lat, lon }) - 1));
    return id;
  };
  fc.data.features.forEach((raw, i) => {
    const f = featureSchema.safeParse(raw);
    if (!f.success) {
      const issue = f.error.issues[0];
      throw new RoadGraphError(`${where}: feature ${i}: ${issue.path.join('.') || 'feature'}: ${issue.message}`);
    }
    const props = f.data.properties ?? {};
    const highway = props.highway ?? '';
    const speed = props.speedKmh ?? HIGHWAY_KMH[highway] ?? defaultSpeedKmh;
    const oneway =
      props.oneway === true ||
      props.oneway === 1 ||
      props.oneway === -1 ||
      ['yes', 'true', '1', '-1'].includes(String(props.oneway));
    const reversed = props.oneway === -1 || props.oneway === '-1';
    const flags = (oneway ? EDGE_ONEWAY : 0) | (FOOT_ONLY.has(highway) ? EDGE_FOOT_ONLY : 0);
    const lines = f.data.geometry.type === 'LineString' ? [f.data.geometry.coordinates] : f.data.geometry.coordinates;
    for (const coords of lines) {
      const ids = (reversed ? [...coords].reverse() : coords).map(nodeOf);
      for (let k = 1; k < ids.length; k++) {
        if (ids[k] === ids[k - 1]) continue;
        edges.push({ a: ids[k - 1], b: ids[k], len: haversineMetres(nodes[ids[k - 1]], nodes[ids[k]]), speed, flags });
      }
    }
  });
  if (!edges.length)
    throw new RoadGraphError(`${where}: no road segments (every feature needs a line of 2 or more distinct positions)`);
  return new RoadGraph(
    nodes,
    Int32Array.from(edges, (e) => e.a),
    Int32Array.from(edges, (e) => e.b),
    Float64Array.from(edges, (e) => e.len),
    Float64Array.from(edges, (e) => e.speed),
    Uint8Array.from(edges, (e) => e.flags),
  );
}

export function loadRoadGraph(file: string, defaultSpeedKmh: number): RoadGraph {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RoadGraphError(`roads.graph: cannot read ${file} as JSON (${(err as Error).message})`);
  }
  return buildRoadGraph(raw, defaultSpeedKmh, `roads.graph ${file}`);
}
