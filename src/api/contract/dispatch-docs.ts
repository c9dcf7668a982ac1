// RouteDocs of the dispatch group: alerts and their dispositions, patrol units and their answers, the live stream,
// interception orders, the duty level and the patrol reports (see route-doc.ts).
import { z } from 'zod';
import { alertListQuery, dispositionBody } from '../routes/alerts.js';
import { positionBody, statusBody } from '../routes/units.js';
import { alertDetailSchema, alertListSchema, dispositionAnswerSchema } from '../views/alert-answers.js';
import { assignmentViewSchema } from '../views/assignment.js';
import { positionAnswerSchema, unitListSchema, unitStatusAnswerSchema } from '../views/unit.js';
import { idParams, type RouteDoc } from './route-doc.js';

const unitParams = z.object({ id: z.string().describe('Unit id (config units[].id)') });
const answerParams = z.object({ id: z.string().describe('Unit id'), alertId: z.string().describe('Alert UUID') });
const UNIT_SPEAKERS = ['unit', 'operator', 'admin'] as const;

const alerts: RouteDoc[] = [
  {
    method: 'get', path: '/alerts', tags: ['alerts'], roles: ['admin', 'operator', 'investigator', 'checkpoint'], query: alertListQuery, errors: [400],
    summary: 'Alerts, newest first, with the total that match',
    description: 'A checkpoint sees plate hits of its own camera and those the duty level at the hit showed it; a scoped account those of its cameras. An alert no unit could take yet carries dispatch.state waiting.',
    responses: { 200: { description: 'A page of alerts', schema: alertListSchema } },
  },
  {
    method: 'get', path: '/alerts/{id}', tags: ['alerts'], roles: ['admin', 'operator', 'investigator', 'checkpoint', 'unit'], params: idParams, errors: [404],
    summary: 'One alert with its evidence, every offer to a unit, and its deliveries',
    description: 'A unit reads only alerts offered to it, and sees no deliveries (null).',
    responses: { 200: { description: 'The alert', schema: alertDetailSchema } },
  },
  {
    method: 'post', path: '/alerts/{id}/disposition', tags: ['alerts'], roles: ['admin', 'operator'], params: idParams, errors: [400, 404, 409],
    summary: 'Confirm or dismiss a candidate hit, with a reason; audited',
    description: 'Face alerts need the faceConfirmations of the duty level they were raised under (distinct people) before dispatch; one dismissal closes them. A plate alert raised at a level with plateConfirmations 1 is dispatched on confirmation. A dismissal stands the units down; a confirmed vehicle hit may order its checkpoints (interception.autoOnConfirm).',
    body: { schema: dispositionBody },
    responses: { 200: { description: 'The alert after the verdict', schema: dispositionAnswerSchema } },
  },
];

const units: RouteDoc[] = [
  {
    method: 'get', path: '/units', tags: ['units'], roles: ['admin', 'operator', 'checkpoint', 'unit'],
    summary: 'Patrol units with their last position, its age, and whether dispatch would use it (stale)',
    responses: { 200: { description: 'Every unit (a scoped operator: those of its districts)', schema: unitListSchema } },
  },
  {
    method: 'post', path: '/units/{id}/position', tags: ['units'], roles: ['unit', 'admin'], params: unitParams, errors: [400, 404],
    summary: "Report a unit's position (also over MQTT: <prefix>/units/<id>/position)",
    description: 'A unit account reports only its own position. A first fresh fix makes the unit dispatchable: alerts waiting for a unit are offered to it.',
    body: { schema: positionBody },
    responses: { 200: { description: 'Stored', schema: positionAnswerSchema } },
  },
  {
    method: 'post', path: '/units/{id}/status', tags: ['units'], roles: UNIT_SPEAKERS, params: unitParams, errors: [400, 404, 409],
    summary: 'Put a unit on or off duty by hand; audited',
    description: 'Only between available and off_duty: an assigned unit changes status by answering its offer.',
    body: { schema: statusBody },
    responses: { 200: { description: 'The status now', schema: unitStatusAnswerSchema } },
  },
  ...(['ack', 'arrived', 'resolved'] as const).map(
    (answer): RouteDoc => ({
      method: 'post', path: `/units/{id}/alerts/{alertId}/${answer}`, tags: ['units'], roles: UNIT_SPEAKERS, params: answerParams, errors: [404, 409],
      summary: { ack: 'Acknowledge an offered alert (on the way)', arrived: 'Arrived at the target', resolved: 'Resolved: the unit is free again' }[answer],
      description: 'A unit account answers only for itself; audited. An answer the assignment state does not allow is a 409.',
      responses: { 200: { description: 'The assignment after the answer', schema: assignmentViewSchema } },
    }),
  ),
];

const stream: RouteDoc[] = [
  {
    method: 'get', path: '/stream', tags: ['stream'], roles: 'any',
    summary: 'Server-sent events, filtered by role: alert, offer, assignment, camera-status, camera-health, work-order, interception, duty, incident',
    description:
      'Operators see every event; a checkpoint its plate hits (as the duty level shows them), the interception orders sent to it and duty changes; a unit its offers (the open ones replayed on connect, marked replayed); maintenance camera health. Each event data is the event JSON; an offer carries the offer view (api/views/offer.ts). ?access_token= is accepted for EventSource.',
    responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
  },
];

export const docs: RouteDoc[] = [...alerts, ...units, ...stream];
