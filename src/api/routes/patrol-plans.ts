// Patrol plans per district (GeoJSON in and out; admins replace or remove them, audited) and their coverage
// from the units' position history: a local day so far, one shift of it, or any window.
import { Hono } from 'hono';
import { z } from 'zod';
import { localDate } from '../../health/periods.js';
import type { CoverageResult } from '../../plans/coverage.js';
import { planGeoJsonSchema } from '../../plans/plan.js';
import type { PlanService } from '../../plans/plan-service.js';
import { dayWindow, shiftWindows } from '../../plans/shift-window.js';
import type { Shift } from '../../config/reports.js';
import { BadInputError, NotFoundError } from '../../lib/errors.js';
import { districtInScope } from '../../domain/scope.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, parseOr400 } from '../errors.js';

export const districtParams = z.object({
  district: z.string().regex(/^[\w.-]{1,100}$/, 'a district name (letters, digits, _ . -)'),
});
export const coverageQuery = z.strictObject({
  /** Local date (server.timezone); default today. */
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD')
    .optional(),
  /** A shift of reports.shifts starting on that date; default the whole day. */
  shift: z.string().min(1).max(100).optional(),
  /** Or an explicit window (ISO with offset), instead of date/shift. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Only these units (comma-separated ids). */
  units: z.string().min(1).max(2000).optional(),
});

const planSummary = z.object({
  district: z.string(),
  version: z.number().int(),
  updatedBy: z.string(),
  updatedAt: z.string(),
  points: z.number().int(),
  lines: z.number().int(),
  coreAreas: z.number().int(),
  keyAreas: z.number().int(),
});
export const planListResponse = z.object({ plans: z.array(planSummary) });
export const planResponse = z.object({ summary: planSummary, geojson: planGeoJsonSchema });
export { planGeoJsonSchema as planBody };

const time = z.string().describe('ISO 8601, UTC');
export const coverageResponse = z.object({
  district: z.string(),
  from: time,
  to: time,
  shift: z.string().nullable(),
  timezone: z.string(),
  points: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      grid: z.string(),
      minDwellS: z.number(),
      reached: z.boolean(),
      reachedAt: time.nullable(),
      reachedBy: z.string().nullable(),
      dwellS: z.number(),
      visits: z.array(z.object({ unitId: z.string(), from: time, to: time, dwellS: z.number() })),
    }),
  ),
  lines: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      grid: z.string(),
      lengthM: z.number(),
      share: z.number().describe('0..1 of the length covered'),
      byUnit: z.record(z.string(), z.number()),
    }),
  ),
  areas: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      grid: z.string(),
      level: z.enum(['core', 'key']),
      seconds: z.number(),
      byUnit: z.record(z.string(), z.number()),
    }),
  ),
  units: z.array(
    z.object({
      unitId: z.string(),
      grid: z.string(),
      fixes: z.number().int(),
      pointsReached: z.number().int(),
      homeLineShare: z.number().nullable(),
      coveredM: z.number(),
      gaps: z.array(z.object({ from: time, to: time, seconds: z.number() })),
    }),
  ),
  grids: z.array(
    z.object({
      grid: z.string(),
      points: z.number().int(),
      pointsReached: z.number().int(),
      lines: z.number().int(),
      lengthM: z.number(),
      lineShare: z.number().nullable(),
      coreSeconds: z.number(),
      keySeconds: z.number(),
    }),
  ),
});
export type CoverageView = z.infer<typeof coverageResponse>;

const iso = (t: number) => new Date(t).toISOString();

export function coverageView(
  district: string,
  shift: string | null,
  timezone: string,
  r: CoverageResult,
): CoverageView {
  return {
    district,
    from: iso(r.from),
    to: iso(r.to),
    shift,
    timezone,
    points: r.points.map((p) => ({
      ...p,
      reachedAt: p.reachedAt === null ? null : iso(p.reachedAt),
      visits: p.visits.map((v) => ({ ...v, from: iso(v.from), to: iso(v.to) })),
    })),
    lines: r.lines,
    areas: r.areas,
    units: r.units.map((u) => ({ ...u, gaps: u.gaps.map((g) => ({ ...g, from: iso(g.from), to: iso(g.to) })) })),
    grids: r.grids,
  };
}

/** The window asked for: an explicit from/to, a shift of a date, or the date (today by default) up to now. */
export function coverageWindow(
  q: z.infer<typeof coverageQuery>,
  shifts: readonly Shift[],
  timezone: string,
  now = Date.now(),
): { from: number; to: number; shift: string | null } {
  if (q.from || q.to) {
    if (!q.from || !q.to) throw BadInputError.field(q.from ? 'to' : 'from', 'give both from and to');
    const [from, to] = [Date.parse(q.from), Date.parse(q.to)];
    if (from >= to) throw BadInputError.field('to', 'must be after from');
    if (to - from > 8 * 86_400_000) throw BadInputError.field('to', 'at most 8 days in one coverage');
    return { from, to, shift: null };
  }
  const date = q.date ?? localDate(now, timezone);
  if (q.shift) {
    const w = shiftWindows(date, shifts, timezone).find((s) => s.name === q.shift);
    if (!w) throw BadInputError.field('shift', `one of ${shifts.map((s) => s.name).join(', ')} (reports.shifts)`);
    return { from: w.from, to: Math.min(w.to, Math.max(w.from + 1, now)), shift: w.name };
  }
  const day = dayWindow(date, timezone);
  return { from: day.from, to: Math.min(day.to, Math.max(day.from + 1, now)), shift: null };
}

/** The district, when the caller's scope holds it; another district's plan answers 404, as a missing one. */
function seen(scope: Parameters<typeof districtInScope>[0], district: string): string {
  if (!districtInScope(scope, district)) throw new NotFoundError(`patrol plan of district ${district} not found`);
  return district;
}

export function patrolPlanRoutes(deps: { plans: PlanService; shifts: readonly Shift[]; timezone: string }) {
  const readers = requireRole('admin', 'operator', 'investigator');
  const district = (raw: string | undefined) => parseOr400(districtParams, { district: raw }, 'district').district;
  return new Hono<ApiEnv>()
    .get('/', readers, async (c) => {
      // A scoped reader sees its own districts' plans; another district's answers 404 below.
      const scope = c.get('principal').scope;
      return c.json({ plans: await deps.plans.list(scope?.districts) });
    })
    .get('/:district', readers, async (c) => {
      const s = await deps.plans.get(seen(c.get('principal').scope, district(c.req.param('district'))));
      return c.json({ summary: s.summary, geojson: s.geojson });
    })
    .put('/:district', requireRole('admin'), async (c) => {
      const d = district(c.req.param('district'));
      const body = await jsonBody(c, planGeoJsonSchema);
      return c.json(await deps.plans.put(d, body, c.get('principal')));
    })
    .delete('/:district', requireRole('admin'), async (c) => {
      await deps.plans.remove(district(c.req.param('district')), c.get('principal'));
      return c.body(null, 204);
    })
    .get('/:district/coverage', readers, async (c) => {
      const d = seen(c.get('principal').scope, district(c.req.param('district')));
      const q = parseOr400(coverageQuery, c.req.query(), 'query');
      const w = coverageWindow(q, deps.shifts, deps.timezone);
      const units = q.units
        ?.split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      const r = await deps.plans.coverage(d, w.from, w.to, { unitIds: units });
      return c.json(coverageView(d, w.shift, deps.timezone, r));
    });
}
