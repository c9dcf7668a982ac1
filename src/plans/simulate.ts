// A simulated patrol day on a street GeoJSON (the sample district): a plan of must-patrol lines along the
// streets, must-reach points on them and core/key areas in 3 x 3 grids, units driving their lines with
// GPS noise and dwelling at most points, and a timed list of incidents. Seeded: the same day every run.
// Used by `npm run bench patrol` and the tests; nothing in the running system calls it.
import { seededRandom } from '../lib/seeded-random.js';
import { M_PER_DEG } from './geometry.js';
import type { Fix, UnitTrack } from './coverage.js';
import type { MustPatrolLine, MustReachPoint, PatrolArea, PatrolPlan } from './plan.js';

interface Node {
  lat: number;
  lon: number;
  grid: string;
  next: number[];
}

export interface SimOptions {
  seed: number;
  lines: number;
  points: number;
  coreAreas: number;
  keyAreas: number;
  units: number;
  /** Seconds between fixes. */
  everyS: number;
  /** GPS noise, standard deviation in metres per axis. */
  noiseM: number;
  /** Share of must-reach points on its way a unit stops at long enough. */
  stopShare: number;
  /** Chance per fix that the device falls silent for 3-6 minutes. */
  dropoutChance: number;
  speedMps: number;
  /** Share of each grid's lines no unit is given (crossed in transit at most): the plan's gaps. */
  unassignedShare: number;
}

export const DEFAULT_SIM: SimOptions = {
  seed: 16,
  lines: 78,
  points: 60,
  coreAreas: 21,
  keyAreas: 12,
  units: 27,
  everyS: 5,
  noiseM: 5,
  stopShare: 0.85,
  dropoutChance: 0.0005,
  speedMps: 7,
  unassignedShare: 0.15,
};

export interface SimIncident {
  at: number;
  lat: number;
  lon: number;
  grid: string;
  severity: 1 | 2 | 3;
}

export interface SimDay {
  plan: PatrolPlan;
  tracks: UnitTrack[];
  incidents: SimIncident[];
  from: number;
  to: number;
}

