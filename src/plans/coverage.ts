// Scores units' position history against a patrol plan over one window (a shift): points reached (when,
// how long), the share of each line covered, seconds in each area, and the gaps in each unit's reporting.
import type { PreparedPlan } from './prepared-plan.js';

export interface Fix {
  /** ms since the epoch */
  at: number;
  lat: number;
  lon: number;
}

export interface UnitTrack {
  unitId: string;
  /** The unit's home grid. */
  grid: string;
  /** Oldest first. */
  fixes: Fix[];
}

export interface CoverageOptions {
  /** Fixes further apart than this are a gap (no area time, a point visit ends). */
  maxGapS: number;
}

export interface Visit {
  unitId: string;
  from: number;
  to: number;
  dwellS: number;
}

export interface PointCoverage {
  id: string;
  name: string;
  grid: string;
  minDwellS: number;
  reached: boolean;
  /** Start of the first visit that stayed minDwellS; null when none did. */
  reachedAt: number | null;
  reachedBy: string | null;
  /** Seconds inside the radius over every visit. */
  dwellS: number;
  visits: Visit[];
}

export interface LineCoverage {
  id: string;
  name: string;
  grid: string;
  lengthM: number;
  /** Share of the line's length whose segments had a fix in their corridor, 0..1, by any unit. */
  share: number;
  byUnit: Record<string, number>;
}

export interface AreaCoverage {
  id: string;
  name: string;
  grid: string;
  level: 'core' | 'key';
  seconds: number;
  byUnit: Record<string, number>;
}

export interface Gap {
  from: number;
  to: number;
  seconds: number;
}

export interface UnitCoverage {
  unitId: string;
  grid: string;
  fixes: number;
  pointsReached: number;
  /** Length-weighted share covered of the lines of the unit's home grid (null: the grid has none). */
  homeLineShare: number | null;
  coveredM: number;
  gaps: Gap[];
}

export interface GridCoverage {
  grid: string;
  points: number;
  pointsReached: number;
  lines: number;
  lengthM: number;
  /** Length-weighted share covered of the grid's lines (null: none). */
  lineShare: number | null;
  coreSeconds: number;
  keySeconds: number;
}

