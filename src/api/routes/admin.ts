// Admin views and changes: the audit log (with chain verification), failed queue jobs, API tokens, and every
// user's sign-in sessions (revocable).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Accounts } from '../../accounts/accounts.js';
import { endSession } from '../../accounts/sign-in.js';
import { toSessionView } from '../../accounts/views.js';
import { createToken, revokeToken, tokenCreateSchema } from '../../services/token-admin.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';

export const auditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('The nextAfter of the previous page'),
  action: z.string().optional().describe('Only entries of this action, e.g. hotlist.create'),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('Default 100'),
});

const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  total: z.number().int(),
  limit: z.number().int(),
  nextAfter: z.number().int().nullable(),
});
export const auditVerifySchema = z.object({
  entries: z.number().int(),
  brokenAt: z
    .number()
    .int()
    .nullable()
    .describe('The first entry whose hash does not follow from the one before; null when the chain holds'),
});
export const failedJobsSchema = z.object({
  failed: z.array(
    z.object({
      queue: z.string(),
      id: z.string().optional(),
      reason: z.string(),
      attempts: z.number().int(),
      data: z.unknown(),
      at: z.number().optional(),
    }),
  ),
});

export const tokensQuery = z.strictObject({
  /** Also list revoked tokens (with revokedAt). Default false. */
  includeRevoked: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const sessionsQuery = z.strictObject({
  /** Only this user's sessions. */
  userId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export function adminRoutes(deps: ApiDeps & { accounts: Accounts }) {
  const { ctx } = deps.accounts;
  return (
    new Hono<ApiEnv>()
      .use(requireRole('admin'))
      .get('/audit', async (c) => {
        const q = parseOr400(auditQuery, c.req.query(), 'query');
        const limit = q.limit ?? 100;
        const entries = await deps.audit.list({ afterSeq: q.after, action: q.action, limit });
        // The cursor is the last sequence number: pass it as after= for the next page.
        const nextAfter = entries.length === limit ? entries[entries.length - 1].seq : null;
        return c.json({ entries, total: await deps.audit.count({ action: q.action }), limit, nextAfter });
      })
      .get('/audit/verify', async (c) => c.json(await deps.audit.verify()))
      .get('/jobs/failed', async (c) => c.json({ failed: await deps.queues.failed() }))
      // The secret is in this answer only: the node keeps its hash.
      .post('/tokens', async (c) => {
        const body = await jsonBody(c, tokenCreateSchema);
        const p = c.get('principal');
        const { token, principal } = await createToken(deps.tokens, body, { name: p.name, role: p.role });
        return c.json(
          { token, id: principal.tokenId, name: principal.name, role: principal.role, subject: principal.subject },
          201,
        );
      })
      .get('/tokens', async (c) => {
        const q = parseOr400(tokensQuery, c.req.query(), 'query');
        return c.json({
          tokens: await deps.tokens.list({ includeRevoked: q.includeRevoked === 'true', limit: q.limit }),
        });
      })
      .delete('/tokens/:id', async (c) => {
        const p = c.get('principal');
        const revoked = await revokeToken(deps.tokens, uuidParam(c, 'id', 'token'), { name: p.name, role: p.role });
        if (!revoked) throw notFound('live token');
        return c.json({ revoked });
      })
      .get('/sessions', async (c) => {
        const q = parseOr400(sessionsQuery, c.req.query(), 'query');
        const p = c.get('principal');
        const list = await ctx.liveSessions({ userId: q.userId, limit: q.limit });
        return c.json({ sessions: list.map((s) => toSessionView(s, ctx.config, p.sessionId)) });
      })
      .delete('/sessions/:id', async (c) => {
        const p = c.get('principal');
        const ended = await endSession(ctx, uuidParam(c, 'id', 'session'), { name: p.name, role: p.role });
        if (!ended) throw notFound('live session');
        return c.json({ revoked: toSessionView(ended, ctx.config, p.sessionId) });
      })
  );
}
