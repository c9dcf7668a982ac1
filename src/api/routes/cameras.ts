// The camera inventory: cameras with their live health and the node holding each; admins add, change, disable and remove them.
import { Hono } from 'hono';
import type { Lease } from '../../cluster/lease-store.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400 } from '../errors.js';
import type { ClusterApiDeps } from './nodes.js';
import type { CameraHealthStore, LiveHealth } from '../../health/health-store.js';
import { z } from 'zod';
import { cameraView } from '../../views/camera.js';
import { cameraInScope } from '../../domain/scope.js';

/** Every change says why (a work order or a reason); it goes to the audit log. */
export const cameraWhyQuery = z.object({
  why: z.string().trim().min(3, 'say why (at least 3 characters): a work order or a reason'),
});
/** The body's shape is checked by the inventory service against the YAML camera schema (src/config/schema.ts). */
export const cameraChangeBody = z.record(z.string(), z.unknown());

type CameraRouteDeps = Pick<ApiDeps, 'cameras' | 'cameraStatus'> &
  Partial<ClusterApiDeps> & { cameraHealth?: CameraHealthStore };

export function cameraRoutes(deps: CameraRouteDeps) {
  const readers = requireRole('admin', 'operator', 'investigator', 'checkpoint', 'maintenance');
  const inventory = () => {
    if (!deps.inventory) throw notFound('camera inventory service');
    return deps.inventory;
  };
  const holders = async (ids: string[]) => (deps.leases ? deps.leases.holders(ids) : new Map<string, Lease>());
  const why = (q: Record<string, string>) => parseOr400(cameraWhyQuery, q, 'query').why;
  return new Hono<ApiEnv>()
    .get('/', readers, async (c) => {
      const cameras = (await deps.cameras.inventory()).filter((cam) =>
        cameraInScope(c.get('principal').scope, cam.config),
      );
      const ids = cameras.map((cam) => cam.config.id);
      const [status, leases, health] = await Promise.all([
        deps.cameraStatus.all(),
        holders(ids),
        deps.cameraHealth?.all() ?? ({} as Record<string, LiveHealth>),
      ]);
      const admin = c.get('principal').role === 'admin';
      const view = (id: string) => ({ status: status[id], lease: leases.get(id), health: { live: health[id] }, admin });
      return c.json({ cameras: cameras.map((cam) => cameraView(cam, view(cam.config.id))) });
    })
    .get('/:id', readers, async (c) => {
      const cam = await deps.cameras.find(c.req.param('id'));
      if (!cam || cam.removedAt || !cameraInScope(c.get('principal').scope, cam.config))
        throw notFound(`camera ${c.req.param('id')}`);
      const [status, leases] = await Promise.all([deps.cameraStatus.all(), holders([cam.config.id])]);
      return c.json(
        cameraView(cam, {
          status: status[cam.config.id],
          lease: leases.get(cam.config.id),
          admin: c.get('principal').role === 'admin',
        }),
      );
    })
    .post('/', requireRole('admin'), async (c) => {
      const reason = why(c.req.query());
      const added = await inventory().add(await jsonBody(c, cameraChangeBody), c.get('principal'), reason);
      return c.json(cameraView(added, { admin: true }), 201);
    })
    .patch('/:id', requireRole('admin'), async (c) => {
      const reason = why(c.req.query());
      const changed = await inventory().change(
        c.req.param('id'),
        await jsonBody(c, cameraChangeBody),
        c.get('principal'),
        reason,
      );
      return c.json(cameraView(changed, { admin: true }));
    })
    .delete('/:id', requireRole('admin'), async (c) => {
      const reason = why(c.req.query());
      const removed = await inventory().remove(c.req.param('id'), c.get('principal'), reason);
      return c.json({ id: removed.config.id, removedAt: removed.removedAt?.toISOString() ?? null });
    });
}