/** The vehicle street graph of a GeoJSON of LineStrings (footways left out), cut into 3 x 3 grids g1..g9. */
export function streetGraph(geojson: {
  features: { properties?: Record<string, unknown> | null; geometry: { type: string; coordinates: unknown } }[];
}): Node[] {
  const nodes: Node[] = [];
  const ids = new Map<string, number>();
  const node = (p: number[]) => {
    const k = `${p[0]},${p[1]}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = nodes.push({ lon: p[0], lat: p[1], grid: '', next: [] }) - 1;
      ids.set(k, id);
    }
    return id;
  };
  for (const f of geojson.features) {
    if (f.geometry.type !== 'LineString' || f.properties?.highway === 'footway') continue;
    const c = f.geometry.coordinates as number[][];
    for (let i = 1; i < c.length; i++) {
      const [a, b] = [node(c[i - 1]), node(c[i])];
      nodes[a].next.push(b);
      nodes[b].next.push(a);
    }
  }
  const lats = nodes.map((n) => n.lat);
  const lons = nodes.map((n) => n.lon);
  const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  for (const n of nodes) {
    const row = Math.min(2, Math.floor(((n.lat - la0) / (la1 - la0 || 1)) * 3));
    const col = Math.min(2, Math.floor(((n.lon - lo0) / (lo1 - lo0 || 1)) * 3));
    n.grid = `g${row * 3 + col + 1}`;
  }
  return nodes;
}

function square(
  id: string,
  grid: string,
  level: 'core' | 'key',
  c: { lat: number; lon: number },
  sideM: number,
): PatrolArea {
  const dLat = sideM / 2 / M_PER_DEG;
  const dLon = dLat / Math.cos((c.lat * Math.PI) / 180);
  const ring = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
    [-1, -1],
  ].map(([i, j]) => ({ lat: c.lat + j * dLat, lon: c.lon + i * dLon }));
  return { id, name: id, grid, level, rings: [ring] };
}

/** A plan over the graph: lines are walks of 4-7 streets inside one grid, points sit on line vertices. */
export function simulatedPlan(
  district: string,
  nodes: Node[],
  o: SimOptions,
): { plan: PatrolPlan; lineNodes: number[][] } {
  const rand = seededRandom(o.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const grids = [...new Set(nodes.map((n) => n.grid))].sort();
  const lines: MustPatrolLine[] = [];
  const lineNodes: number[][] = [];
  for (let i = 0; lines.length < o.lines && i < o.lines * 50; i++) {
    const grid = grids[lines.length % grids.length];
    const inGrid = nodes.map((_, k) => k).filter((k) => nodes[k].grid === grid);
    const walk = [pick(inGrid)];
    const want = 4 + Math.floor(rand() * 4);
    while (walk.length <= want) {
      const options = nodes[walk[walk.length - 1]].next.filter((k) => nodes[k].grid === grid && !walk.includes(k));
      if (!options.length) break;
      walk.push(pick(options));
    }
    if (walk.length < 4) continue;
    const id = `L${String(lines.length + 1).padStart(2, '0')}`;
    lines.push({
      id,
      name: `line ${id}`,
      grid,
      path: walk.map((k) => ({ lat: nodes[k].lat, lon: nodes[k].lon })),
      corridorM: 40,
    });
    lineNodes.push(walk);
  }
  const points: MustReachPoint[] = [];
  const used = new Set<number>();
  for (let i = 0; points.length < o.points && i < o.points * 50; i++) {
    const li = (points.length * 7) % lines.length;
    const k = pick(lineNodes[li].slice(1, -1));
    if (used.has(k)) continue;
    used.add(k);
    const id = `P${String(points.length + 1).padStart(2, '0')}`;
    points.push({
      id,
      name: `point ${id}`,
      grid: lines[li].grid,
      lat: nodes[k].lat,
      lon: nodes[k].lon,
      radiusM: 40,
      minDwellS: 60,
    });
  }
  const areas: PatrolArea[] = [];
  for (let i = 0; i < o.coreAreas + o.keyAreas; i++) {
    const level = i < o.coreAreas ? 'core' : 'key';
    const grid = grids[i % grids.length];
    const k = pick(lineNodes.filter((_, li) => lines[li].grid === grid).flat());
    areas.push(
      square(
        `${level === 'core' ? 'C' : 'K'}${String(i + 1).padStart(2, '0')}`,
        grid,
        level,
        nodes[k],
        level === 'core' ? 300 : 500,
      ),
    );
  }
  return { plan: { district, points, lines, areas }, lineNodes };
}

/** Breadth-first path of node ids from a to b (the transit between two lines). */
function hops(nodes: Node[], a: number, b: number): number[] {
  const prev = new Map<number, number>([[a, -1]]);
  const queue = [a];
  for (let q = 0; q < queue.length && !prev.has(b); q++) {
    for (const n of nodes[queue[q]].next) {
      if (prev.has(n)) continue;
      prev.set(n, queue[q]);
      queue.push(n);
    }
  }
  if (!prev.has(b)) return [a];
  const path = [b];
  while (path[0] !== a) path.unshift(prev.get(path[0]) as number);
  return path;
}

/** One unit's day: drive its lines there and back, stopping at most points, transit between lines. */
function unitDay(
  nodes: Node[],
  lineNodes: number[][],
  myLines: number[],
  pointAt: Map<number, MustReachPoint>,
  from: number,
  to: number,
  o: SimOptions,
  rand: () => number,
): Fix[] {
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const fixes: Fix[] = [];
  let t = from + rand() * o.everyS * 1000;
  let pos = lineNodes[myLines[0]][0];
  let silentUntil = 0;
  const emit = (lat: number, lon: number) => {
    if (t >= silentUntil) {
      if (rand() < o.dropoutChance) silentUntil = t + (180 + rand() * 180) * 1000;
      const dLat = (gauss() * o.noiseM) / M_PER_DEG;
      const dLon = (gauss() * o.noiseM) / (M_PER_DEG * Math.cos((lat * Math.PI) / 180));
      fixes.push({ at: Math.round(t), lat: lat + dLat, lon: lon + dLon });
    }
    t += o.everyS * 1000;
  };
  const drive = (path: number[]) => {
    for (let i = 1; i < path.length && t < to; i++) {
      const [a, b] = [nodes[path[i - 1]], nodes[path[i]]];
      const metres = Math.hypot(
        (b.lat - a.lat) * M_PER_DEG,
        (b.lon - a.lon) * M_PER_DEG * Math.cos((a.lat * Math.PI) / 180),
      );
      const steps = Math.max(1, Math.round(metres / (o.speedMps * o.everyS)));
      for (let s = 0; s < steps && t < to; s++)
        emit(a.lat + ((b.lat - a.lat) * s) / steps, a.lon + ((b.lon - a.lon) * s) / steps);
      const p = pointAt.get(path[i]);
      if (p && rand() < o.stopShare)
        for (let d = 0; d < (p.minDwellS + 30) / o.everyS && t < to; d++) emit(b.lat, b.lon);
    }
    pos = path[path.length - 1];
  };
  for (let round = 0; t < to; round++) {
    const line = lineNodes[myLines[round % myLines.length]];
    drive(hops(nodes, pos, line[0]));
    drive(line);
    drive([...line].reverse());
  }
  return fixes;
}

export function simulateDay(
  geojson: Parameters<typeof streetGraph>[0],
  from: number,
  o: SimOptions = DEFAULT_SIM,
): SimDay {
  const to = from + 24 * 3600_000;
  const nodes = streetGraph(geojson);
  const { plan, lineNodes } = simulatedPlan('futian', nodes, o);
  const pointAt = new Map<number, MustReachPoint>();
  plan.points.forEach((p) => {
    const k = nodes.findIndex((n) => n.lat === p.lat && n.lon === p.lon);
    pointAt.set(k, p);
  });
  const grids = [...new Set(plan.lines.map((l) => l.grid))].sort();
  const rand = seededRandom(o.seed + 1);
  const tracks: UnitTrack[] = [];
  for (let u = 0; u < o.units; u++) {
    const grid = grids[u % grids.length];
    const all = plan.lines
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.grid === grid)
      .map(({ i }) => i);
    const gridLines = all.slice(0, Math.max(1, Math.round(all.length * (1 - o.unassignedShare))));
    const nth = Math.floor(u / grids.length);
    const perGrid = Math.ceil(o.units / grids.length);
    const mine = gridLines.filter((_, k) => k % perGrid === nth % perGrid);
    tracks.push({
      unitId: `u${String(u + 1).padStart(3, '0')}`,
      grid,
      fixes: unitDay(nodes, lineNodes, mine.length ? mine : gridLines, pointAt, from, to, o, rand),
    });
  }
  return { plan, tracks, incidents: simulatedIncidents(nodes, from, o.seed + 2), from, to };
}

/** About 120 incidents, more in g5 and in the evening (17-22 h after `from`), mixed severity. */
export function simulatedIncidents(nodes: Node[], from: number, seed: number): SimIncident[] {
  const rand = seededRandom(seed);
  const out: SimIncident[] = [];
  for (let i = 0; i < 120; i++) {
    const evening = rand() < 0.4;
    const hour = evening ? 17 + Math.floor(rand() * 5) : Math.floor(rand() * 24);
    const hot = rand() < 0.3;
    const candidates = hot ? nodes.filter((n) => n.grid === 'g5') : nodes;
    const n = candidates[Math.floor(rand() * candidates.length)];
    const r = rand();
    out.push({
      at: from + hour * 3600_000 + Math.floor(rand() * 3600_000),
      lat: n.lat,
      lon: n.lon,
      grid: n.grid,
      severity: r < 0.6 ? 1 : r < 0.9 ? 2 : 3,
    });
  }
  return out.sort((a, b) => a.at - b.at);
}
