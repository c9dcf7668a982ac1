// The `map:` block of the YAML config: the offline base the command-room map draws under its markers.
import { z } from 'zod';

export const mapSchema = z.strictObject({
  /**
   * GeoJSON of district or grid outlines (Polygon, MultiPolygon or LineString features), relative to
   * the project root or absolute. Drawn as outlines; no tiles are ever fetched.
   */
  outline: z.string().min(1).optional(),
  /** Draw the streets of `roads.graph` too. Default true. */
  roads: z.boolean().default(true),
  /**
   * Most coordinates sent to the page. A bigger base (a whole city's streets) keeps its longest
   * lines first, so arterials stay and alleys go. Default 40,000 (about 0.5 MB of JSON).
   */
  maxPoints: z.number().int().min(100).max(1_000_000).default(40_000),
});

export type MapConfig = z.infer<typeof mapSchema>;
