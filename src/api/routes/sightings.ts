// Investigators' search of tracked people and vehicles by class, camera, time and plate; audited.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { notFound, parseOr400 } from '../errors.js';
import { purposeField } from '../purpose.js';

const searchQuery = z.strictObject({
  label: z.string().optional(),
  camera: z.string().optional(),
  plate: z.string().trim().min(2).max(16).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  purpose: purposeField,
});

export function sightingRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const q = parseOr400(searchQuery, c.req.query(), 'query');
      const rows = await deps.sightings.search({
        labels: q.label?.split(','),
        cameraIds: q.camera?.split(','),
        plate: q.plate?.toUpperCase(),
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      });
      const p = c.get('principal');
      await deps.audit.append({ actor: p.name, role: p.role, action: 'search.sightings', target: q.plate ?? q.label ?? null, details: { ...q, results: rows.length } });
      return c.json({ sightings: rows.map((r) => ({ ...r, cropUrl: r.has_crop ? `/api/v1/sightings/${r.id}/crop.jpg` : null })), limit: q.limit, offset: q.offset });
    })
    .get('/:id/crop.jpg', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const crop = await deps.sightings.crop(c.req.param('id'));
      if (!crop) throw notFound('crop');
      return c.body(new Uint8Array(crop), 200, { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' });
    });
}
