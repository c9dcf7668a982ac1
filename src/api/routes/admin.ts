// Admin views: the audit log (with chain verification) and failed queue jobs.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { parseOr400 } from '../errors.js';

const auditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  action: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export function adminRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .use(requireRole('admin'))
    .get('/audit', async (c) => {
      const q = parseOr400(auditQuery, c.req.query(), 'query');
      return c.json({ entries: await deps.audit.list({ afterSeq: q.after, action: q.action, limit: q.limit }) });
    })
    .get('/audit/verify', async (c) => c.json(await deps.audit.verify()))
    .get('/jobs/failed', async (c) => c.json({ failed: await deps.queues.failed() }));
}
