// RouteDocs of video patrol tours (see route-doc.ts): plans, the tour log, marks and handover.
// The routes parse with these request schemas and answer views that satisfy these response schemas.
import { z } from 'zod';
import { tourItemSchema, tourPlanSchema } from '../../config/tours.js';
import { cameraId, incidentSchema, incidentType, severity } from './patrol-docs.js';
import { idParams, isoTime, type RouteDoc } from './route-doc.js';

export const tourItem = tourItemSchema;
/** POST /tours: the plan as the config's `tours.plans` holds it (src/config/tours.ts). */
export const createTourBody = tourPlanSchema;
export const tourSchema = z.object({
  id: z.string(),
  name: z.string(),
  items: z.array(tourItem),
  dwellS: z.number().int(),
  layout: z.number().int(),
  activeFrom: z.string(),
  activeTo: z.string(),
  createdBy: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  cameras: z.array(z.string()).describe('The items expanded, in order, each camera once'),
});
export const viewsBody = z.strictObject({
  views: z
    .array(
      z.strictObject({
        cameraId,
        startedAt: z.iso.datetime({ offset: true }),
        endedAt: z.iso.datetime({ offset: true }),
        paused: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(500),
});
export const logQuery = z.strictObject({
  shift: z.string().min(1).max(50).optional().describe('A reports.shifts name; default the current shift'),
  date: z.iso.date().optional().describe("The local date the shift began on; default the current shift's"),
});
export const logSchema = z.object({
  planId: z.string(),
  shift: z.string(),
  date: z.string(),
  dwellS: z.number(),
  plannedCameras: z.number().int(),
  coveredCameras: z.number().int(),
  coveragePct: z
    .number()
    .describe('Planned cameras watched at least one dwell (90% of it counts) in the shift, percent'),
  watchedS: z.number(),
  offPlanS: z.number(),
  cameras: z.array(
    z.object({
      cameraId: z.string(),
      watchedS: z.number(),
      views: z.number().int(),
      watchedBy: z.array(z.string()),
      covered: z.boolean(),
    }),
  ),
  people: z.array(
    z.object({ personId: z.string(), name: z.string(), watchedS: z.number(), cameras: z.number().int() }),
  ),
});
export const markBody = z.strictObject({
  planId: z.uuid().optional(),
  cameraId,
  note: z.string().trim().min(2, 'say what you see (at least 2 characters)').max(2000),
  snapshot: z
    .string()
    .max(3_000_000)
    .regex(/^[A-Za-z0-9+/=]+$/, 'base64')
    .optional()
    .describe("The page's frame, base64 JPEG; left out, the server grabs one from the camera"),
});
export const markSchema = z.object({
  id: z.string(),
  planId: z.string().nullable(),
  cameraId: z.string(),
  personId: z.string(),
  personName: z.string(),
  role: z.string(),
  note: z.string(),
  hasSnapshot: z.boolean(),
  snapshotSource: z.enum(['page', 'camera']).nullable(),
  snapshotUrl: z.string().nullable(),
  shift: z.string(),
  shiftDate: z.string(),
  status: z.enum(['open', 'raised', 'closed']),
  incidentId: z.string().nullable(),
  createdAt: isoTime,
  closedBy: z.string().nullable(),
  closedAt: isoTime.nullable(),
  closeNote: z.string().nullable(),
});
export const markIncidentBody = z.strictObject({
  type: incidentType,
  severity,
  description: z.string().trim().max(2000).optional(),
});
export const closeMarkBody = z.strictObject({ note: z.string().trim().min(3).max(2000) });
export const handoverBody = z.strictObject({
  toName: z.string().trim().min(1).max(200).optional(),
  note: z.string().trim().max(2000).optional(),
});
export const handoverSchema = z.object({
  id: z.string(),
  shift: z.string(),
  shiftDate: z.string(),
  fromPerson: z.string(),
  fromName: z.string(),
  toName: z.string().nullable(),
  note: z.string(),
  items: z.object({ marks: z.array(z.string()), incidents: z.array(z.string()) }),
  at: isoTime,
});

const tourTag = ['tours'];
const ops = ['admin', 'operator'] as const;
const tourDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/tours',
    tags: tourTag,
    roles: ops,
    summary: 'Create a tour plan (cameras or groups, dwell, layout 1/4/9, active hours)',
    body: { schema: createTourBody },
    responses: { 201: { description: 'The plan', schema: tourSchema } },
    errors: [400, 403],
  },
  {
    method: 'get',
    path: '/tours',
    tags: tourTag,
    roles: ops,
    summary: 'Tour plans',
    responses: { 200: { description: 'Plans', schema: z.object({ tours: z.array(tourSchema) }) } },
    errors: [403],
  },
  {
    method: 'get',
    path: '/tours/{id}',
    tags: tourTag,
    roles: ops,
    summary: 'One tour plan, expanded',
    params: idParams,
    responses: { 200: { description: 'The plan', schema: tourSchema } },
    errors: [403, 404],
  },
  {
    method: 'post',
    path: '/tours/{id}/views',
    tags: tourTag,
    roles: ops,
    summary: 'Report what the wall showed and for how long (the tour log)',
    params: idParams,
    body: { schema: viewsBody },
    responses: { 201: { description: 'Recorded', schema: z.object({ recorded: z.number().int() }) } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/tours/{id}/log',
    tags: tourTag,
    roles: ops,
    summary: 'Tour log of a shift against the plan: who watched which camera how long, coverage %',
    params: idParams,
    query: logQuery,
    responses: { 200: { description: 'The log', schema: logSchema } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/tours/marks',
    tags: tourTag,
    roles: ops,
    summary: 'Mark what is seen on a camera: a snapshot (JPEG) with a note',
    body: { schema: markBody },
    responses: { 201: { description: 'The mark', schema: markSchema } },
    errors: [400, 403, 503],
  },
  {
    method: 'get',
    path: '/tours/marks/{id}',
    tags: tourTag,
    roles: ops,
    summary: 'One mark',
    params: idParams,
    responses: { 200: { description: 'The mark', schema: markSchema } },
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/tours/marks/{id}/snapshot.jpg',
    tags: tourTag,
    roles: ops,
    summary: "The mark's snapshot",
    params: idParams,
    responses: { 200: { description: 'JPEG', contentType: 'image/jpeg' } },
    errors: [403, 404],
  },
  {
    method: 'post',
    path: '/tours/marks/{id}/incident',
    tags: tourTag,
    roles: ops,
    summary: 'Raise the mark as an incident at its camera (goes to the nearest unit)',
    params: idParams,
    body: { schema: markIncidentBody },
    responses: {
      201: {
        description: 'The mark and the incident',
        schema: z.object({ mark: markSchema, incident: incidentSchema }),
      },
    },
    errors: [400, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/tours/marks/{id}/close',
    tags: tourTag,
    roles: ops,
    summary: 'Close a mark (nothing to do, or dealt with)',
    params: idParams,
    body: { schema: closeMarkBody },
    responses: { 200: { description: 'The mark', schema: markSchema } },
    errors: [400, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/tours/handover',
    tags: tourTag,
    roles: ops,
    summary: 'Open items the next shift takes over: open marks and incidents, recent handovers',
    responses: {
      200: {
        description: 'Open items',
        schema: z.object({
          marks: z.array(markSchema),
          incidents: z.array(incidentSchema),
          handovers: z.array(handoverSchema),
        }),
      },
    },
    errors: [403],
  },
  {
    method: 'post',
    path: '/tours/handover',
    tags: tourTag,
    roles: ops,
    summary: 'Hand the open items over to the next shift (recorded, audited)',
    body: { schema: handoverBody },
    responses: { 201: { description: 'The handover', schema: handoverSchema } },
    errors: [400, 403],
  },
];

export const docs: RouteDoc[] = tourDocs;
