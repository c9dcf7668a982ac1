// Which units answer an incident: the nearest patrol units (from distinct grids when the plan says so) and the
// nearest one-minute response points (fixed posts), each with the target its leg is timed against. Pure.
import type { ResponsePlan } from '../config/incidents.js';
import { rankUnits, type RankedUnit, type RankOptions, type UnitType } from '../dispatch/travel.js';
import type { LatLon } from '../domain/geo.js';

export interface Candidate {
  id: string;
  type: UnitType;
  homeGrid: string;
  status: string;
  lat: number | null;
  lon: number | null;
  /** Epoch ms of the position; a post's fixed position never goes stale. */
  positionAt: number | null;
}

export interface PlannedLeg {
  unitId: string;
  kind: 'unit' | 'post';
  unitType: UnitType;
  grid: string;
  distanceM: number;
  etaS: number;
  targetS: number;
  via: RankedUnit['via'];
}

export interface PlanOptions {
  now: number;
  staleAfterMs: number;
  postTargetS: number;
  travel?: RankOptions['travel'];
  /** Units that must not be chosen (already tried for this incident). */
  exclude?: ReadonlySet<string>;
  /** Grids already served by the incident's live legs (a replacement keeps the grids distinct). */
  gridsTaken?: ReadonlySet<string>;
}

const placed = (c: Candidate): c is Candidate & { lat: number; lon: number; positionAt: number } =>
  c.lat !== null && c.lon !== null && c.positionAt !== null;

function ranked(
  target: LatLon,
  units: Candidate[],
  opts: PlanOptions,
  staleAfterMs: number,
): (RankedUnit & { c: Candidate })[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const eligible = units.filter(placed).filter((u) => !opts.exclude?.has(u.id));
  const rankOpts: RankOptions = { now: opts.now, staleAfterMs, ...(opts.travel ? { travel: opts.travel } : {}) };
  return rankUnits(
    target,
    eligible.map((u) => ({
      id: u.id,
      type: u.type,
      lat: u.lat,
      lon: u.lon,
      status: u.status,
      positionAt: u.positionAt,
    })),
    rankOpts,
  ).map((r) => ({ ...r, c: byId.get(r.unitId) as Candidate }));
}

/** Picks `count` of the ranked patrol units: nearest first, one per grid while distinct grids are asked and in reach. */
export function pickUnits<T extends { c: Candidate }>(
  ranked: readonly T[],
  count: number,
  distinctGrids: boolean,
  gridsTaken: ReadonlySet<string> = new Set(),
): T[] {
  const out: T[] = [];
  const grids = new Set(gridsTaken);
  if (distinctGrids) {
    for (const r of ranked) {
      if (out.length >= count) break;
      if (grids.has(r.c.homeGrid)) continue;
      grids.add(r.c.homeGrid);
      out.push(r);
    }
  }
  // Not enough grids in reach (or not asked): the nearest of the rest.
  for (const r of ranked) {
    if (out.length >= count) break;
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** The legs of a response, patrol units first (nearest first), then posts. Fewer when fewer are free. */
export function planResponse(
  target: LatLon,
  candidates: readonly Candidate[],
  plan: Pick<ResponsePlan, 'units' | 'distinctGrids' | 'posts' | 'unitTargetS'>,
  opts: PlanOptions,
): PlannedLeg[] {
  const patrol = candidates.filter((c) => c.type !== 'post');
  const posts = candidates.filter((c) => c.type === 'post');
  const units = pickUnits(
    ranked(target, patrol, opts, opts.staleAfterMs),
    plan.units,
    plan.distinctGrids,
    opts.gridsTaken,
  );
  const fixed = ranked(target, posts, opts, Number.POSITIVE_INFINITY).slice(0, plan.posts);
  const leg = (r: RankedUnit & { c: Candidate }, kind: 'unit' | 'post', targetS: number): PlannedLeg => ({
    unitId: r.unitId,
    kind,
    unitType: r.c.type,
    grid: r.c.homeGrid,
    distanceM: r.distanceM,
    etaS: r.etaS,
    targetS,
    via: r.via,
  });
  return [...units.map((r) => leg(r, 'unit', plan.unitTargetS)), ...fixed.map((r) => leg(r, 'post', opts.postTargetS))];
}
