// RouteDocs of the dispatch group: alerts and their dispositions, patrol units and their answers, the live stream,
// interception orders, the duty level and the patrol reports (see route-doc.ts).
import { z } from 'zod';
import { alertListQuery, dispositionBody } from '../routes/alerts.js';
import { historyQuery, switchBody } from '../routes/duty.js';
import { ackBody, cancelBody, interceptionListQuery, orderBody } from '../routes/interceptions.js';
import { heatQuery, responseQuery } from '../routes/reports.js';
import { positionBody, statusBody } from '../routes/units.js';
import { alertDetailSchema, alertListSchema, dispositionAnswerSchema } from '../../views/alert-answers.js';
import { assignmentViewSchema } from '../../views/assignment.js';
import { dutyHistorySchema, dutyViewSchema } from '../../views/duty.js';
import { interceptionListSchema, interceptionViewSchema } from '../../views/interception.js';
import { heatSchema, responseTimesSchema } from '../../views/report.js';
import { positionAnswerSchema, unitListSchema, unitStatusAnswerSchema } from '../../views/unit.js';
import { idParams, type RouteDoc } from './route-doc.js';

const unitParams = z.object({ id: z.string().describe('Unit id (config units[].id)') });
const answerParams = z.object({ id: z.string().describe('Unit id'), alertId: z.string().describe('Alert UUID') });
const UNIT_SPEAKERS = ['unit', 'operator', 'admin'] as const;

const alerts: RouteDoc[] = [
  {
    method: 'get',
    path: '/alerts',
    tags: ['alerts'],
    roles: ['admin', 'operator', 'investigator', 'checkpoint'],
    query: alertListQuery,
    errors: [400],
    summary: 'Alerts, newest first, with the total that match',
    description:
      'A checkpoint sees plate hits of its own camera and those the duty level at the hit showed it; a scoped account those of its cameras. An alert no unit could take yet carries dispatch.state waiting.',
    responses: { 200: { description: 'A page of alerts', schema: alertListSchema } },
  },
  {
    method: 'get',
    path: '/alerts/{id}',
    tags: ['alerts'],
    roles: ['admin', 'operator', 'investigator', 'checkpoint', 'unit'],
    params: idParams,
    errors: [404],
    summary: 'One alert with its evidence, every offer to a unit, and its deliveries',
    description: 'A unit reads only alerts offered to it, and sees no deliveries (null).',
    responses: { 200: { description: 'The alert', schema: alertDetailSchema } },
  },
  {
    method: 'post',
    path: '/alerts/{id}/disposition',
    tags: ['alerts'],
    roles: ['admin', 'operator'],
    params: idParams,
    errors: [400, 404, 409],
    summary: 'Confirm or dismiss a candidate hit, with a reason; audited',
    description:
      'Face alerts need the faceConfirmations of the duty level they were raised under (distinct people) before dispatch; one dismissal closes them. A plate alert raised at a level with plateConfirmations 1 is dispatched on confirmation. A dismissal stands the units down; a confirmed vehicle hit may order its checkpoints (interception.autoOnConfirm).',
    body: { schema: dispositionBody },
    responses: { 200: { description: 'The alert after the verdict', schema: dispositionAnswerSchema } },
  },
];

const units: RouteDoc[] = [
  {
    method: 'get',
    path: '/units',
    tags: ['units'],
    roles: ['admin', 'operator', 'checkpoint', 'unit'],
    summary: 'Patrol units with their last position, its age, and whether dispatch would use it (stale)',
    responses: {
      200: { description: 'Every unit (a scoped operator: those of its districts)', schema: unitListSchema },
    },
  },
  {
    method: 'post',
    path: '/units/{id}/position',
    tags: ['units'],
    roles: ['unit', 'admin'],
    params: unitParams,
    errors: [400, 404],
    summary: "Report a unit's position (also over MQTT: <prefix>/units/<id>/position)",
    description:
      'A unit account reports only its own position. A first fresh fix makes the unit dispatchable: alerts waiting for a unit are offered to it.',
    body: { schema: positionBody },
    responses: { 200: { description: 'Stored', schema: positionAnswerSchema } },
  },
  {
    method: 'post',
    path: '/units/{id}/status',
    tags: ['units'],
    roles: UNIT_SPEAKERS,
    params: unitParams,
    errors: [400, 404, 409],
    summary: 'Put a unit on or off duty by hand; audited',
    description: 'Only between available and off_duty: an assigned unit changes status by answering its offer.',
    body: { schema: statusBody },
    responses: { 200: { description: 'The status now', schema: unitStatusAnswerSchema } },
  },
  ...(['ack', 'arrived', 'resolved'] as const).map((answer): RouteDoc => ({
    method: 'post',
    path: `/units/{id}/alerts/{alertId}/${answer}`,
    tags: ['units'],
    roles: UNIT_SPEAKERS,
    params: answerParams,
    errors: [404, 409],
    summary: {
      ack: 'Acknowledge an offered alert (on the way)',
      arrived: 'Arrived at the target',
      resolved: 'Resolved: the unit is free again',
    }[answer],
    description:
      'A unit account answers only for itself; audited. An answer the assignment state does not allow is a 409.',
    responses: { 200: { description: 'The assignment after the answer', schema: assignmentViewSchema } },
  })),
];

