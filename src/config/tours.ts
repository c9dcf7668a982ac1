// The `tours:` block of the YAML config: video patrol tour plans kept with the city's configuration. A plan is
// created at start when no live plan has its name; after that the API (POST /tours) and the database are the
// source, as for cameras. The same plan schema parses POST /tours.
import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM');

export const tourItemSchema = z.union([
  z.strictObject({ camera: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a camera id') }),
  z
    .strictObject({ district: z.string().min(1).max(100), grid: z.string().min(1).max(100).optional() })
    .describe("A group: the district's cameras (or one grid's), by id"),
]);

export const tourPlanSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  items: z.array(tourItemSchema).min(1).max(500).describe('In order: cameras and camera groups'),
  dwellS: z.number().int().min(3).max(3600).describe('Seconds each wall page stays up'),
  layout: z.union([z.literal(1), z.literal(4), z.literal(9)]).describe('Live views on the wall at once'),
  activeFrom: clock.default('00:00'),
  activeTo: clock.default('00:00').describe('Equal to activeFrom: all day'),
});
export type TourPlanConfig = z.infer<typeof tourPlanSchema>;

export const toursSchema = z.strictObject({
  /**
   * Tour plans created at start when no live plan has the name (a plan changed or archived through the API keeps
   * what the database says). A plan naming a camera the inventory lacks is skipped with a warning. Default none.
   */
  plans: z
    .array(tourPlanSchema)
    .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, 'each tour plan name once')
    .default([]),
});
