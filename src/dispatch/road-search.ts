// Travel time over the road graph: one Dijkstra backwards from the target per travel profile
// (vehicle speed, or on foot), settled until every unit's snap edge is reached.
import type { RoadsConfig } from '../config/roads.js';
import { EDGE_FOOT_ONLY, EDGE_ONEWAY, type RoadGraph, type Snap } from './road-graph.js';
import type { LatLon } from '../domain/geo.js';
import { straightLineModel, type TravelEstimate, type TravelModel, type TravelUnit, type UnitType } from './travel.js';

/** A min-heap of (key, node) pairs in parallel arrays; stale entries are skipped on pop (lazy deletion). */
class MinHeap {
  private keys: number[] = [];
  private nodes: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, node: number): void {
    let i = this.keys.push(key) - 1;
    this.nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.nodes[i] = this.nodes[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
  }

  /** Removes the smallest; returns its node (read its key with peekKey before). */
  pop(): number {
    const top = this.nodes[0];
    const key = this.keys.pop() as number;
    const node = this.nodes.pop() as number;
    const n = this.keys.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.keys[child + 1] < this.keys[child]) child++;
      if (this.keys[child] >= key) break;
      this.keys[i] = this.keys[child];
      this.nodes[i] = this.nodes[child];
      i = child;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
    return top;
  }

  peekKey(): number {
    return this.keys[0];
  }
}

interface Profile {
  foot: boolean;
  /** m/s: walking speed on foot, else the unit's top speed (capped by each road's). */
  speedMs: number;
  /** Seconds per traversal, index edge*2 + dir (0 a->b, 1 b->a); Infinity where the profile may not go. */
  times: Float64Array;
}

/** Seconds to cover edge e for the profile, or Infinity where it may not go that way (dir 0 a->b, 1 b->a). */
function traversalTime(g: RoadGraph, e: number, dir: number, foot: boolean, speedMs: number): number {
  if (!foot && (g.flags[e] & EDGE_FOOT_ONLY || (dir === 1 && g.flags[e] & EDGE_ONEWAY))) return Infinity;
  const speed = foot ? speedMs : Math.min(speedMs, g.speedKmh[e] / 3.6);
  return g.lengthM[e] / speed;
}

/** Traversal times computed once per profile, so the search's inner loop is one array read per edge. */
function makeProfile(g: RoadGraph, foot: boolean, speedMs: number): Profile {
  const times = new Float64Array(g.edgeCount * 2);
  for (let e = 0; e < g.edgeCount; e++) {
    times[e * 2] = traversalTime(g, e, 0, foot, speedMs);
    times[e * 2 + 1] = traversalTime(g, e, 1, foot, speedMs);
  }
  return { foot, speedMs, times };
}

const edgeTime = (e: number, dir: number, p: Profile) => p.times[e * 2 + dir];

interface SearchResult {
  timeS: Float64Array;
  metres: Float64Array;
}

/** Seconds and metres from every node needed to the target's snap point; stops once all `wanted` are settled. */
function searchTo(g: RoadGraph, target: Snap, p: Profile, wanted: Set<number>): SearchResult {
  const timeS = new Float64Array(g.nodeCount).fill(Infinity);
  const metres = new Float64Array(g.nodeCount).fill(Infinity);
  const settled = new Uint8Array(g.nodeCount);
  const heap = new MinHeap();
  const e = target.edge;
  const seed = (node: number, frac: number, dir: number) => {
    const t = edgeTime(e, dir, p) * frac;
    if (t < timeS[node]) [timeS[node], metres[node]] = [t, g.lengthM[e] * frac];
    if (Number.isFinite(t)) heap.push(t, node);
  };
  seed(g.edgeA[e], target.t, 0);
  seed(g.edgeB[e], 1 - target.t, 1);
  let remaining = wanted.size;
  while (heap.size && remaining > 0) {
    const key = heap.peekKey();
    const v = heap.pop();
    if (settled[v] || key > timeS[v]) continue;
    settled[v] = 1;
    if (wanted.has(v)) remaining--;
    for (let k = g.inStart[v]; k < g.inStart[v + 1]; k++) {
      const trav = g.inTrav[k];
      const edge = trav >> 1;
      const dir = trav & 1;
      const from = dir === 0 ? g.edgeA[edge] : g.edgeB[edge];
      const t = timeS[v] + edgeTime(edge, dir, p);
      if (t < timeS[from]) {
        timeS[from] = t;
        metres[from] = metres[v] + g.lengthM[edge];
        heap.push(t, from);
      }
    }
  }
  return { timeS, metres };
}