export interface CoverageResult {
  from: number;
  to: number;
  points: PointCoverage[];
  lines: LineCoverage[];
  areas: AreaCoverage[];
  units: UnitCoverage[];
  grids: GridCoverage[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** First index with fixes[i].at >= t. */
function lowerBound(fixes: Fix[], t: number): number {
  let [lo, hi] = [0, fixes.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fixes[mid].at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface UnitPass {
  covered: Uint8Array;
  visits: { point: number; from: number; to: number }[];
  areaMs: Float64Array;
  gaps: Gap[];
  fixes: number;
}

/** One unit's fixes in [from, to): segments touched, point visits, area time and gaps. */
function scoreUnit(pp: PreparedPlan, fixes: Fix[], from: number, to: number, maxGapMs: number): UnitPass {
  const covered = new Uint8Array(pp.segmentCount);
  const areaMs = new Float64Array(pp.areas.length);
  const visits: UnitPass['visits'] = [];
  const gaps: Gap[] = [];
  let open: { point: number; from: number; to: number }[] = [];
  const start = lowerBound(fixes, from);
  const end = lowerBound(fixes, to);
  let prevAt = from;
  for (let k = start; k < end; k++) {
    const f = fixes[k];
    if (f.at - prevAt > maxGapMs) gaps.push({ from: prevAt, to: f.at, seconds: (f.at - prevAt) / 1000 });
    const gapBefore = k > start && f.at - fixes[k - 1].at > maxGapMs;
    prevAt = f.at;
    const x = pp.proj.x(f.lon);
    const y = pp.proj.y(f.lat);
    const key = pp.key(x, y);
    const segs = pp.segmentsNear(key);
    if (segs) {
      for (const s of segs) {
        if (covered[s]) continue;
        const dx = pp.bx[s] - pp.ax[s];
        const dy = pp.by[s] - pp.ay[s];
        const len2 = dx * dx + dy * dy;
        let t = len2 > 0 ? ((x - pp.ax[s]) * dx + (y - pp.ay[s]) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = pp.ax[s] + t * dx - x;
        const ey = pp.ay[s] + t * dy - y;
        if (ex * ex + ey * ey <= pp.half[s] * pp.half[s]) covered[s] = 1;
      }
    }
    // Point visits: a visit runs over consecutive fixes inside the radius, and ends at a gap.
    const pts = pp.pointsNear(key);
    const inside: number[] = [];
    if (pts) for (const p of pts) if ((x - pp.px[p]) ** 2 + (y - pp.py[p]) ** 2 <= pp.r2[p]) inside.push(p);
    if (open.length || inside.length) {
      const still: typeof open = [];
      for (const v of open) {
        if (!gapBefore && inside.includes(v.point)) {
          v.to = f.at;
          still.push(v);
        } else visits.push(v);
      }
      for (const p of inside) if (!still.some((v) => v.point === p)) still.push({ point: p, from: f.at, to: f.at });
      open = still;
    }
    // Area time: from this fix to the next (or the window's end), unless that is a gap.
    if (pp.areas.length) {
      const next = k + 1 < end ? fixes[k + 1].at : to;
      const dt = Math.min(next, to) - f.at;
      if (dt <= maxGapMs) for (let a = 0; a < pp.areas.length; a++) if (pp.inArea(pp.areas[a], x, y)) areaMs[a] += dt;
    }
  }
  visits.push(...open);
  if (to - prevAt > maxGapMs) gaps.push({ from: prevAt, to, seconds: (to - prevAt) / 1000 });
  return { covered, visits, areaMs, gaps, fixes: end - start };
}

export function scoreCoverage(
  pp: PreparedPlan,
  tracks: readonly UnitTrack[],
  window: { from: number; to: number },
  opts: CoverageOptions,
): CoverageResult {
  const { plan } = pp;
  const maxGapMs = opts.maxGapS * 1000;
  const passes = tracks.map((t) => ({ track: t, pass: scoreUnit(pp, t.fixes, window.from, window.to, maxGapMs) }));
  const any = new Uint8Array(pp.segmentCount);
  for (const { pass } of passes) for (let s = 0; s < any.length; s++) any[s] |= pass.covered[s];

  const coveredByLine = (covered: Uint8Array) => {
    const m = new Float64Array(plan.lines.length);
    for (let s = 0; s < covered.length; s++) if (covered[s]) m[pp.lineOf[s]] += pp.lenM[s];
    return m;
  };
  const anyM = coveredByLine(any);
  const unitM = passes.map(({ pass }) => coveredByLine(pass.covered));
  const lines: LineCoverage[] = plan.lines.map((l, i) => ({
    id: l.id,
    name: l.name,
    grid: l.grid,
    lengthM: Math.round(pp.lineLengthM[i]),
    share: pp.lineLengthM[i] ? round3(anyM[i] / pp.lineLengthM[i]) : 0,
    byUnit: Object.fromEntries(
      passes.flatMap(({ track }, u) =>
        unitM[u][i] > 0 ? [[track.unitId, round3(unitM[u][i] / pp.lineLengthM[i])]] : [],
      ),
    ),
  }));

  const points: PointCoverage[] = plan.points.map((p, i) => {
    const visits = passes
      .flatMap(({ track, pass }) =>
        pass.visits
          .filter((v) => v.point === i)
          .map((v) => ({ unitId: track.unitId, from: v.from, to: v.to, dwellS: (v.to - v.from) / 1000 })),
      )
      .sort((a, b) => a.from - b.from);
    const first = visits.find((v) => v.dwellS >= p.minDwellS);
    return {
      id: p.id,
      name: p.name,
      grid: p.grid,
      minDwellS: p.minDwellS,
      reached: !!first,
      reachedAt: first?.from ?? null,
      reachedBy: first?.unitId ?? null,
      dwellS: visits.reduce((s, v) => s + v.dwellS, 0),
      visits,
    };
  });

  const areas: AreaCoverage[] = pp.areas.map(({ area }, a) => ({
    id: area.id,
    name: area.name,
    grid: area.grid,
    level: area.level,
    seconds: Math.round(passes.reduce((s, { pass }) => s + pass.areaMs[a], 0) / 1000),
    byUnit: Object.fromEntries(
      passes.flatMap(({ track, pass }) =>
        pass.areaMs[a] > 0 ? [[track.unitId, Math.round(pass.areaMs[a] / 1000)]] : [],
      ),
    ),
  }));

  const units: UnitCoverage[] = passes.map(({ track, pass }, u) => {
    const home = plan.lines.map((l, i) => ({ l, i })).filter(({ l }) => l.grid === track.grid);
    const homeLen = home.reduce((s, { i }) => s + pp.lineLengthM[i], 0);
    return {
      unitId: track.unitId,
      grid: track.grid,
      fixes: pass.fixes,
      pointsReached: points.filter((p) => p.visits.some((v) => v.unitId === track.unitId && v.dwellS >= p.minDwellS))
        .length,
      homeLineShare: homeLen ? round3(home.reduce((s, { i }) => s + unitM[u][i], 0) / homeLen) : null,
      coveredM: Math.round(unitM[u].reduce((s, m) => s + m, 0)),
      gaps: pass.gaps,
    };
  });
  return { from: window.from, to: window.to, points, lines, areas, units, grids: byGrid(points, lines, areas, anyM) };
}

function byGrid(
  points: PointCoverage[],
  lines: LineCoverage[],
  areas: AreaCoverage[],
  anyM: Float64Array,
): GridCoverage[] {
  const grids = [
    ...new Set([...points.map((p) => p.grid), ...lines.map((l) => l.grid), ...areas.map((a) => a.grid)]),
  ].sort();
  return grids.map((grid) => {
    const ls = lines.map((l, i) => ({ l, m: anyM[i] })).filter(({ l }) => l.grid === grid);
    const lengthM = ls.reduce((s, { l }) => s + l.lengthM, 0);
    const inGrid = areas.filter((a) => a.grid === grid);
    return {
      grid,
      points: points.filter((p) => p.grid === grid).length,
      pointsReached: points.filter((p) => p.grid === grid && p.reached).length,
      lines: ls.length,
      lengthM,
      lineShare: lengthM ? round3(ls.reduce((s, { m }) => s + m, 0) / lengthM) : null,
      coreSeconds: inGrid.filter((a) => a.level === 'core').reduce((s, a) => s + a.seconds, 0),
      keySeconds: inGrid.filter((a) => a.level === 'key').reduce((s, a) => s + a.seconds, 0),
    };
  });
}
