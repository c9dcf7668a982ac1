// Maintenance work orders: listed by maintenance and the command room; acknowledged, noted and closed by maintenance.
import { Hono } from 'hono';
import { z } from 'zod';
import type { WorkOrderService } from '../../services/work-order-service.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
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

export function workOrderRoutes(deps: { workOrders: WorkOrderService }) {
  const workers = requireRole('admin', 'maintenance');
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'maintenance'), async (c) => {
      const q = parseOr400(workOrderListQuery, c.req.query(), 'query');
      const orders = await deps.workOrders.list({ status: q.status, cameraId: q.camera, limit: q.limit });
      return c.json({ workOrders: orders.map(workOrderView) });
    })
    .get('/:id', requireRole('admin', 'operator', 'maintenance'), async (c) =>
      c.json(workOrderView(await deps.workOrders.get(uuidParam(c, 'id', 'work order')))),
    )
    .post('/:id/acknowledge', workers, async (c) =>
      c.json(workOrderView(await deps.workOrders.acknowledge(uuidParam(c, 'id', 'work order'), c.get('principal')))),
    )
    .post('/:id/notes', workers, async (c) => {
      const id = uuidParam(c, 'id', 'work order');
      const b = await jsonBody(c, workOrderNoteBody);
      return c.json(workOrderView(await deps.workOrders.note(id, c.get('principal'), b.note)));
    })
    .post('/:id/close', workers, async (c) => {
      const id = uuidParam(c, 'id', 'work order');
      const b = await jsonBody(c, workOrderCloseBody);
      return c.json(workOrderView(await deps.workOrders.close(id, c.get('principal'), b.repair, b.relearnReference)));
    });
}
