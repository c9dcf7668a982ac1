// Maintenance work orders: listed by maintenance and the command room; acknowledged, noted and closed by maintenance.
import { Hono } from 'hono';
import { z } from 'zod';
import type { WorkOrderService } from '../../services/work-order-service.js';
import { scopeOf } from '../../services/scope-filter.js';
import type { Principal } from '../../store/token-repo.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, parseOr400, uuidParam } from '../errors.js';
import { workOrderView } from '../../views/camera-health.js';

export const workOrderListQuery = z.strictObject({
  /** open, acknowledged, closed, or active (open or acknowledged). Default: all. */
  status: z.enum(['open', 'acknowledged', 'closed', 'active']).optional(),
  camera: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const workOrderNoteBody = z.strictObject({
  note: z.string().trim().min(3, 'note: at least 3 characters').max(2000),
});
export const workOrderCloseBody = z.strictObject({
  /** What was repaired (kept as the order's last note). */
  repair: z.string().trim().min(3, 'repair: say what was done (at least 3 characters)').max(2000),
  /** The camera was moved on purpose (or put back): its present view becomes the reference. Default false. */
  relearnReference: z.boolean().default(false),
});

type Deps = { workOrders: WorkOrderService } & Pick<ApiDeps, 'cameras' | 'alerts'>;

export function workOrderRoutes(deps: Deps) {
  const workers = requireRole('admin', 'maintenance');
  /** The order's id, once the caller may see its camera (scoped roles: another district's order is not found). */
  const visible = async (id: string, p: Principal) => {
    const order = await deps.workOrders.get(id);
    await scopeOf(deps).mustSeeCamera(p, order.cameraId, `work order ${id}`);
    return order;
  };
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'maintenance'), async (c) => {
      const q = parseOr400(workOrderListQuery, c.req.query(), 'query');
      const cameraIds = await scopeOf(deps).cameraIds(c.get('principal'));
      const orders = await deps.workOrders.list({ status: q.status, cameraId: q.camera, cameraIds, limit: q.limit });
      return c.json({ workOrders: orders.map(workOrderView) });
    })
    .get('/:id', requireRole('admin', 'operator', 'maintenance'), async (c) =>
      c.json(workOrderView(await visible(uuidParam(c, 'id', 'work order'), c.get('principal')))),
    )
    .post('/:id/acknowledge', workers, async (c) => {
      const id = (await visible(uuidParam(c, 'id', 'work order'), c.get('principal'))).id;
      return c.json(workOrderView(await deps.workOrders.acknowledge(id, c.get('principal'))));
    })
    .post('/:id/notes', workers, async (c) => {
      const id = (await visible(uuidParam(c, 'id', 'work order'), c.get('principal'))).id;
      const b = await jsonBody(c, workOrderNoteBody);
      return c.json(workOrderView(await deps.workOrders.note(id, c.get('principal'), b.note)));
    })
    .post('/:id/close', workers, async (c) => {
      const id = (await visible(uuidParam(c, 'id', 'work order'), c.get('principal'))).id;
      const b = await jsonBody(c, workOrderCloseBody);
      return c.json(workOrderView(await deps.workOrders.close(id, c.get('principal'), b.repair, b.relearnReference)));
    });
}