const stream: RouteDoc[] = [
  {
    method: 'get',
    path: '/stream',
    tags: ['stream'],
    roles: 'any',
    summary:
      'Server-sent events, filtered by role: alert, offer, assignment, camera-status, camera-health, work-order, interception, duty, incident',
    description:
      'Operators see every event; a checkpoint its plate hits (as the duty level shows them), the interception orders sent to it and duty changes; a unit its offers (the open ones replayed on connect, marked replayed); maintenance camera health. Each event data is the event JSON; an offer carries the offer view (src/views/offer.ts). ?access_token= is accepted for EventSource.',
    responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
  },
];

const CHECKPOINT_READERS = ['admin', 'operator', 'checkpoint'] as const;

const interceptions: RouteDoc[] = [
  {
    method: 'post',
    path: '/interceptions',
    tags: ['interceptions'],
    roles: ['admin', 'operator'],
    errors: [400, 404, 409],
    summary:
      'Order checkpoints to stop a vehicle, from a plate alert or a plate; audited (interception.ordered), sent live',
    description:
      'Either alertId (a plate alert: plate, photo and hit from it; reason defaults to its hotlist reason) or plate with a reason (placed by its latest read; without one, name cameraIds). Targets are ahead along the heading, within interception.radiusM, or the cameraIds named.',
    body: { schema: orderBody },
    responses: { 201: { description: 'The order', schema: interceptionViewSchema } },
  },
  {
    method: 'get',
    path: '/interceptions',
    tags: ['interceptions'],
    roles: CHECKPOINT_READERS,
    query: interceptionListQuery,
    errors: [400],
    summary: 'Interception orders, newest first (a checkpoint: those sent to it)',
    responses: { 200: { description: 'The orders', schema: interceptionListSchema } },
  },
  {
    method: 'get',
    path: '/interceptions/{id}',
    tags: ['interceptions'],
    roles: CHECKPOINT_READERS,
    params: idParams,
    errors: [404],
    summary: 'One order: plate, photo URL, reason, hit camera, time and direction of travel, targets, how it ended',
    responses: { 200: { description: 'The order', schema: interceptionViewSchema } },
  },
  {
    method: 'post',
    path: '/interceptions/{id}/ack',
    tags: ['interceptions'],
    roles: CHECKPOINT_READERS,
    params: idParams,
    errors: [400, 404, 409],
    summary: 'A checkpoint acknowledges the order; operators name the checkpoint they answer for; audited',
    description:
      'A checkpoint account may send an empty body; a checkpoint the order was not sent to is refused (403).',
    body: { schema: ackBody },
    responses: { 200: { description: 'The order after the acknowledgement', schema: interceptionViewSchema } },
  },
  {
    method: 'post',
    path: '/interceptions/{id}/cancel',
    tags: ['interceptions'],
    roles: ['admin', 'operator'],
    params: idParams,
    errors: [400, 404, 409],
    summary: 'Cancel an open order with a reason; audited',
    body: { schema: cancelBody },
    responses: { 200: { description: 'The order, cancelled', schema: interceptionViewSchema } },
  },
];

const duty: RouteDoc[] = [
  {
    method: 'get',
    path: '/duty',
    tags: ['duty'],
    roles: 'any',
    summary: 'The duty level in force (normal, enhanced, wartime), its policy and the last switch',
    responses: { 200: { description: 'The level', schema: dutyViewSchema } },
  },
  {
    method: 'put',
    path: '/duty',
    tags: ['duty'],
    roles: 'any',
    errors: [400, 403, 409],
    summary: 'Switch the duty level for every process at once, with a reason; audited and sent live',
    description:
      'Only the roles in duty.switchRoles may switch. The level changes alert thresholds, units per hit, escalation timeouts, confirmations and which checkpoints see plate hits (config duty.<level>).',
    body: { schema: switchBody },
    responses: { 200: { description: 'The level after the switch', schema: dutyViewSchema } },
  },
  {
    method: 'get',
    path: '/duty/history',
    tags: ['duty'],
    roles: ['admin', 'operator'],
    query: historyQuery,
    errors: [400],
    summary: 'Duty level switches, newest first',
    responses: { 200: { description: 'The switches', schema: dutyHistorySchema } },
  },
];

const REPORT_READERS = ['admin', 'operator', 'investigator'] as const;

const reports: RouteDoc[] = [
  {
    method: 'get',
    path: '/reports/response-times',
    tags: ['reports'],
    roles: REPORT_READERS,
    query: responseQuery,
    errors: [400],
    summary: 'Response times per grid and shift against the 1-3-5 minute targets',
    description:
      'Per grid (camera grid, else district) and shift (reports.shifts, server.timezone), with totals: dispatched alerts, p50/p90 seconds from alert to acknowledgement and to arrival, share arriving within 1, 3 and 5 minutes, waits for a free unit. Default the last 7 days, at most 366.',
    responses: { 200: { description: 'The report', schema: responseTimesSchema } },
  },
  {
    method: 'get',
    path: '/reports/heat',
    tags: ['reports'],
    roles: REPORT_READERS,
    query: heatQuery,
    errors: [400],
    summary: 'Counts of alerts or plate reads by grid and hour of day (0-23, server.timezone)',
    responses: { 200: { description: 'The heat table', schema: heatSchema } },
  },
];

export const docs: RouteDoc[] = [...alerts, ...units, ...stream, ...interceptions, ...duty, ...reports];
