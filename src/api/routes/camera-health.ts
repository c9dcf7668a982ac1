// A camera's health on the API: faults now and their history with evidence pictures, the reference view
// re-learnt on a maintainer's word, and maintainers' confirmations of the camera's position on the map.
import { Hono } from 'hono';
import { z } from 'zod';
import { healthField, type CameraHealthStore } from '../../health/health-store.js';
import { faultView, locationConfirmationView, workOrderView } from '../../views/camera-health.js';
import { AuditRepo } from '../../store/audit-repo.js';
import { HealthRepo } from '../../store/health-repo.js';
import type { WorkOrderService } from '../../services/work-order-service.js';
import { evidencePath } from '../../services/work-order-service.js';
import { scopeOf } from '../../services/scope-filter.js';
import type { Principal } from '../../store/token-repo.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';

/** What the camera-health routes need beyond ApiDeps; they are mounted only when all are given. */
export interface HealthApiDeps {
  healthRepo: HealthRepo;
  cameraHealth: CameraHealthStore;
  workOrders: WorkOrderService;
}

type Deps = Pick<ApiDeps, 'cameras' | 'alerts' | 'bus' | 'audit'> & HealthApiDeps;

export const healthHistoryQuery = z.strictObject({
  /** Only episodes still open or cleared after this (ISO time). */
  from: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const locationConfirmationBody = z.strictObject({
  /** The position the maintainer checked on the map; default: the camera's registered one. */
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  note: z.string().trim().max(500).optional(),
});

export const relearnBody = z.strictObject({
  reason: z.string().trim().min(3, 'reason: say why the present view is right (at least 3 characters)').max(500),
});

export const HEALTH_READERS = ['admin', 'operator', 'maintenance'] as const;

export function cameraHealthRoutes(deps: Deps) {
  /** A known camera in the caller's scope; another district's camera answers 404, as an unknown one. */
  const camera = async (id: string, p: Principal) => {
    const cam = await deps.cameras.get(id);
    if (!cam) throw notFound(`camera ${id}`);
    await scopeOf(deps).mustSeeCamera(p, cam.id, `camera ${id}`);
    return cam;
  };
  return new Hono<ApiEnv>()
    .get('/:id/health', requireRole(...HEALTH_READERS), async (c) => {
      const cam = await camera(c.req.param('id'), c.get('principal'));
      const q = parseOr400(healthHistoryQuery, c.req.query(), 'query');
      const [live, faults, workOrders] = await Promise.all([
        deps.cameraHealth.get(cam.id),
        deps.healthRepo.history(cam.id, { from: q.from ? Date.parse(q.from) : undefined, limit: q.limit }),
        deps.workOrders.list({ cameraId: cam.id, limit: 50 }),
      ]);
      return c.json({
        cameraId: cam.id,
        diagnostics: healthField(live ?? undefined),
        learning: live?.learning ?? null,
        faults: faults.map((f) => faultView(f, f.hasEvidence ? evidencePath(f) : null)),
        workOrders: workOrders.map(workOrderView),
      });
    })
    .get('/:id/health/faults/:faultId/evidence.jpg', requireRole(...HEALTH_READERS), async (c) => {
      const id = uuidParam(c, 'faultId', 'fault');
      await camera(c.req.param('id'), c.get('principal'));
      const fault = await deps.healthRepo.fault(id);
      if (!fault || fault.cameraId !== c.req.param('id')) throw notFound(`fault ${id} of camera ${c.req.param('id')}`);
      const jpeg = await deps.healthRepo.evidence(id);
      if (!jpeg) throw notFound(`evidence picture of fault ${id}`);
      return c.body(new Uint8Array(jpeg), 200, {
        'content-type': 'image/jpeg',
        'cache-control': 'private, max-age=86400',
      });
    })
    .post('/:id/health/reference', requireRole('admin', 'maintenance'), async (c) => {
      const cam = await camera(c.req.param('id'), c.get('principal'));
      const b = await jsonBody(c, relearnBody);
      const p = c.get('principal');
      await deps.audit.append({
        actor: p.name,
        role: p.role,
        action: 'camera-health.relearn-reference',
        target: cam.id,
        details: { reason: b.reason },
      });
      await deps.bus.publish({
        type: 'camera-health',
        cameraId: cam.id,
        change: 'relearn-reference',
        at: Date.now(),
        data: { by: p.name, reason: b.reason },
      });
      return c.json({ cameraId: cam.id, relearn: 'requested' }, 202);
    })
    .post('/:id/location-confirmation', requireRole('admin', 'maintenance'), async (c) => {
      const cam = await camera(c.req.param('id'), c.get('principal'));
      const b = await jsonBody(c, locationConfirmationBody);
      const p = c.get('principal');
      const lat = b.lat ?? cam.lat;
      const lon = b.lon ?? cam.lon;
      // The confirmation and its audit entry commit together.
      const saved = await deps.healthRepo.db.tx(async (t) => {
        const row = await new HealthRepo(t).confirmLocation({
          cameraId: cam.id,
          lat,
          lon,
          confirmedBy: p.name,
          note: b.note ?? null,
        });
        await new AuditRepo(t).append({
          actor: p.name,
          role: p.role,
          action: 'camera.location-confirmed',
          target: cam.id,
          details: { lat, lon, registered: { lat: cam.lat, lon: cam.lon }, note: b.note ?? null },
        });
        return row;
      });
      return c.json(locationConfirmationView(saved), 201);
    });
}
