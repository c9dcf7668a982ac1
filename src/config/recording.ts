// The `recording:` block of the YAML config: recorder, retention, exports.
import { z } from 'zod';

export const recordingModeSchema = z.enum(['continuous', 'events', 'off']);
export type RecordingMode = z.infer<typeof recordingModeSchema>;

export const recordingSchema = z.strictObject({
  /** Record the enabled cameras at all. Default true. */
  enabled: z.boolean().default(true),
  /** Segment store, relative to dataDir (or absolute). Default 'recordings'. */
  dir: z.string().min(1).default('recordings'),
  /** Finished exports, relative to dataDir (or absolute). Default 'exports'. */
  exportsDir: z.string().min(1).default('exports'),
  /**
   * Length of one segment file. Default 60 s: short enough that a crash loses nothing (the open segment
   * is recovered anyway) and retention frees space in small steps; long enough to keep the index small
   * (1,440 rows per camera per day). At least 2 s, so two segments never start in the same second.
   */
  segmentSeconds: z.number().int().min(2).max(600).default(60),
  /** Per-camera mode by camera id; cameras not named use defaultMode. */
  modes: z.record(z.string(), recordingModeSchema).default({}),
  /** continuous: every segment kept; events: only segments within eventSeconds of an alert. Default continuous. */
  defaultMode: recordingModeSchema.default('continuous'),
  /** Events-only cameras keep this much footage before and after each alert; also the span an alert protects. Default 30 s. */
  eventSeconds: z.number().int().min(1).max(3600).default(30),
  /** Restart ffmpeg when its current segment file has not grown for this long. Default 20 s. */
  stallSeconds: z.number().int().min(5).max(600).default(20),
  /** Longest range `GET /footage/:camera/play` remuxes in one response. Default 60 min. */
  playMaxMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  retention: z
    .strictObject({
      /** Days unprotected footage of street cameras is kept. Default 30. */
      streetDays: z.number().gt(0).max(3650).default(30),
      /** Days unprotected footage of checkpoint cameras is kept. Default 90. */
      checkpointDays: z.number().gt(0).max(3650).default(90),
      /** Ceiling on the bytes of all segments; oldest unprotected go first. Default none. */
      maxBytes: z.number().int().positive().optional(),
      /** Free space to keep on the recording disk; below it the oldest unprotected go first. Default 2 GiB. */
      minFreeBytes: z
        .number()
        .int()
        .min(0)
        .default(2 * 1024 ** 3),
      /** How often the purge runs. Default every 10 minutes. */
      everyMinutes: z
        .number()
        .gt(0)
        .max(24 * 60)
        .default(10),
      /** An alert's footage is held this long unless released sooner (a dismissed alert releases it). Default 90. */
      alertHoldDays: z.number().gt(0).max(3650).default(90),
    })
    .prefault({}),
});

export type RecordingConfig = z.infer<typeof recordingSchema>;
