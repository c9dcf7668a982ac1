// Investigators' plate-read search (exact, OCR-equivalent fuzzy, partial with wildcards; by time, cameras,
// area and direction of travel), paged by offset, each result linked to its footage; every search audited.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { notFound, parseOr400, uuidParam } from '../errors.js';
import { nextOffset, TOTAL_CAP } from '../lists.js';
import { caseGrant, scopeOf, withCase } from '../../services/scope-filter.js';
import { plateReadView } from '../../views/plate-read.js';
import { plateColourFilter, vehicleColourFilter, vehicleTypeFilter } from '../../domain/vehicle-attributes.js';
import {
  accessOf,
  areaOf,
  directionFields,
  directionOf,
  footageUrl,
  nextOffset as nextPage,
  recordSearch,
  whereFields,
  whyFields,
} from '../footage-search.js';

export const plateReadSearchQuery = z.strictObject({
  /** Partial: `?` one character, `*` any run; the known part may sit anywhere in the plate. */
  plate: z.string().trim().min(1).max(16).optional(),
  match: z.enum(['exact', 'fuzzy', 'partial']).default('exact'),
  camera: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...whereFields,
  ...directionFields,
  /** The read's stored attributes (the camera path's classifiers, or the ANPR camera's own words). */
  plateColour: plateColourFilter.optional(),
  vehicleType: vehicleTypeFilter.optional(),
  vehicleColour: vehicleColourFilter.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  /** Governance: every look-up says why (purpose or case number); it goes to the audit log. */
  ...whyFields,
});

export function plateReadRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const q = parseOr400(plateReadSearchQuery, c.req.query(), 'query');
      const access = await accessOf(q, deps.cases);
      const area = areaOf(q);
      const direction = directionOf(q);
      const query = {
        plate: q.plate?.toUpperCase(),
        mode: q.match,
        // Limited to the searcher's scope, widened by the case's grant when searching under a case.
        cameraIds: await scopeOf(deps).narrow(
          c.get('principal'),
          q.camera ? q.camera.split(',') : undefined,
          access.case?.grants,
        ),
        area,
        direction,
        plateColour: q.plateColour,
        vehicleType: q.vehicleType,
        vehicleColour: q.vehicleColour,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      };
      const reads = await deps.plateReads.search(query);
      const counted = await deps.plateReads.count(query, TOTAL_CAP);
      const { purpose: _p, case: _c, ...params } = q;
      await recordSearch(c, deps, {
        action: 'search.plate_reads',
        target: q.plate ?? null,
        access,
        details: { ...params, results: reads.length },
      });
      return c.json({
        reads: reads.map((r) => {
          const cropUrl = withCase(r.hasCrop ? `/api/v1/plate-reads/${r.id}/crop.jpg` : null, access);
          return plateReadView(r, { cropUrl, footageUrl: footageUrl(r.cameraId, r.firstSeen, r.lastSeen, access) });
        }),
        total: counted.total,
        totalExact: counted.exact,
        limit: q.limit,
        offset: q.offset,
        nextOffset: counted.exact
          ? nextOffset(q.offset, reads.length, counted.total)
          : nextPage(reads.length, q.limit, q.offset),
      });
    })
    .get('/:id/crop.jpg', requireRole('admin', 'operator', 'investigator', 'checkpoint', 'unit'), async (c) => {
      const id = uuidParam(c, 'id', 'plate read');
      // A checkpoint gets its own camera's crops (and those it was shown), a unit those of its offers, others their scope.
      const read = await deps.plateReads.get(id);
      const grant = await caseGrant(c.req.query('case'), deps.cases);
      if (!read || !(await scopeOf(deps).mayFetchPlateCrop(c.get('principal'), { id, cameraId: read.cameraId }, grant)))
        throw notFound('crop');
      const crop = await deps.plateReads.crop(id);
      if (!crop) throw notFound('crop');
      return c.body(new Uint8Array(crop), 200, {
        'content-type': 'image/jpeg',
        'cache-control': 'private, max-age=3600',
      });
    });
}
