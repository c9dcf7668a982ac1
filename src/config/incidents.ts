// The `incidents:` block of the YAML config: per duty level and severity, the response an incident gets
// (units from how many grids, one-minute response points, interception orders) and the 1-3-5 targets it is timed by.
import { z } from 'zod';
import { DUTY_LEVELS, type DutyLevel } from '../domain/face-watchlist.js';

export const SEVERITIES = [1, 2, 3, 4, 5] as const;

export const responseSchema = z.strictObject({
  /** Patrol units (car, motorbike, foot) offered at once. */
  units: z.number().int().min(1).max(10),
  /** Each unit from a different home grid (nearest grid first); fewer grids in reach fill with the next nearest units. */
  distinctGrids: z.boolean().default(false),
  /** One-minute response points (units of type 'post') offered besides the units. */
  posts: z.number().int().min(0).max(5).default(0),
  /** Interception orders to the checkpoints around the incident (interception.radiusM, maxCheckpoints). */
  intercept: z.boolean().default(false),
  /** The target a patrol unit's leg is timed against: 1, 3 or 5 minutes. */
  unitTargetS: z.union([z.literal(60), z.literal(180), z.literal(300)]).default(300),
});
export type ResponsePlan = z.infer<typeof responseSchema>;

/** Severity -> response; a severity left out takes the nearest lower one given (severity 1 must be given). */
const levelSchema = z
  .partialRecord(z.enum(['1', '2', '3', '4', '5']), responseSchema)
  .refine((r) => r['1'] !== undefined, { message: 'give the response to severity 1' });

const DEFAULTS: Record<DutyLevel, Record<string, z.input<typeof responseSchema>>> = {
  normal: {
    '1': { units: 1, unitTargetS: 300 },
    '2': { units: 2, distinctGrids: true, unitTargetS: 180 },
    '3': { units: 3, distinctGrids: true, posts: 1, intercept: true, unitTargetS: 180 },
    '4': { units: 4, distinctGrids: true, posts: 1, intercept: true, unitTargetS: 180 },
    '5': { units: 5, distinctGrids: true, posts: 2, intercept: true, unitTargetS: 180 },
  },
  enhanced: {
    '1': { units: 1, unitTargetS: 180 },
    '2': { units: 2, distinctGrids: true, posts: 1, unitTargetS: 180 },
    '3': { units: 3, distinctGrids: true, posts: 1, intercept: true, unitTargetS: 180 },
    '4': { units: 4, distinctGrids: true, posts: 2, intercept: true, unitTargetS: 180 },
    '5': { units: 6, distinctGrids: true, posts: 2, intercept: true, unitTargetS: 180 },
  },
  wartime: {
    '1': { units: 2, unitTargetS: 180 },
    '2': { units: 3, distinctGrids: true, posts: 1, intercept: true, unitTargetS: 180 },
    '3': { units: 4, distinctGrids: true, posts: 2, intercept: true, unitTargetS: 180 },
    '4': { units: 5, distinctGrids: true, posts: 2, intercept: true, unitTargetS: 180 },
    '5': { units: 6, distinctGrids: true, posts: 3, intercept: true, unitTargetS: 180 },
  },
};

export interface IncidentType {
  name: string;
  /** 1 (least) to 5: the severity of an incident of this type raised without one. */
  defaultSeverity: number;
}

const typeName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');

const DEFAULT_TYPES: IncidentType[] = [
  { name: 'fight', defaultSeverity: 2 },
  { name: 'theft', defaultSeverity: 1 },
  { name: 'robbery', defaultSeverity: 3 },
  { name: 'traffic_accident', defaultSeverity: 2 },
  { name: 'fire', defaultSeverity: 3 },
  { name: 'missing_person', defaultSeverity: 2 },
  { name: 'suspicious_vehicle', defaultSeverity: 1 },
  { name: 'suspicious_person', defaultSeverity: 1 },
  { name: 'disturbance', defaultSeverity: 1 },
  { name: 'other', defaultSeverity: 1 },
];

export const incidentsSchema = z.strictObject({
  /**
   * Incident types the command room picks from (free text is refused, so reports group cleanly), each with the
   * severity an incident of it gets when none is given; a bare name defaults to severity 1.
   */
  types: z
    .array(
      z
        .union([
          typeName,
          z.strictObject({ name: typeName, defaultSeverity: z.number().int().min(1).max(5).default(1) }),
        ])
        .transform((t): IncidentType => (typeof t === 'string' ? { name: t, defaultSeverity: 1 } : t)),
    )
    .min(1)
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'each incident type once')
    .default(DEFAULT_TYPES),
  /** A one-minute response point's target (seconds); posts stand at the crossing, so 60. */
  postTargetS: z.number().int().min(30).max(300).default(60),
  /** A leg not acknowledged in this time passes to the next nearest unit (same grid rule); default dispatch.ackTimeoutSeconds of the level. */
  ackTimeoutSeconds: z.number().gt(0).max(3600).optional(),
  /** Replacement rounds after the first offer before a lane is left unfilled. */
  maxReplacements: z.number().int().min(0).max(10).default(2),
  normal: levelSchema.prefault(DEFAULTS.normal),
  enhanced: levelSchema.prefault(DEFAULTS.enhanced),
  wartime: levelSchema.prefault(DEFAULTS.wartime),
});
export type IncidentsConfig = z.infer<typeof incidentsSchema>;

/** The response to a severity at a level: the one given, else the nearest lower severity's. */
export function responseFor(config: IncidentsConfig, level: DutyLevel, severity: number): ResponsePlan {
  const table = config[level] as Partial<Record<string, ResponsePlan>>;
  for (let s = Math.min(5, Math.max(1, Math.trunc(severity))); s >= 1; s--) {
    const plan = table[String(s)];
    if (plan) return plan;
  }
  throw new Error(`incidents.${level}: no response for severity 1`); // the schema refuses this
}

export { DUTY_LEVELS };
