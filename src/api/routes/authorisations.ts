// Authorisations for live face matching: anyone on duty may see them; only admins create, change or end them (audited).
import { Hono } from 'hono';
import { z } from 'zod';
import { authorisationChangeSchema, authorisationInputSchema } from '../../domain/face-authorisation.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';
import { nextOffset } from '../lists.js';
import { authorisationView } from '../../views/faces.js';
import type { FaceRouteDeps } from './face-deps.js';

const why = z.string({ error: 'why is required' }).trim().min(3, 'say why (at least 3 characters)').max(2000);
export const authorisationCreateBody = authorisationInputSchema;
export const authorisationChangeBody = authorisationChangeSchema.extend({ why });
export const authorisationEndBody = z.strictObject({
  reason: z.string({ error: 'reason is required' }).trim().min(3, 'give a reason (at least 3 characters)').max(2000),
});
export const authorisationListQuery = z.strictObject({
  includeEnded: z.enum(['true', 'false']).optional().describe('Also ended and past ones'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export function authorisationRoutes(deps: FaceRouteDeps) {
  const admin = requireRole('admin');
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const q = parseOr400(authorisationListQuery, c.req.query(), 'query');
      const includeEnded = q.includeEnded === 'true';
      const [list, total] = await Promise.all([
        deps.authorisationRepo.list({ includeEnded, limit: q.limit, offset: q.offset }),
        deps.authorisationRepo.count({ includeEnded }),
      ]);
      return c.json({
        authorisations: list.map(authorisationView),
        total,
        limit: q.limit,
        offset: q.offset,
        nextOffset: nextOffset(q.offset, list.length, total),
      });
    })
    .get('/:id', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const a = await deps.authorisationRepo.get(uuidParam(c, 'id', 'authorisation'));
      if (!a) throw notFound('authorisation');
      return c.json(authorisationView(a));
    })
    .post('/', admin, async (c) => {
      const body = await jsonBody(c, authorisationCreateBody);
      return c.json(authorisationView(await deps.faceAuthorisations.create(body, c.get('principal'))), 201);
    })
    .patch('/:id', admin, async (c) => {
      const { why: reason, ...patch } = await jsonBody(c, authorisationChangeBody);
      const a = await deps.faceAuthorisations.change(
        uuidParam(c, 'id', 'authorisation'),
        patch,
        c.get('principal'),
        reason,
      );
      if (!a) throw notFound('authorisation');
      return c.json(authorisationView(a));
    })
    .post('/:id/end', admin, async (c) => {
      const { reason } = await jsonBody(c, authorisationEndBody);
      const a = await deps.faceAuthorisations.end(uuidParam(c, 'id', 'authorisation'), c.get('principal'), reason);
      if (!a) throw notFound('authorisation');
      return c.json(authorisationView(a));
    });
}
