// Checkpoint interception orders: order (operators), list and read (operators, admins, the checkpoints ordered), acknowledge, cancel.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import type { InterceptionService } from '../../services/interception-service.js';
import { scopeOf } from '../../services/scope-filter.js';
import type { Principal } from '../../store/token-repo.js';
import type { InterceptionView } from '../../views/interception.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { badRequest, jsonBody, parseOr400, uuidParam } from '../errors.js';
import { checkJson } from '../input-guard.js';

const cameraId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a camera id');
const reason = z.string().trim().min(3, 'give a reason (at least 3 characters)').max(500);

export const orderBody = z
  .strictObject({
    /** Order from a plate alert: plate, photo and hit come from it; reason defaults to the hotlist listing. */
    alertId: z.uuid().optional(),
    /** Or from a plate alone: the plate's latest read places it. */
    plate: z.string().trim().min(2).max(16).optional(),
    reason: reason.optional(),
    /** Explicit checkpoints; otherwise chosen from the hit (ahead along the heading, or within the radius). */
    cameraIds: z.array(cameraId).min(1).max(50).optional(),
  })
  .refine((b) => (b.alertId === undefined) !== (b.plate === undefined), {
    message: 'give either alertId or plate, not both',
    path: ['alertId'],
  })
  .refine((b) => b.alertId !== undefined || b.reason !== undefined, {
    message: 'an order for a plate needs a reason',
    path: ['reason'],
  });

export const interceptionListQuery = z.strictObject({
  status: z.enum(['open', 'closed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Only a checkpoint account names itself; operators and admins acknowledge on a checkpoint's behalf. */
export const ackBody = z.strictObject({ cameraId: cameraId.optional() });
export const cancelBody = z.strictObject({ reason });

/** An empty body is an empty object (POST /ack from a checkpoint needs nothing). */
async function optionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    throw badRequest('the body must be JSON (Content-Type: application/json), or empty');
  }
  checkJson(raw, 'body');
  return parseOr400(schema, raw, 'body');
}

const idOf = (c: Context) => uuidParam(c, 'id', 'interception order');

type Deps = { interceptions: InterceptionService } & Pick<ApiDeps, 'cameras' | 'alerts'>;

/**
 * A scoped operator's orders are those whose hit camera or a target lies in its scope; another district's
 * order answers 404, as an unknown one. A checkpoint's are those sent to it (the service decides).
 */
async function mustSeeOrder(deps: Deps, p: Principal, order: InterceptionView): Promise<InterceptionView> {
  if (p.role === 'checkpoint') return order;
  const cameras = [order.hit.cameraId, ...order.targets.map((t) => t.cameraId)];
  if (!(await scopeOf(deps).seesAnyCamera(p, cameras)))
    throw new NotFoundError(`interception order ${order.id} not found`);
  return order;
}

export function interceptionRoutes(deps: Deps) {
  const svc = deps.interceptions;
  const visible = async (id: string, p: Principal) => mustSeeOrder(deps, p, await svc.describe(id, p));
  return new Hono<ApiEnv>()
    .post('/', requireRole('admin', 'operator'), async (c) => {
      const body = await jsonBody(c, orderBody);
      const p = c.get('principal');
      // A scoped operator orders from its own district's hits, to its own district's checkpoints.
      const scope = scopeOf(deps);
      if (body.alertId) {
        const alert = await deps.alerts.get(body.alertId);
        if (alert) await scope.mustSeeCamera(p, alert.cameraId, `alert ${body.alertId}`);
      }
      for (const id of body.cameraIds ?? []) await scope.mustSeeCamera(p, id, `camera ${id}`);
      const order = body.alertId
        ? await svc.orderFromAlert(body.alertId, p, { reason: body.reason, cameraIds: body.cameraIds })
        : await svc.orderFromPlate(body.plate as string, body.reason as string, p, body.cameraIds);
      if (!order)
        throw new ConflictError(
          'an interception order for this alert was made at the same moment: see GET /interceptions',
        );
      return c.json(await svc.describe(order.id, p), 201);
    })
    .get('/', requireRole('admin', 'operator', 'checkpoint'), async (c) => {
      const q = parseOr400(interceptionListQuery, c.req.query(), 'query');
      const p = c.get('principal');
      const cameraIds = p.role === 'checkpoint' ? undefined : await scopeOf(deps).cameraIds(p);
      return c.json({ orders: await svc.list(p, q.status, q.limit, cameraIds) });
    })
    .get('/:id', requireRole('admin', 'operator', 'checkpoint'), async (c) =>
      c.json(await visible(idOf(c), c.get('principal'))),
    )
    .post('/:id/ack', requireRole('admin', 'operator', 'checkpoint'), async (c) => {
      const body = await optionalBody(c, ackBody);
      const p = c.get('principal');
      if (p.role === 'checkpoint' && body.cameraId && body.cameraId !== p.subject) {
        throw new ForbiddenError(`this token speaks for checkpoint ${p.subject}, not ${body.cameraId}`);
      }
      // A checkpoint not ordered is refused by the service (403); a scoped operator's other district is not found.
      if (p.role !== 'checkpoint') await visible(idOf(c), p);
      const order = await svc.acknowledge(idOf(c), p, body.cameraId);
      return c.json(await svc.describe(order.id, p));
    })
    .post('/:id/cancel', requireRole('admin', 'operator'), async (c) => {
      const body = await jsonBody(c, cancelBody);
      await visible(idOf(c), c.get('principal'));
      const order = await svc.cancel(idOf(c), body.reason, c.get('principal'));
      return c.json(await svc.describe(order.id, c.get('principal')));
    });
}
