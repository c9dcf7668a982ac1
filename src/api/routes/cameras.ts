// The camera inventory: cameras with their live health and the node holding each; admins add, change, disable and remove them.
import { Hono } from 'hono';
import { z } from 'zod';
import { maskSource } from '../../cluster/inventory-service.js';
import type { Lease } from '../../cluster/lease-store.js';
import type { StoredCameraStatus } from '../../ingest/camera-status-store.js';
import type { InventoryCamera } from '../../store/camera-repo.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400 } from '../errors.js';
import type { ClusterApiDeps } from './nodes.js';
import { healthField, type CameraHealthStore } from '../../health/health-store.js';

/** A worker that has not reported for this long is treated as gone, whatever it last said. */
const STALE_MS = 60_000;

const why = z.string().trim().min(3, 'say why (at least 3 characters): a work order or a reason');
/** The body's shape is checked by the service against the YAML camera schema (src/config/schema.ts). */
const anyObject = z.record(z.string(), z.unknown());

type CameraRouteDeps = Pick<ApiDeps, 'cameras' | 'cameraStatus'> & Partial<ClusterApiDeps> & { cameraHealth?: CameraHealthStore };

function statusOf(s: StoredCameraStatus | undefined, enabled: boolean, now: number) {
  if (!enabled) return { state: 'disabled' };
  if (!s) return { state: 'unknown' };
  return { ...s, state: now - s.reportedAt > STALE_MS ? 'offline' : s.state };
}

/** One camera as the API shows it: the YAML fields, its health, and who runs it; the source (with its password masked) to admins only. */
function cameraView(cam: InventoryCamera, status: StoredCameraStatus | undefined, lease: Lease | undefined, admin: boolean, now = Date.now()) {
  const { source, ...fields } = cam.config;
  return {
    ...fields,
    // The page reads checkpoint_level (web/public/status.js) until it moves to checkpointLevel.
    checkpoint_level: fields.checkpointLevel ?? null,
    ...(admin ? { source: maskSource(source) } : {}),
    version: cam.version,
    updatedAt: cam.updatedAt.toISOString(),
    status: statusOf(status, cam.config.enabled, now),
    holder: lease ? { nodeId: lease.nodeId, since: new Date(lease.since).toISOString(), token: lease.token } : null,
  };
}

export function cameraRoutes(deps: CameraRouteDeps) {
  const readers = requireRole('admin', 'operator', 'investigator', 'checkpoint', 'maintenance');
  const inventory = () => {
    if (!deps.inventory) throw notFound('camera inventory service');
    return deps.inventory;
  };
  const holders = async (ids: string[]) => (deps.leases ? deps.leases.holders(ids) : new Map<string, Lease>());
  return new Hono<ApiEnv>()
    .get('/', readers, async (c) => {
      const cameras = await deps.cameras.inventory();
      const [status, leases, health] = await Promise.all([deps.cameraStatus.all(), holders(cameras.map((cam) => cam.config.id)), deps.cameraHealth?.all() ?? ({} as Record<string, never>)]);
      const admin = c.get('principal').role === 'admin';
      // health: 'ok', 'unknown' (no diagnostics report), or the faults raised now with since (src/health).
      return c.json({ cameras: cameras.map((cam) => ({ ...cameraView(cam, status[cam.config.id], leases.get(cam.config.id), admin), health: healthField(health[cam.config.id]) })) });
    })
    .get('/:id', readers, async (c) => {
      const cam = await deps.cameras.find(c.req.param('id'));
      if (!cam || cam.removedAt) throw notFound(`camera ${c.req.param('id')}`);
      const [status, leases] = await Promise.all([deps.cameraStatus.all(), holders([cam.config.id])]);
      return c.json(cameraView(cam, status[cam.config.id], leases.get(cam.config.id), c.get('principal').role === 'admin'));
    })
    .post('/', requireRole('admin'), async (c) => {
      const reason = parseOr400(why, c.req.query('why'), 'query why');
      const added = await inventory().add(await jsonBody(c, anyObject), c.get('principal'), reason);
      return c.json(cameraView(added, undefined, undefined, true), 201);
    })
    .patch('/:id', requireRole('admin'), async (c) => {
      const reason = parseOr400(why, c.req.query('why'), 'query why');
      const changed = await inventory().change(c.req.param('id'), await jsonBody(c, anyObject), c.get('principal'), reason);
      return c.json(cameraView(changed, undefined, undefined, true));
    })
    .delete('/:id', requireRole('admin'), async (c) => {
      const reason = parseOr400(why, c.req.query('why'), 'query why');
      const removed = await inventory().remove(c.req.param('id'), c.get('principal'), reason);
      return c.json({ id: removed.config.id, removedAt: removed.removedAt?.toISOString() ?? null });
    });
}
