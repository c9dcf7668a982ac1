// Patrol units: list (with position freshness), position reports, and a unit's answers to an offer
// (acknowledge, arrived, resolved). Types: car, motorbike, foot, post; status: available, assigned,
// en_route, on_scene, off_duty.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Principal } from '../../store/token-repo.js';
import { reportUnitPosition } from '../../dispatch/unit-availability.js';
import { queueOfferWaiting } from '../../queues/dispatch-producer.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, uuidParam } from '../errors.js';
import { ConflictError, ForbiddenError } from '../../lib/errors.js';
import { scopeOf } from '../../services/scope-filter.js';
import { assignmentView } from '../../views/assignment.js';
import { unitView } from '../../views/unit.js';

export const positionBody = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** When the fix was taken (ISO); now when omitted. */
  at: z.iso.datetime({ offset: true }).optional(),
  /** Direction of travel, degrees from north, and speed, when the device knows them. */
  heading: z.number().min(0).lt(360).optional(),
  speedKmh: z.number().min(0).max(400).optional(),
  /** How far off the fix may be, metres (a browser's coords.accuracy). */
  accuracyM: z.number().min(0).max(100_000).optional(),
});

/** On or off duty by hand; the other statuses follow the unit's answers to offers (alert-service). */
export const statusBody = z.strictObject({
  status: z.enum(['available', 'off_duty']),
  reason: z.string().trim().min(3).max(500).optional(),
});

const availability = (deps: ApiDeps) => ({
  units: deps.units,
  queues: deps.queues,
  staleAfterSeconds: deps.config.dispatch.staleAfterSeconds,
});

/** A unit account speaks only for its own unit; operators and admins may act for any. */
function mustSpeakFor(p: Principal, unitId: string): void {
  if (p.role === 'unit' && p.subject !== unitId) {
    throw new ForbiddenError(`this token speaks for unit ${p.subject}, not ${unitId}`);
  }
}

/** A scoped operator acts only for the units of its districts; another district's unit answers 404, as an unknown one. */
async function mustCommand(deps: ApiDeps, p: Principal, unitId: string): Promise<void> {
  if (p.scope === null || p.role === 'unit') return;
  const unit = await deps.units.get(unitId);
  if (!unit || !scopeOf(deps).seesUnit(p, unit)) throw notFound(`unit ${unitId}`);
}

export function unitRoutes(deps: ApiDeps) {
  const answer = (kind: 'acknowledged' | 'arrived' | 'resolved') =>
    [
      requireRole('unit', 'operator', 'admin'),
      async (c: import('hono').Context<ApiEnv>) => {
        const unitId = c.req.param('id') as string;
        mustSpeakFor(c.get('principal'), unitId);
        await mustCommand(deps, c.get('principal'), unitId);
        const moved = await deps.alertService.unitAnswer(
          uuidParam(c, 'alertId', 'alert'),
          unitId,
          kind,
          c.get('principal'),
        );
        return c.json(assignmentView(moved));
      },
    ] as const;
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'checkpoint', 'unit'), async (c) => {
      // A scoped operator sees the units of its districts (a unit's own district, or its home grid's).
      const units = await deps.units.list({ districts: scopeOf(deps).unitDistricts(c.get('principal')) });
      const now = Date.now();
      return c.json({ units: units.map((u) => unitView(u, deps.config.dispatch.staleAfterSeconds, now)) });
    })
    .post('/:id/position', requireRole('unit', 'admin'), async (c) => {
      const unitId = c.req.param('id');
      mustSpeakFor(c.get('principal'), unitId);
      const body = await jsonBody(c, positionBody);
      const at = body.at ? new Date(body.at) : new Date();
      // A first fresh position makes the unit dispatchable: alerts waiting for a unit are offered to it.
      const ok = await reportUnitPosition(availability(deps), unitId, body.lat, body.lon, at, {
        heading: body.heading,
        speedKmh: body.speedKmh,
        accuracyM: body.accuracyM,
      });
      if (!ok) throw notFound(`unit ${unitId}`);
      return c.json({ ok: true });
    })
    .post('/:id/status', requireRole('unit', 'operator', 'admin'), async (c) => {
      const unitId = c.req.param('id');
      const p = c.get('principal');
      mustSpeakFor(p, unitId);
      await mustCommand(deps, p, unitId);
      const body = await jsonBody(c, statusBody);
      const from = body.status === 'available' ? 'off_duty' : 'available';
      if (!(await deps.units.get(unitId))) throw notFound(`unit ${unitId}`);
      // The status and its audit entry commit together.
      await deps.units.db.tx(async (t) => {
        if (!(await deps.units.on(t).setDuty(unitId, from, body.status))) {
          throw new ConflictError(
            `unit ${unitId} is not ${from}: assigned units change status by answering their offer`,
          );
        }
        await deps.audit.on(t).append({
          actor: p.name,
          role: p.role,
          action: 'unit.status',
          target: unitId,
          details: { from, to: body.status, reason: body.reason ?? null },
        });
      });
      if (body.status === 'available') await queueOfferWaiting(deps.queues, { unitId, trigger: 'available' });
      return c.json({ id: unitId, status: body.status });
    })
    .post('/:id/alerts/:alertId/ack', ...answer('acknowledged'))
    .post('/:id/alerts/:alertId/arrived', ...answer('arrived'))
    .post('/:id/alerts/:alertId/resolved', ...answer('resolved'));
}
