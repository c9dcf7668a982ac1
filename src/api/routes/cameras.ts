// Cameras and their live health.
import { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { requireRole } from '../auth.js';

/** A worker that has not reported for this long is treated as gone, whatever it last said. */
const STALE_MS = 60_000;

export function cameraRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>().get('/', requireRole('admin', 'operator', 'investigator', 'checkpoint'), async (c) => {
    const [cameras, status] = await Promise.all([deps.cameras.list(), deps.cameraStatus.all()]);
    const now = Date.now();
    return c.json({
      cameras: cameras.map((cam) => {
        const s = status[cam.id];
        const state = !s ? 'unknown' : now - s.reportedAt > STALE_MS ? 'offline' : s.state;
        return { ...cam, status: s ? { ...s, state } : { state } };
      }),
    });
  });
}
