// GET /reports/camera-health: the four rates per district and grid, per local day and ISO week (JSON or CSV);
// PUT /reports/camera-health/targets/:district: the expected camera count behind the registration rate (admins).
import { stringify } from 'csv-stringify/sync';
import { Hono } from 'hono';
import { z } from 'zod';
import { districtInScope } from '../../domain/scope.js';
import { localDate } from '../../health/periods.js';
import { rateReport, type RateReportDeps } from '../../health/rate-report.js';
import { AuditRepo } from '../../store/audit-repo.js';
import { HealthRepo } from '../../store/health-repo.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { badRequest, jsonBody, parseOr400 } from '../errors.js';
import { rateReportView } from '../../views/camera-health.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD');
export const rateReportQuery = z.strictObject({
  /** First and last local day (both included); default the last 7 days up to today. */
  from: date.optional(),
  to: date.optional(),
  district: z.string().min(1).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export const districtTargetBody = z.strictObject({ expected: z.number().int().min(0).max(1_000_000) });
const CSV_COLUMNS = [
  'period',
  'start',
  'district',
  'grid',
  'cameras',
  'registered',
  'expected',
  'registration',
  'online',
  'imageIntact',
  'location',
  'onlineHours',
  'intactHours',
] as const;
/** More days than this in one report is refused (each day is a pass over the uptime rows). */
const MAX_DAYS = 366;

export function cameraHealthReportRoutes(deps: RateReportDeps) {
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'maintenance'), async (c) => {
      const q = parseOr400(rateReportQuery, c.req.query(), 'query');
      const today = localDate(Date.now(), deps.timezone);
      const to = q.to ?? today;
      const from = q.from ?? localDate(Date.parse(`${to}T12:00:00Z`) - 6 * 86_400_000, 'UTC');
      if (from > to) throw badRequest(`from (${from}) is after to (${to})`);
      if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS)
        throw badRequest(`at most ${MAX_DAYS} days in one report`);
      // A scoped reader gets its own districts' rows only (a district's rates count every camera in it).
      const scope = c.get('principal').scope;
      const rows = (await rateReport(deps, from, to, q.district)).filter((r) => districtInScope(scope, r.district));
      if (q.format === 'csv') {
        const csv = stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
        return c.body(csv, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="camera-health-${from}-${to}.csv"`,
        });
      }
      return c.json(rateReportView({ from, to, timezone: deps.timezone, target: deps.health.rates.target, rows }));
    })
    .put('/targets/:district', requireRole('admin'), async (c) => {
      const district = c.req.param('district');
      const b = await jsonBody(c, districtTargetBody);
      const p = c.get('principal');
      await deps.healthRepo.db.tx(async (t) => {
        await new HealthRepo(t).setTarget(district, b.expected, p.name);
        await new AuditRepo(t).append({
          actor: p.name,
          role: p.role,
          action: 'camera-health.target-set',
          target: district,
          details: { expected: b.expected },
        });
      });
      return c.json({ district, expected: b.expected });
    });
}
