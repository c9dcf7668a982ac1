// The `interception:` block of the YAML config: which checkpoints an interception order goes to, and when.
import { z } from 'zod';

export const interceptionSchema = z.strictObject({
  /** Send interception orders at all. Default true. */
  enabled: z.boolean().default(true),
  /** Without a direction of travel: every checkpoint within this distance of the hit. Default 3,000 m. */
  radiusM: z.number().gt(0).max(100_000).default(3000),
  /**
   * With a direction of travel (the hit camera's heading): checkpoints whose bearing from the hit lies
   * within this many degrees either side of it. Default 45 (a quarter of the compass ahead).
   */
  aheadHalfAngleDeg: z.number().gt(0).max(180).default(45),
  /** Ahead-of-travel checkpoints farther than this are left out. Default 10,000 m. */
  aheadMaxM: z.number().gt(0).max(200_000).default(10_000),
  /** Most checkpoints one order goes to, nearest first. Default 3. */
  maxCheckpoints: z.number().int().min(1).max(50).default(3),
  /** Order the hit camera itself too, when it is a checkpoint (the vehicle has normally passed it). Default false. */
  includeHitCamera: z.boolean().default(false),
  /** Create an order when an operator confirms a plate hit. Default true. */
  autoOnConfirm: z.boolean().default(true),
  /** A later read of the plate at a checkpoint closes an order only this long after the hit. Default 24 h. */
  closeWindowHours: z
    .number()
    .gt(0)
    .max(24 * 30)
    .default(24),
  /**
   * A read at the hit camera itself closes nothing this soon after the hit: the same pass, split in
   * two by the reader (a stop in the lane, an occlusion), is not the vehicle coming back. Default 120 s.
   */
  sameCameraGraceSeconds: z.number().min(0).max(3600).default(120),
  /** Speed assumed to tell each checkpoint when the vehicle may arrive (urban traffic). Default 40 km/h. */
  assumedSpeedKmh: z.number().gt(0).max(200).default(40),
});

export type InterceptionConfig = z.infer<typeof interceptionSchema>;
