// Incidents: raised by the command room (from a call or a confirmed hit), read, answered leg by leg by units, closed.
import { Hono, type Context } from 'hono';
import type { IncidentService } from '../../incidents/incident-service.js';
import { ForbiddenError } from '../../lib/errors.js';
import { requireRole } from '../auth.js';
import { closeIncidentBody, incidentListQuery, raiseIncidentBody } from '../contract/patrol-docs.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, parseOr400, uuidParam } from '../errors.js';

const idOf = (c: Context) => uuidParam(c, 'id', 'incident');

export function incidentRoutes(deps: { incidents: IncidentService }) {
  const svc = deps.incidents;
  const answer = (kind: 'acknowledged' | 'arrived') =>
    [
      requireRole('admin', 'operator', 'unit'),
      async (c: Context<ApiEnv>) =>
        c.json(await svc.answer(idOf(c), uuidParam(c, 'legId', 'leg'), kind, c.get('principal'))),
    ] as const;
  return (
    new Hono<ApiEnv>()
      .post('/', requireRole('admin', 'operator'), async (c) => {
        const body = await jsonBody(c, raiseIncidentBody);
        return c.json(await svc.raise(body, c.get('principal')), 201);
      })
      .get('/', requireRole('admin', 'operator'), async (c) => {
        const q = parseOr400(incidentListQuery, c.req.query(), 'query');
        return c.json({ incidents: await svc.list(q, c.get('principal')) });
      })
      // Before /:id: the types the command room picks from, as configured (incidents.types).
      .get('/types', requireRole('admin', 'operator'), (c) => c.json({ types: svc.types() }))
      .get('/:id', requireRole('admin', 'operator', 'unit'), async (c) => {
        const p = c.get('principal');
        const view = await svc.get(idOf(c), p);
        // A unit reads only the incidents it was offered.
        if (p.role === 'unit' && !view.legs.some((l) => l.unitId === p.subject))
          throw new ForbiddenError('this unit was not offered this incident');
        return c.json(view);
      })
      .post('/:id/legs/:legId/ack', ...answer('acknowledged'))
      .post('/:id/legs/:legId/arrived', ...answer('arrived'))
      .post('/:id/close', requireRole('admin', 'operator'), async (c) => {
        const body = await jsonBody(c, closeIncidentBody);
        return c.json(await svc.close(idOf(c), body.status, body.note, c.get('principal')));
      })
  );
}
