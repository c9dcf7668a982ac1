// Hotlist CRUD and CSV import; every change needs a reason and is audited by the service.
import { Hono } from 'hono';
import { z } from 'zod';
import { HOTLIST_CATEGORIES } from '../../domain/hotlist.js';
import { plateColourField, vehicleColourField, vehicleTypeField } from '../../domain/vehicle-attributes.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { nextOffset } from '../lists.js';
import { BadInputError } from '../../lib/errors.js';
import { hotlistEntryView } from '../../views/hotlist.js';
import { badRequest, jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';

export const hotlistWhy = z.string().trim().min(3, 'say why (at least 3 characters): a case number or a reason');

/** Checked in full by the service against the domain schema (HotlistEntryInputSchema), which names each fault. */
export const hotlistCreateBody = z.strictObject({
  plate: z.string().optional(),
  pattern: z.string().optional(),
  category: z.string(),
  reason: z.string(),
  source: z.string(),
  priority: z.number().optional(),
  expiresAt: z.string().describe('ISO time, required: no open-ended listings'),
  plateColour: z
    .string()
    .optional()
    .describe('blue, yellow, green, white or black: only reads of that colour, or of no known colour, match'),
  vehicleType: z
    .string()
    .optional()
    .describe('car, truck, bus or motorcycle; with a pattern only (a vehicle description with a partial plate)'),
  vehicleColour: z
    .string()
    .optional()
    .describe('white, black, grey, silver, red, blue, yellow, green or brown; with a pattern only'),
  why: hotlistWhy,
});

export const hotlistPatchBody = z.strictObject({
  category: z.enum(HOTLIST_CATEGORIES).optional(),
  reason: z.string().trim().min(1).optional(),
  source: z.string().trim().min(1).optional(),
  priority: z.number().int().min(1).max(5).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  active: z.boolean().optional(),
  /** null clears it (the entry matches whatever the read says). */
  plateColour: plateColourField.nullable().optional(),
  vehicleType: vehicleTypeField.nullable().optional(),
  vehicleColour: vehicleColourField.nullable().optional(),
  why: hotlistWhy,
});

export const hotlistListQuery = z.strictObject({
  plate: z.string().optional(),
  category: z.string().optional(),
  includeInactive: z.enum(['true', 'false']).optional().describe('true: also expired and deactivated entries'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export const hotlistWhyQuery = z.object({ why: hotlistWhy });

export function hotlistRoutes(deps: ApiDeps) {
  const editors = requireRole('admin', 'operator');
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator', 'checkpoint'), async (c) => {
      const q = parseOr400(hotlistListQuery, c.req.query(), 'query');
      const filter = {
        plate: q.plate,
        category: q.category,
        includeInactive: q.includeInactive === 'true',
        limit: q.limit ?? 100,
        offset: q.offset ?? 0,
      };
      const { entries, total } = await deps.hotlistRepo.page(filter);
      return c.json({
        entries: entries.map(hotlistEntryView),
        total,
        limit: filter.limit,
        offset: filter.offset,
        nextOffset: nextOffset(filter.offset, entries.length, total),
      });
    })
    .get('/:id', requireRole('admin', 'operator', 'investigator', 'checkpoint'), async (c) => {
      const entry = await deps.hotlistRepo.get(uuidParam(c, 'id', 'hotlist entry'));
      if (!entry) throw notFound('hotlist entry');
      return c.json(hotlistEntryView(entry));
    })
    .post('/', editors, async (c) => {
      const { why: reasonForChange, ...raw } = await jsonBody(c, hotlistCreateBody);
      const entry = await deps.hotlist.create(
        raw as Parameters<typeof deps.hotlist.create>[0],
        c.get('principal'),
        reasonForChange,
      );
      return c.json(hotlistEntryView(entry), 201);
    })
    .patch('/:id', editors, async (c) => {
      const id = uuidParam(c, 'id', 'hotlist entry');
      const { why: reasonForChange, ...patch } = await jsonBody(c, hotlistPatchBody);
      const entry = await deps.hotlist.update(id, patch, c.get('principal'), reasonForChange);
      if (!entry) throw notFound('hotlist entry');
      return c.json(hotlistEntryView(entry));
    })
    .delete('/:id', editors, async (c) => {
      const id = uuidParam(c, 'id', 'hotlist entry');
      const reasonForChange = parseOr400(hotlistWhyQuery, c.req.query(), 'query').why;
      const entry = await deps.hotlist.deactivate(id, c.get('principal'), reasonForChange);
      if (!entry) throw notFound('hotlist entry');
      return c.json(hotlistEntryView(entry));
    })
    .post('/import', editors, async (c) => {
      const reasonForChange = parseOr400(hotlistWhyQuery, c.req.query(), 'query').why;
      const type = c.req.header('content-type') ?? '';
      if (!/text\/csv|text\/plain/.test(type)) throw badRequest('send the CSV as the body with Content-Type: text/csv');
      const result = await deps.hotlist.importCsv(await c.req.text(), c.get('principal'), reasonForChange);
      if (result.errors.length && !result.imported) {
        throw new BadInputError(
          `no row was imported: fix the rows listed in details (${result.errors.length})`,
          result.errors.map((e) => ({ field: `row ${e.row}`, message: e.message })),
          { extra: result },
        );
      }
      return c.json(result);
    });
}
