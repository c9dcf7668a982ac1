// A patrol unit as the API answers it: its record, how old its last fix is, and whether dispatch would still use it.
import { z } from 'zod';
import { UNIT_STATUSES, type Unit } from '../domain/unit.js';
import { isoTime } from '../api/contract/route-doc.js';

export const unitViewSchema = z.object({
  id: z.string(),
  callsign: z.string(),
  type: z.enum(['car', 'motorbike', 'foot', 'post']),
  homeGrid: z.string(),
  status: z.enum(UNIT_STATUSES),
  district: z.string().nullable().describe("The district it answers to: its own, or that of its home grid's cameras"),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  positionAt: isoTime.nullable().describe('When the last fix was taken'),
  heading: z.number().nullable().describe('Degrees from north, when the device reports it'),
  speedKmh: z.number().nullable(),
  accuracyM: z.number().nullable().describe('How far off the last fix may be, metres'),
  positionAgeS: z.number().int().nullable().describe('Seconds since the last fix; null without one'),
  stale: z
    .boolean()
    .describe('No fix, or one older than dispatch.staleAfterSeconds: dispatch will not choose the unit'),
});
export type UnitView = z.infer<typeof unitViewSchema>;

export const unitListSchema = z.object({ units: z.array(unitViewSchema) });

export function unitView(u: Unit, staleAfterSeconds: number, now: number): UnitView {
  const ageS = u.positionAt ? Math.max(0, Math.round((now - u.positionAt.getTime()) / 1000)) : null;
  return {
    id: u.id,
    callsign: u.callsign,
    type: u.type,
    homeGrid: u.homeGrid,
    status: u.status,
    district: u.district,
    lat: u.lat,
    lon: u.lon,
    positionAt: u.positionAt ? u.positionAt.toISOString() : null,
    heading: u.heading,
    speedKmh: u.speedKmh,
    accuracyM: u.accuracyM,
    positionAgeS: ageS,
    stale: ageS === null || ageS > staleAfterSeconds,
  };
}

export const positionAnswerSchema = z.object({ ok: z.literal(true) });
export const unitStatusAnswerSchema = z.object({ id: z.string(), status: z.enum(['available', 'off_duty']) });
