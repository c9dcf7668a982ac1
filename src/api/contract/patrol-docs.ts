// RouteDocs of incidents with their response legs (see route-doc.ts); tours-docs.ts has the video patrol tours.
// The routes parse with these request schemas and answer views that satisfy these response schemas.
import { z } from 'zod';
import { idParams, isoTime, type RouteDoc } from './route-doc.js';

export const cameraId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a camera id');
export const severity = z
  .number()
  .int()
  .min(1)
  .max(5)
  .describe('1 (least) to 5; decides the response per duty level (incidents config)');
export const incidentType = z.string().regex(/^[a-z][a-z0-9_]*$/, 'an incident type (incidents.types)');

// ---- incidents ----

export const raiseIncidentBody = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('call').describe('Typed in by the command room from a call, at a location picked on the map'),
    type: incidentType,
    severity: severity.optional().describe("Default: the type's defaultSeverity (incidents.types)"),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    district: z.string().min(1).max(100).optional().describe("Default: the nearest camera's district"),
    description: z.string().trim().max(2000).optional(),
    plate: z
      .string()
      .trim()
      .min(2)
      .max(16)
      .optional()
      .describe('A vehicle plate, when the caller gave one: interception orders carry it'),
  }),
  z.strictObject({
    source: z.literal('alert').describe('From a confirmed hit'),
    alertId: z.uuid(),
    type: incidentType,
    severity: severity.optional().describe("Default: the type's defaultSeverity (incidents.types)"),
    description: z.string().trim().max(2000).optional(),
  }),
]);

export const legSchema = z.object({
  id: z.string(),
  unitId: z.string(),
  callsign: z.string(),
  kind: z.enum(['unit', 'post']).describe("'post': a one-minute response point (unit type post)"),
  unitType: z.string(),
  grid: z.string().describe("The unit's home grid"),
  lane: z.number().int(),
  state: z.enum(['offered', 'acknowledged', 'arrived', 'timed_out', 'released']),
  distanceM: z.number(),
  etaS: z.number(),
  targetS: z.number().int().describe('The 1-3-5 minute target (60, 180, 300 s) the leg is timed against'),
  offeredAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  arrivedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  acknowledgedAfterS: z.number().nullable().describe('Offer to acknowledgement'),
  arrivedAfterS: z.number().nullable().describe('Report (createdAt) to arrival'),
  withinTarget: z.boolean().nullable().describe('Arrived within targetS; null while on the way'),
});

export const incidentSchema = z.object({
  id: z.string(),
  source: z.enum(['mark', 'alert', 'call']),
  type: z.string(),
  severity: z.number().int(),
  status: z.enum(['open', 'closed', 'cancelled']),
  lat: z.number(),
  lon: z.number(),
  cameraId: z.string().nullable(),
  cameraName: z.string().nullable(),
  district: z.string(),
  grid: z.string().nullable(),
  alertId: z.string().nullable(),
  markId: z.string().nullable(),
  plate: z.string().nullable(),
  description: z.string(),
  dutyLevel: z.string(),
  shift: z.string(),
  reportedBy: z.string(),
  role: z.string(),
  createdAt: isoTime,
  closedAt: isoTime.nullable(),
  closedBy: z.string().nullable(),
  closeNote: z.string().nullable(),
  legs: z.array(legSchema),
  interceptionOrderIds: z.array(z.string()),
});

export const incidentListQuery = z.strictObject({
  status: z.enum(['open', 'closed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const closeIncidentBody = z.strictObject({
  status: z.enum(['closed', 'cancelled']).default('closed'),
  note: z.string().trim().min(3, 'say how it ended (at least 3 characters)').max(2000),
});
export const legParams = z.object({ id: z.string().describe('incident UUID'), legId: z.string().describe('leg UUID') });

const incidentTag = ['incidents'];
const one = { description: 'The incident with its legs', schema: incidentSchema };

const incidentDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/incidents',
    tags: incidentTag,
    roles: ['admin', 'operator'],
    summary:
      'Raise an incident from a call (location) or a confirmed hit; the severity decides the response at the live duty level',
    body: { schema: raiseIncidentBody },
    responses: { 201: one },
    errors: [400, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/incidents',
    tags: incidentTag,
    roles: ['admin', 'operator'],
    summary: 'Incidents, newest first',
    query: incidentListQuery,
    responses: { 200: { description: 'Incidents', schema: z.object({ incidents: z.array(incidentSchema) }) } },
    errors: [400, 403],
  },
  {
    method: 'get',
    path: '/incidents/types',
    tags: incidentTag,
    roles: ['admin', 'operator'],
    summary: 'The incident types the command room picks from (incidents.types), each with its default severity',
    responses: {
      200: {
        description: 'Types, in the configured order',
        schema: z.object({ types: z.array(z.object({ name: incidentType, defaultSeverity: severity })) }),
      },
    },
    errors: [403],
  },
  {
    method: 'get',
    path: '/incidents/{id}',
    tags: incidentTag,
    roles: ['admin', 'operator', 'unit'],
    summary: 'One incident with its legs timed against the 1-3-5 targets',
    params: idParams,
    responses: { 200: one },
    errors: [403, 404],
  },
  {
    method: 'post',
    path: '/incidents/{id}/legs/{legId}/ack',
    tags: incidentTag,
    roles: ['admin', 'operator', 'unit'],
    summary: 'A unit acknowledges its leg (the command room may on its behalf)',
    params: legParams,
    responses: { 200: one },
    errors: [403, 404, 409],
  },
  {
    method: 'post',
    path: '/incidents/{id}/legs/{legId}/arrived',
    tags: incidentTag,
    roles: ['admin', 'operator', 'unit'],
    summary: 'A unit reports arrival on scene',
    params: legParams,
    responses: { 200: one },
    errors: [403, 404, 409],
  },
  {
    method: 'post',
    path: '/incidents/{id}/close',
    tags: incidentTag,
    roles: ['admin', 'operator'],
    summary: 'Close (resolved) or cancel an open incident; its units are free again',
    params: idParams,
    body: { schema: closeIncidentBody },
    responses: { 200: one },
    errors: [400, 403, 404, 409],
  },
];

export const docs: RouteDoc[] = incidentDocs;
