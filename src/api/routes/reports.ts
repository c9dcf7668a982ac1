// Reports for patrol leads: response times against the 1-3-5 targets per grid and shift, and a heat
// table of hits or plate reads per grid and hour of day.
import { Hono } from 'hono';
import { z } from 'zod';
import { TARGETS_S, type ReportRepo } from '../../reports/report-repo.js';
import { heatView, responseView } from '../../reports/report-view.js';
import { scopeOf } from '../../services/scope-filter.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { badRequest, parseOr400 } from '../errors.js';

const DAY_MS = 24 * 3600_000;
/** Longest period one report covers: a year, so a mistyped year cannot scan a decade. */
const MAX_DAYS = 366;

const period = {
  /** Start (inclusive), ISO with offset; default 7 days before `to`. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** End (exclusive), ISO with offset; default now. */
  to: z.iso.datetime({ offset: true }).optional(),
};
export const responseQuery = z.strictObject(period);
export const heatQuery = z.strictObject({ ...period, kind: z.enum(['alerts', 'reads']).default('alerts') });

function periodOf(q: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * DAY_MS);
  if (from >= to) throw badRequest('from must be before to');
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
    throw badRequest(`a report covers at most ${MAX_DAYS} days: narrow from/to`);
  return { from, to };
}

export function reportRoutes(deps: ApiDeps & { reports: ReportRepo }) {
  const tz = deps.config.server.timezone;
  // Roles per route, not `.use()`: a use here would also run on /reports/camera-health, mounted beside these.
  const readers = requireRole('admin', 'operator', 'investigator');
  return new Hono<ApiEnv>()
    .get('/response-times', readers, async (c) => {
      const { from, to } = periodOf(parseOr400(responseQuery, c.req.query(), 'query'));
      const shifts = deps.config.reports.shifts;
      // A scoped reader's report counts its own cameras' alerts only.
      const cameraIds = await scopeOf(deps).cameraIds(c.get('principal'));
      const rows = await deps.reports.responseTimes(from, to, tz, shifts, cameraIds);
      return c.json({
        from: from.toISOString(),
        to: to.toISOString(),
        timezone: tz,
        shifts,
        targetsS: TARGETS_S,
        rows: responseView(rows),
      });
    })
    .get('/heat', readers, async (c) => {
      const q = parseOr400(heatQuery, c.req.query(), 'query');
      const { from, to } = periodOf(q);
      const cameraIds = await scopeOf(deps).cameraIds(c.get('principal'));
      const cells = await deps.reports.heat(q.kind, from, to, tz, cameraIds);
      return c.json({ from: from.toISOString(), to: to.toISOString(), timezone: tz, kind: q.kind, ...heatView(cells) });
    });
}
