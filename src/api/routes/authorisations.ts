// Authorisations for live face matching: anyone on duty may see them; only admins create, change or end them (audited).
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';
import type { FaceRouteDeps } from './face-deps.js';

const why = z.string({ error: 'why is required' }).trim().min(3, 'say why (at least 3 characters)');
const changeBody = z.looseObject({ why });
const endBody = z.strictObject({ reason: z.string({ error: 'reason is required' }).trim().min(3, 'give a reason (at least 3 characters)') });
const listQuery = z.strictObject({ include_ended: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() });

export function authorisationRoutes(deps: FaceRouteDeps) {
  const admin = requireRole('admin');
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const q = parseOr400(listQuery, c.req.query(), 'query');
      return c.json({ authorisations: await deps.authorisationRepo.list({ includeEnded: q.include_ended === 'true', limit: q.limit }) });
    })
    .get('/:id', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const a = await deps.authorisationRepo.get(uuidParam(c, 'id', 'authorisation'));
      if (!a) throw notFound('authorisation');
      return c.json(a);
    })
    .post('/', admin, async (c) => {
      const body = await jsonBody(c, z.unknown());
      return c.json(await deps.faceAuthorisations.create(body, c.get('principal')), 201);
    })
    .patch('/:id', admin, async (c) => {
      const { why: reason, ...patch } = await jsonBody(c, changeBody);
      const a = await deps.faceAuthorisations.change(uuidParam(c, 'id', 'authorisation'), patch, c.get('principal'), reason);
      if (!a) throw notFound('authorisation');
      return c.json(a);
    })
    .post('/:id/end', admin, async (c) => {
      const { reason } = await jsonBody(c, endBody);
      const a = await deps.faceAuthorisations.end(uuidParam(c, 'id', 'authorisation'), c.get('principal'), reason);
      if (!a) throw notFound('authorisation');
      return c.json(a);
    });
}
