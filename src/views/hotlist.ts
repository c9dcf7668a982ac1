// A hotlist entry as the API answers it (plate watchlist), and the CSV import's result.
import { z } from 'zod';
import { HOTLIST_CATEGORIES, type HotlistEntry } from '../domain/hotlist.js';
import { pageOf, isoTime } from '../api/contract/route-doc.js';

export const hotlistEntryViewSchema = z.object({
  id: z.string().describe('UUID'),
  plate: z.string().nullable().describe('The listed plate, normalised; null for a pattern entry'),
  pattern: z.string().nullable().describe('? one character, * any run; null for a plate entry'),
  category: z.enum(HOTLIST_CATEGORIES),
  reason: z.string().describe('Why the plate is listed (shown with every hit)'),
  source: z.string().describe('Where the record came from: system, case number, bulletin'),
  addedBy: z.string(),
  priority: z.number().int().min(1).max(5).describe('1 is the most urgent'),
  expiresAt: isoTime,
  active: z.boolean().describe('Cleared instead of deleting, so alerts raised on the entry still resolve to it'),
  createdAt: isoTime,
  plateColour: z.string().nullable().describe('Only reads of this plate colour (or of no known colour) match'),
  vehicleType: z.string().nullable().describe('With a pattern: only reads of this vehicle type (or none known) match'),
  vehicleColour: z.string().nullable().describe('With a pattern: only reads of this vehicle colour (or none known)'),
});
export type HotlistEntryView = z.infer<typeof hotlistEntryViewSchema>;

export const hotlistPageSchema = pageOf('entries', hotlistEntryViewSchema);

export const hotlistImportSchema = z.object({
  imported: z.number().int(),
  errors: z.array(
    z.object({ row: z.number().int().describe('Spreadsheet row (the header is row 1)'), message: z.string() }),
  ),
  skipped: z
    .array(
      z.object({
        plate: z.string().nullable(),
        pattern: z.string().nullable(),
        category: z.string(),
        existingId: z.string(),
      }),
    )
    .describe('Rows already listed and live: left out, so a retried import adds nothing twice'),
});

export function hotlistEntryView(e: HotlistEntry): HotlistEntryView {
  return {
    id: e.id,
    plate: e.plate ?? null,
    pattern: e.pattern ?? null,
    category: e.category,
    reason: e.reason,
    source: e.source,
    addedBy: e.addedBy,
    priority: e.priority,
    expiresAt: e.expiresAt,
    active: e.active,
    createdAt: e.createdAt,
    plateColour: e.plateColour ?? null,
    vehicleType: e.vehicleType ?? null,
    vehicleColour: e.vehicleColour ?? null,
  };
}
