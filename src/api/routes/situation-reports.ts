// Situation reports (daily 日研判, weekly 周通报) per district: listed, made on demand, read as JSON, as
// the page's HTML, as PDF and CSV; subscriptions that send each new report to their subscriber.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { NotFoundError, UnavailableError } from '../../lib/errors.js';
import { reportCsv } from '../../situation/csv.js';
import { reportDocument, reportFragment } from '../../situation/html.js';
import type { SituationService } from '../../situation/situation-service.js';
import { districtInScope } from '../../domain/scope.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, parseOr400, uuidParam } from '../errors.js';

const period = z.enum(['day', 'week']);
const district = z.string().regex(/^[\w.-]{1,100}$/, 'a district name (letters, digits, _ . -)');
export const reportListQuery = z.strictObject({
  district: district.optional(),
  period: period.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const makeReportBody = z.strictObject({
  district,
  period,
  /** Local date of the first day; a week starts on a Monday. */
  startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD'),
});
export const pageQuery = z.strictObject({ document: z.enum(['true', 'false']).default('false') });
export const subscribeBody = z.strictObject({
  district,
  periods: z.array(period).min(1).max(2).default(['day', 'week']),
  /** Also POST each report here (signed with VIGIL_WEBHOOK_SECRET). */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .default(null),
});

export const storedReport = z.object({
  id: z.string(),
  district: z.string(),
  period,
  startDate: z.string(),
  from: z.string(),
  to: z.string(),
  trigger: z.enum(['schedule', 'request']),
  madeBy: z.string(),
  madeAt: z.string(),
  hasPdf: z.boolean(),
  pdfError: z.string().nullable(),
});
export const reportListResponse = z.object({ reports: z.array(storedReport) });
export const reportResponse = z.object({
  report: storedReport,
  data: z
    .record(z.string(), z.unknown())
    .describe("The report's figures (src/situation/report-data.ts: SituationData)"),
});
export const subscription = z.object({
  id: z.string(),
  district: z.string(),
  periods: z.array(period),
  subscriber: z.string(),
  personId: z.string(),
  webhookUrl: z.string().nullable(),
  createdAt: z.string(),
});
export const subscriptionListResponse = z.object({ subscriptions: z.array(subscription) });

export function situationReportRoutes(deps: { situation: SituationService }) {
  const readers = requireRole('admin', 'operator', 'investigator');
  const s = deps.situation;
  const actor = (p: { name: string; role: string; personId: string }) => ({
    name: p.name,
    role: p.role,
    personId: p.personId,
  });
  // A scoped reader sees (and makes, and subscribes to) its own districts' reports; another's answers 404.
  const inScope = (c: Context<ApiEnv>, district: string) => {
    if (!districtInScope(c.get('principal').scope, district))
      throw new NotFoundError(`district ${district} not found in your scope`);
  };
  const getReport = async (c: Context<ApiEnv>, id: string) => {
    const r = await s.get(id);
    if (!districtInScope(c.get('principal').scope, r.district))
      throw new NotFoundError(`situation report ${id} not found`);
    return r;
  };
  return new Hono<ApiEnv>()
    .get('/', readers, async (c) => {
      const q = parseOr400(reportListQuery, c.req.query(), 'query');
      const scope = c.get('principal').scope;
      return c.json({ reports: await s.reports.list({ ...q, districts: scope?.districts }) });
    })
    .post('/', requireRole('admin', 'operator'), async (c) => {
      const b = await jsonBody(c, makeReportBody);
      inScope(c, b.district);
      const r = await s.make(b.district, b.period, b.startDate, 'request', actor(c.get('principal')));
      return c.json(r, 201);
    })
    .get('/subscriptions', readers, async (c) => {
      const p = c.get('principal');
      return c.json({ subscriptions: await s.reports.subscriptions(p.role === 'admin' ? {} : { subscriber: p.name }) });
    })
    .post('/subscriptions', readers, async (c) => {
      const b = await jsonBody(c, subscribeBody);
      inScope(c, b.district);
      return c.json(await s.subscribe(actor(c.get('principal')), b.district, b.periods, b.webhookUrl), 201);
    })
    .delete('/subscriptions/:id', readers, async (c) => {
      await s.unsubscribe(actor(c.get('principal')), uuidParam(c, 'id', 'subscription'));
      return c.body(null, 204);
    })
    .get('/:id', readers, async (c) => {
      const { data, ...report } = await getReport(c, uuidParam(c, 'id', 'situation report'));
      return c.json({ report, data });
    })
    .get('/:id/page', readers, async (c) => {
      const q = parseOr400(pageQuery, c.req.query(), 'query');
      const r = await getReport(c, uuidParam(c, 'id', 'situation report'));
      return c.html(q.document === 'true' ? reportDocument(r.data) : reportFragment(r.data));
    })
    .get('/:id/report.pdf', readers, async (c) => {
      const r = await getReport(c, uuidParam(c, 'id', 'situation report'));
      const pdf = r.hasPdf ? await s.reports.pdf(r.id) : null;
      if (!pdf)
        throw new UnavailableError(
          `report ${r.id} has no PDF: ${r.pdfError ?? 'not rendered'}; its page and CSV are there`,
        );
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="situation-${r.district}-${r.period}-${r.startDate}.pdf"`,
      });
    })
    .get('/:id/report.csv', readers, async (c) => {
      const r = await getReport(c, uuidParam(c, 'id', 'situation report'));
      return c.body(reportCsv(r.data), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="situation-${r.district}-${r.period}-${r.startDate}.csv"`,
      });
    });
}
