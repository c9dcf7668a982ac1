// The live camera view: GET /cameras/:id/live streams the camera as fragmented MP4 (for MediaSource), or as
// MJPEG (?format=mjpeg, for codecs the browser cannot play); one ffmpeg per camera and format shared by its
// viewers. GET /live lists what is being watched.
import { Hono } from 'hono';
import { ForbiddenError, LimitReachedError, UnavailableError } from '../../lib/errors.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { z } from 'zod';
import { notFound, parseOr400 } from '../errors.js';
import { withoutSignature } from '../media-url.js';
import { liveStreamsView } from '../../views/live.js';
import { FORMATS, LIVE_FORMATS } from '../../live/formats.js';
import type { LiveHub } from '../../live/live-hub.js';
import { TooManyViewers } from '../../live/live-hub.js';
import { CameraOffline } from '../../live/live-stream.js';
import { cameraInScope } from '../../domain/scope.js';

export interface LiveRouteDeps extends Pick<ApiDeps, 'config' | 'audit' | 'cameras'> {
  live: LiveHub;
}

export const liveQuery = z.strictObject({
  format: z.enum(LIVE_FORMATS).default('fmp4').describe('fmp4 (MediaSource) or mjpeg (multipart JPEGs)'),
});

/** A camera without picture: 503 with {camera, state: 'offline'}, which the page reads to say so. */
const offline = (message: string, camera: string) =>
  new UnavailableError(message, { extra: { camera, state: 'offline' } });

export function liveRoutes(deps: LiveRouteDeps) {
  return new Hono<ApiEnv>()
    .get('/cameras/:id/live', requireRole('admin', 'operator', 'checkpoint'), async (c) => {
      const { format } = parseOr400(liveQuery, withoutSignature(c.req.query()), 'query');
      const id = c.req.param('id');
      const p = c.get('principal');
      const camera = deps.config.cameras.find((cam) => cam.id === id);
      // A scoped operator's view ends at its scope: another district's camera is not there (404).
      if (!camera || !(await deps.cameras.get(id)) || !cameraInScope(p.scope, camera)) throw notFound(`camera ${id}`);
      if (p.role === 'checkpoint' && p.subject !== id)
        throw new ForbiddenError(`a checkpoint account sees its own camera (${p.subject}) only`);
      if (!camera.enabled) throw offline(`camera ${id} is disabled in the configuration`, id);
      let viewer;
      try {
        viewer = await deps.live.join(id, camera.source, format);
      } catch (err) {
        if (err instanceof TooManyViewers) throw new LimitReachedError(err.message);
        if (err instanceof CameraOffline) throw offline(err.message, id);
        throw err;
      }
      await deps.audit.append({
        actor: p.name,
        role: p.role,
        action: 'live.view',
        target: id,
        details: { camera: id, format, session: viewer.sessionId },
      });
      return new Response(viewer.body, {
        headers: {
          'content-type': FORMATS[format].contentType,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'x-codec': viewer.codec,
          'x-live-session': viewer.sessionId,
        },
      });
    })
    .get('/live', requireRole('admin'), (c) =>
      c.json(liveStreamsView(deps.live.list(), deps.live.config.maxViewersPerCamera)),
    );
}
