// Investigators' plate-read search (exact, OCR-equivalent fuzzy, partial with wildcards), each search audited.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { notFound, parseOr400 } from '../errors.js';
import { purposeField } from '../purpose.js';

const searchQuery = z.strictObject({
  plate: z.string().trim().min(1).max(16).optional(),
  match: z.enum(['exact', 'fuzzy', 'partial']).default('exact'),
  camera: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Governance: every look-up says why (case number or purpose); it goes to the audit log. */
  purpose: purposeField,
});

export function plateReadRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator'), async (c) => {
      const q = parseOr400(searchQuery, c.req.query(), 'query');
      const reads = await deps.plateReads.search({
        plate: q.plate?.toUpperCase(),
        mode: q.match,
        cameraIds: q.camera ? q.camera.split(',') : undefined,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      });
      const p = c.get('principal');
      await deps.audit.append({ actor: p.name, role: p.role, action: 'search.plate_reads', target: q.plate ?? null, details: { ...q, results: reads.length } });
      return c.json({
        reads: reads.map((r) => ({ ...r, cropUrl: r.has_crop ? `/api/v1/plate-reads/${r.id}/crop.jpg` : null })),
        limit: q.limit,
        offset: q.offset,
      });
    })
    .get('/:id/crop.jpg', requireRole('admin', 'operator', 'investigator', 'checkpoint', 'unit'), async (c) => {
      const crop = await deps.plateReads.crop(c.req.param('id'));
      if (!crop) throw notFound('crop');
      return c.body(new Uint8Array(crop), 200, { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' });
    });
}
