// Hotlist (plate watchlist) entries: the zod schemas every entry passes through, and their types.
import { z } from 'zod';
import { normalisePlate } from './plate-text.js';
import { plateColourField, vehicleColourField, vehicleTypeField } from './vehicle-attributes.js';

export const HOTLIST_CATEGORIES = [
  'stolen_vehicle',
  'wanted',
  'suspect_vehicle',
  'missing_person',
  'fake_plate',
  'other',
] as const;
export type HotlistCategory = (typeof HOTLIST_CATEGORIES)[number];

/**
 * Hotlist keys use the reader's normaliser (full-width to half-width, uppercase, separators
 * dropped), so a listed plate and a read of it always meet on the same string. `?` and `*` are
 * not separators, so patterns pass through intact.
 */
export function normaliseForHotlist(text: string): string {
  return normalisePlate(text);
}

/** Stored plates: a Han character (province, or a suffix such as 警/学/挂) or A-Z, 0-9. */
const PLATE_RE = /^[\p{Script=Han}A-Z0-9]{2,10}$/u;
const PATTERN_RE = /^[\p{Script=Han}A-Z0-9?*]{1,16}$/u;
/**
 * A pattern with fewer literal characters matches a large share of all traffic (`粤?*`), which
 * floods the command room and turns a watchlist into mass tracking; two is the floor.
 */
export const MIN_PATTERN_LITERALS = 2;

const plateField = z
  .string()
  .transform(normaliseForHotlist)
  .pipe(z.string().regex(PLATE_RE, { error: 'expected a plate of 2-10 characters (Chinese, A-Z, 0-9)' }));

const patternField = z
  .string()
  .transform(normaliseForHotlist)
  .pipe(
    z
      .string()
      .regex(PATTERN_RE, { error: 'expected a pattern of Chinese, A-Z, 0-9, ? (one character) and * (any run)' })
      .refine((p) => p.replace(/[?*]/g, '').length >= MIN_PATTERN_LITERALS, {
        error: `expected at least ${MIN_PATTERN_LITERALS} literal characters besides ? and *`,
      }),
  );

const priorityError = { error: 'expected a whole number from 1 (highest) to 5' };
const nonEmpty = (what: string) => {
  const error = { error: `expected ${what} (non-empty)` };
  return z.string(error).trim().min(1, error);
};

const entryInputFields = z.strictObject({
  plate: plateField.optional(),
  pattern: patternField.optional(),
  category: z.enum(HOTLIST_CATEGORIES, { error: `expected one of ${HOTLIST_CATEGORIES.join(', ')}` }),
  reason: nonEmpty('why the plate is listed'),
  /** Where the record came from (system, case number, bulletin): needed to audit and to expire it. */
  source: nonEmpty('where the record came from'),
  addedBy: nonEmpty('who added the entry'),
  /** 1 is the most urgent; 3 unless said otherwise. */
  priority: z.number(priorityError).int(priorityError).min(1, priorityError).max(5, priorityError).default(3),
  /** Required: governance forbids open-ended listings. */
  expiresAt: z.iso.datetime({ offset: true, error: 'expected an ISO date such as 2027-01-31T00:00:00Z' }),
  /** The plate's colour: only reads of that colour (or of no known colour) match. */
  plateColour: plateColourField.optional(),
  /** A vehicle description, with a pattern only: reads of another type or colour do not match. */
  vehicleType: vehicleTypeField.optional(),
  vehicleColour: vehicleColourField.optional(),
});

/**
 * Exactly one of plate/pattern: an entry with both would be ambiguous about what matched; a vehicle
 * description narrows a partial plate, so it needs a pattern (plateColour goes with either). Checked
 * even when other fields fail (`when`), so an import reports every fault of a row at once.
 */
function exactlyOneTarget<T extends z.ZodType<{ plate?: string; pattern?: string }>>(schema: T) {
  const count = (v: unknown) => {
    const o = (v ?? {}) as { plate?: unknown; pattern?: unknown };
    return (o.plate ? 1 : 0) + (o.pattern ? 1 : 0);
  };
  const always = { when: () => true };
  const described = (v: unknown) => {
    const o = (v ?? {}) as { plate?: unknown; vehicleType?: unknown; vehicleColour?: unknown };
    return Boolean(o.plate) && Boolean(o.vehicleType || o.vehicleColour);
  };
  return schema
    .refine((v) => count(v) >= 1, { ...always, path: ['plate'], message: 'expected a plate or a pattern' })
    .refine((v) => count(v) <= 1, { ...always, path: ['pattern'], message: 'expected a plate or a pattern, not both' })
    .refine((v) => !described(v), {
      ...always,
      path: ['vehicleType'],
      message: 'a vehicle description (vehicleType, vehicleColour) goes with a pattern; a whole plate matches alone',
    });
}

export const HotlistEntryInputSchema = exactlyOneTarget(entryInputFields);
/** An entry as it arrives (priority may be omitted). */
export type HotlistEntryInputRaw = z.input<typeof HotlistEntryInputSchema>;
/** An entry after validation: plate/pattern normalised, priority filled in. */
export type HotlistEntryInput = z.output<typeof HotlistEntryInputSchema>;

export const HotlistEntrySchema = exactlyOneTarget(
  entryInputFields.extend({
    id: z.string().min(1),
    createdAt: z.iso.datetime({ offset: true }),
    /** Cleared instead of deleting, so alerts raised on the entry still resolve to it. */
    active: z.boolean(),
  }),
);
export type HotlistEntry = z.output<typeof HotlistEntrySchema>;
