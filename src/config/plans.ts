// The `plans:` block of the YAML config: patrol plans (must-reach points, must-patrol lines, core and key
// areas) as GeoJSON per district, how unit tracks are scored against them, and the situation reports.
import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM (00:00-23:59)');

export const plansSchema = z.strictObject({
  /**
   * GeoJSON FeatureCollection files of patrol plans, one per district (relative to the project root or
   * absolute). Each seeds the district's plan at start when the database has none; after that the API's
   * PUT /patrol-plans/{district} is the source (README: Patrol plans). Default none.
   */
  files: z.array(z.strictObject({ district: z.string().min(1), file: z.string().min(1) })).default([]),
  /** A point feature without `radiusM`: reached within this many metres. Default 50. */
  defaultRadiusM: z.number().gt(0).max(2000).default(50),
  /** A point feature without `minDwellS`: reached after this many seconds inside its radius. Default 60. */
  defaultMinDwellS: z.number().min(0).max(86_400).default(60),
  /** A line feature without `corridorM`: the corridor's full width, metres (half on each side). Default 40. */
  defaultCorridorM: z.number().gt(0).max(1000).default(40),
  /** Lines are split into segments of at most this length; a segment counts once a fix in its corridor falls on it. Default 25 m. */
  segmentM: z.number().min(1).max(1000).default(25),
  /**
   * Fixes further apart than this are a gap: the time between them counts in no area and a point visit
   * ends at the gap. Default 120 s (units report every 5-30 s).
   */
  maxGapS: z.number().int().min(10).max(3600).default(120),
  /** The near-end warning: this many minutes before a shift ends, points not reached are announced. Default 30. */
  warnBeforeEndMinutes: z.number().int().min(1).max(600).default(30),
  /** How often the warning check runs, seconds. Default 300. */
  warnCheckEverySeconds: z.number().int().min(10).max(3600).default(300),
  /** Unit position history older than this is deleted (daily purge). Default 400 days (a year of reports and a margin). */
  positionRetentionDays: z.number().int().min(1).max(3650).default(400),
  situation: z
    .strictObject({
      /** Make daily reports (yesterday's, per district) at this local time. Default 06:00. */
      dailyAt: clock.default('06:00'),
      /** Make the weekly report (the ISO week just ended) on Mondays at this local time. Default 06:30. */
      weeklyAt: clock.default('06:30'),
      /** Scheduled reports on (the pipeline role schedules them). Default true. */
      schedule: z.boolean().default(true),
      /** Hot grid x hour cells listed. Default 5. */
      hotCells: z.number().int().min(1).max(50).default(5),
      /**
       * Chromium for the PDF. Default: /usr/bin/chromium if present. Without one, reports are still
       * made and stored (page and CSV); their PDF answers 503 saying so.
       */
      chromiumPath: z.string().min(1).optional(),
    })
    .prefault({}),
});

export type PlansConfig = z.infer<typeof plansSchema>;