/** Best way from a unit's snap point onto the searched graph: via either end of its edge, or along it to the target. */
function fromSnap(g: RoadGraph, u: Snap, target: Snap, p: Profile, r: SearchResult): { timeS: number; metres: number } {
  const e = u.edge;
  const len = g.lengthM[e];
  const viaA = edgeTime(e, 1, p) * u.t + r.timeS[g.edgeA[e]];
  const viaB = edgeTime(e, 0, p) * (1 - u.t) + r.timeS[g.edgeB[e]];
  let best =
    viaA <= viaB
      ? { timeS: viaA, metres: len * u.t + r.metres[g.edgeA[e]] }
      : { timeS: viaB, metres: len * (1 - u.t) + r.metres[g.edgeB[e]] };
  if (target.edge === e) {
    const dir = u.t <= target.t ? 0 : 1;
    const along = Math.abs(target.t - u.t);
    const direct = edgeTime(e, dir, p) * along;
    if (direct < best.timeS) best = { timeS: direct, metres: len * along };
  }
  return best;
}

type Speeds = Readonly<Record<UnitType, number>>;

/** Travel times over the graph; a unit off the roads or with no path gets the penalised straight line, flagged. */
export function roadTravelModel(
  g: RoadGraph,
  cfg: Pick<RoadsConfig, 'maxSnapMetres' | 'unreachablePenalty'> & {
    unitSpeedsKmh: Speeds;
    straightLineSpeedsKmh: Speeds;
  },
): TravelModel {
  const straight = straightLineModel(cfg.straightLineSpeedsKmh);
  const profiles = new Map<string, Profile>();
  const profileOf = (type: UnitType): Profile => {
    const foot = type === 'foot' || type === 'post';
    const speedMs = cfg.unitSpeedsKmh[type] / 3.6;
    const key = `${foot}:${speedMs}`;
    let p = profiles.get(key);
    if (!p) profiles.set(key, (p = makeProfile(g, foot, speedMs)));
    return p;
  };
  const fallback = (target: LatLon, u: TravelUnit): TravelEstimate => {
    const [s] = straight.timesTo(target, [u]);
    return { distanceM: s.distanceM, etaS: s.etaS * cfg.unreachablePenalty, via: 'fallback' };
  };
  return {
    timesTo(target, units) {
      const out: TravelEstimate[] = new Array(units.length);
      const groups = new Map<Profile, number[]>();
      units.forEach((u, i) => {
        const p = profileOf(u.type);
        const group = groups.get(p);
        if (group) group.push(i);
        else groups.set(p, [i]);
      });
      for (const [p, members] of groups) {
        const tSnap = g.snap(target, cfg.maxSnapMetres, !p.foot);
        const snaps = members.map((i) => g.snap(units[i], cfg.maxSnapMetres, !p.foot));
        const wanted = new Set<number>();
        for (const s of snaps) if (s) wanted.add(g.edgeA[s.edge]).add(g.edgeB[s.edge]);
        const result = tSnap && wanted.size ? searchTo(g, tSnap, p, wanted) : null;
        members.forEach((i, k) => {
          const s = snaps[k];
          const road = s && tSnap && result ? fromSnap(g, s, tSnap, p, result) : null;
          if (!road || !Number.isFinite(road.timeS) || !s || !tSnap) return void (out[i] = fallback(target, units[i]));
          const offsetM = s.offsetM + tSnap.offsetM;
          out[i] = { distanceM: road.metres + offsetM, etaS: road.timeS + offsetM / p.speedMs, via: 'road' };
        });
      }
      return out;
    },
  };
}
