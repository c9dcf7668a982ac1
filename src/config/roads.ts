// The `roads:` block of the YAML config: the road graph for travel times and the speeds of each unit type.
import { z } from 'zod';

const speed = z.number().gt(0).max(200);
const unitSpeeds = (car: number, motorbike: number, foot: number, post: number) =>
  z
    .strictObject({
      car: speed.default(car),
      motorbike: speed.default(motorbike),
      foot: speed.default(foot),
      post: speed.default(post),
    })
    .prefault({});

export const roadsSchema = z.strictObject({
  /**
   * GeoJSON FeatureCollection of LineString/MultiLineString streets (relative to the project root, or
   * absolute). Optional feature properties: `speedKmh`, `highway` (OSM class), `oneway` (true/'yes'/'-1').
   * Without it, travel time is the straight-line distance at `straightLineSpeedsKmh`.
   */
  graph: z.string().min(1).optional(),
  /** Road speed where a feature gives neither speedKmh nor a known highway class. Default 30 km/h. */
  defaultSpeedKmh: speed.default(30),
  /**
   * Top speed of each unit type on the graph; an edge is driven at min(this, road speed). Default car 50,
   * motorbike 40, foot 5, post 5 (a fixed post sends officers on foot). Foot and post ignore oneway.
   */
  unitSpeedsKmh: unitSpeeds(50, 40, 5, 5),
  /**
   * Effective speeds over the straight-line distance (detours, lights and traffic folded in), used
   * without a graph and for the fallback. Default car 30, motorbike 25, foot 5, post 5.
   */
  straightLineSpeedsKmh: unitSpeeds(30, 25, 5, 5),
  /** A point further than this from every road is not snapped: its unit gets the straight-line fallback. Default 1000 m. */
  maxSnapMetres: z.number().gt(0).max(50_000).default(1000),
  /** The straight-line fallback (no road path, or too far from a road) is multiplied by this. Default 1.5. */
  unreachablePenalty: z.number().min(1).max(10).default(1.5),
});

export type RoadsConfig = z.infer<typeof roadsSchema>;
