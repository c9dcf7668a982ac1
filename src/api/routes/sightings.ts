// Investigators' search of tracked people and vehicles by class, camera, area, time and plate, paged by
// offset, each result linked to its footage; every search audited.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { notFound, parseOr400, uuidParam } from '../errors.js';
import { nextOffset, TOTAL_CAP } from '../lists.js';
import { caseGrant, scopeOf, withCase } from '../../services/scope-filter.js';
import { MediaRefRepo } from '../../store/media-ref-repo.js';
import { sightingView } from '../../views/sighting.js';
import { vehicleColourFilter, vehicleTypeField } from '../../domain/vehicle-attributes.js';
import {
  accessOf,
  areaOf,
  footageUrl,
  nextOffset as nextPage,
  recordSearch,
  whereFields,
  whyFields,
} from '../footage-search.js';

export const sightingSearchQuery = z.strictObject({
  label: z.string().optional(),
  camera: z.string().optional(),
  plate: z.string().trim().min(2).max(16).optional(),
  /** A sighting's type is its label: vehicleType narrows label to that class. */
  vehicleType: vehicleTypeField.optional(),
  vehicleColour: vehicleColourFilter.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...whereFields,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  ...whyFields,
});

export function sightingRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const q = parseOr400(sightingSearchQuery, c.req.query(), 'query');
      const access = await accessOf(q, deps.cases);
      const { rows, total, exact } = await deps.sightings.page(
        {
          labels: labelsOf(q),
          cameraIds: await scopeOf(deps).narrow(c.get('principal'), q.camera?.split(','), access.case?.grants),
          area: areaOf(q),
          plate: q.plate?.toUpperCase(),
          vehicleColour: q.vehicleColour,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          limit: q.limit,
          offset: q.offset,
        },
        TOTAL_CAP,
      );
      const { purpose: _p, case: _c, ...params } = q;
      await recordSearch(c, deps, {
        action: 'search.sightings',
        target: q.plate ?? q.label ?? null,
        access,
        details: { ...params, results: rows.length },
      });
      return c.json({
        sightings: rows.map((r) => {
          const cropUrl = withCase(r.hasCrop ? `/api/v1/sightings/${r.id}/crop.jpg` : null, access);
          return sightingView(r, { cropUrl, footageUrl: footageUrl(r.cameraId, r.firstSeen, r.lastSeen, access) });
        }),
        total,
        totalExact: exact,
        limit: q.limit,
        offset: q.offset,
        nextOffset: exact ? nextOffset(q.offset, rows.length, total) : nextPage(rows.length, q.limit, q.offset),
      });
    })
    .get('/:id/crop.jpg', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const id = uuidParam(c, 'id', 'sighting');
      const cameraId = await new MediaRefRepo(deps.alerts.db).sightingCamera(id);
      const grant = await caseGrant(c.req.query('case'), deps.cases);
      if (!cameraId || !(await scopeOf(deps).seesCamera(c.get('principal'), cameraId, grant))) throw notFound('crop');
      const crop = await deps.sightings.crop(id);
      if (!crop) throw notFound('crop');
      return c.body(new Uint8Array(crop), 200, {
        'content-type': 'image/jpeg',
        'cache-control': 'private, max-age=3600',
      });
    });
}

/** label=car,person with vehicleType=car: the classes in both (none when they do not meet). */
function labelsOf(q: { label?: string; vehicleType?: string }): string[] | undefined {
  const labels = q.label?.split(',');
  if (!q.vehicleType) return labels;
  return !labels || labels.includes(q.vehicleType) ? [q.vehicleType] : [];
}
