// Retrospective face search by photo (investigators and admins; purpose required, audited), filtered by time,
// cameras and area, each result linked to its footage; and face sighting crops.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { badRequest, notFound, parseOr400, uuidParam } from '../errors.js';
import { UnprocessableError } from '../../lib/errors.js';
import { readMultipart, type FaceRouteDeps } from './face-deps.js';
import { purposeField } from '../purpose.js';
import { areaOf, footageUrl, whereFields } from '../footage-search.js';
import { scopeOf } from '../../services/scope-filter.js';
import { faceSearchResultView } from '../../views/faces.js';

export const faceSearchFields = z.strictObject({
  purpose: purposeField,
  camera: z.string().max(2000).optional().describe('Camera ids, comma-separated'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...whereFields,
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export function faceSearchRoutes(deps: FaceRouteDeps) {
  return (
    new Hono<ApiEnv>()
      .post('/search', requireRole('admin', 'investigator'), async (c) => {
        const form = await readMultipart(c, deps.log);
        const q = parseOr400(faceSearchFields, form.fields, 'fields');
        const photo = form.files.find((f) => f.field === 'photo' || f.field === 'photos');
        if (!photo) throw badRequest('send the face to search for as a file in the field "photo"');
        const area = areaOf(q);
        const result = await deps.faceSearch.search(
          photo.bytes,
          // Searched within the searcher's scope only (this search takes a purpose, not a case).
          {
            purpose: q.purpose,
            cameraIds: await scopeOf(deps).narrow(c.get('principal'), q.camera?.split(',')),
            area,
            from: q.from ? new Date(q.from) : undefined,
            to: q.to ? new Date(q.to) : undefined,
            limit: q.limit,
          },
          c.get('principal'),
        );
        if (!result.ok) throw new UnprocessableError(result.message);
        const access = { purpose: q.purpose, case: null };
        return c.json({
          scanned: result.scanned,
          results: result.results.map((r) =>
            faceSearchResultView(r, footageUrl(r.cameraId, r.firstSeen, r.lastSeen, access)),
          ),
        });
      })
      // A unit sees the camera's face of a hit offered to it (who to look for); scopeOf decides which crops.
      .get('/sightings/:id/crop.jpg', requireRole('admin', 'operator', 'investigator', 'unit'), async (c) => {
        const id = uuidParam(c, 'id', 'face sighting');
        if (!(await scopeOf(deps).mayFetchFaceCrop(c.get('principal'), id))) throw notFound('face crop');
        const crop = await deps.faceSightings.crop(id);
        if (!crop) throw notFound('face crop');
        return c.body(new Uint8Array(crop), 200, {
          'content-type': 'image/jpeg',
          'cache-control': 'private, no-store',
        });
      })
  );
}
