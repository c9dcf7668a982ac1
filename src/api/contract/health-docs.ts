// RouteDocs of camera health: a camera's faults and history, location confirmations, reference re-learning,
// the rate report and district targets, and maintenance work orders.
import { z } from 'zod';
import { healthHistoryQuery, HEALTH_READERS, locationConfirmationBody, relearnBody } from '../routes/camera-health.js';
import { districtTargetBody, rateReportQuery } from '../routes/camera-health-report.js';
import { workOrderCloseBody, workOrderListQuery, workOrderNoteBody } from '../routes/work-orders.js';
import {
  cameraHealthViewSchema,
  districtTargetSchema,
  locationConfirmationSchema,
  rateReportSchema,
  relearnAcceptedSchema,
  workOrderListSchema,
  workOrderViewSchema,
} from '../../views/camera-health.js';
import { idParams, type RouteDoc } from './route-doc.js';

const cameraId = z.object({ id: z.string().describe('Camera id (lower-case letters, digits, - and _)') });
const MAINTAINERS = ['admin', 'maintenance'] as const;
const WORK_ORDER_READERS = ['admin', 'operator', 'maintenance'] as const;
const faultParams = z.object({
  id: z.string().describe('Camera id'),
  faultId: z.string().describe('UUID of the fault'),
});

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/cameras/{id}/health',
    tags: ['camera health'],
    roles: HEALTH_READERS,
    params: cameraId,
    query: healthHistoryQuery,
    errors: [400, 404],
    summary:
      "A camera's image diagnostics now, its fault episodes (newest first) with evidence links, and its work orders",
    responses: { 200: { description: "The camera's health", schema: cameraHealthViewSchema } },
  },
  {
    method: 'get',
    path: '/cameras/{id}/health/faults/{faultId}/evidence.jpg',
    tags: ['camera health'],
    roles: HEALTH_READERS,
    params: faultParams,
    errors: [404],
    summary: 'The picture that showed a fault',
    responses: { 200: { description: 'JPEG', contentType: 'image/jpeg' } },
  },
  {
    method: 'post',
    path: '/cameras/{id}/health/reference',
    tags: ['camera health'],
    roles: MAINTAINERS,
    params: cameraId,
    errors: [400, 404],
    summary: "Re-learn the camera's reference view (it was moved on purpose); audited",
    body: { schema: relearnBody },
    responses: { 202: { description: 'The node holding the camera re-learns it', schema: relearnAcceptedSchema } },
  },
  {
    method: 'post',
    path: '/cameras/{id}/location-confirmation',
    tags: ['camera health'],
    roles: MAINTAINERS,
    params: cameraId,
    errors: [400, 404],
    summary: "Confirm the camera's position on the map (behind the location-accuracy rate); audited",
    body: { schema: locationConfirmationBody },
    responses: { 201: { description: 'The confirmation', schema: locationConfirmationSchema } },
  },
  {
    method: 'get',
    path: '/reports/camera-health',
    tags: ['camera health'],
    roles: WORK_ORDER_READERS,
    query: rateReportQuery,
    errors: [400],
    summary:
      'Registration, online, image-intact and location-accuracy rates per district and grid, per local day and ISO week',
    description: 'format=csv answers the rows as CSV (text/csv) instead.',
    responses: { 200: { description: 'The report', schema: rateReportSchema } },
  },
  {
    method: 'put',
    path: '/reports/camera-health/targets/{district}',
    tags: ['camera health'],
    roles: ['admin'],
    errors: [400],
    params: z.object({ district: z.string() }),
    body: { schema: districtTargetBody },
    summary: 'The expected camera count of a district (behind its registration rate); audited',
    responses: { 200: { description: 'The target set', schema: districtTargetSchema } },
  },
  {
    method: 'get',
    path: '/work-orders',
    tags: ['camera health'],
    roles: WORK_ORDER_READERS,
    query: workOrderListQuery,
    errors: [400],
    summary: 'Maintenance work orders, newest first',
    responses: { 200: { description: 'The orders', schema: workOrderListSchema } },
  },
  {
    method: 'get',
    path: '/work-orders/{id}',
    tags: ['camera health'],
    roles: WORK_ORDER_READERS,
    params: idParams,
    errors: [404],
    summary: 'One work order with its notes',
    responses: { 200: { description: 'The order', schema: workOrderViewSchema } },
  },
  {
    method: 'post',
    path: '/work-orders/{id}/acknowledge',
    tags: ['camera health'],
    roles: MAINTAINERS,
    params: idParams,
    errors: [404, 409],
    summary: 'Maintenance takes the order; audited',
    responses: { 200: { description: 'The order', schema: workOrderViewSchema } },
  },
  {
    method: 'post',
    path: '/work-orders/{id}/notes',
    tags: ['camera health'],
    roles: MAINTAINERS,
    params: idParams,
    errors: [400, 404, 409],
    summary: 'Add a note to an order not closed; audited',
    body: { schema: workOrderNoteBody },
    responses: { 200: { description: 'The order', schema: workOrderViewSchema } },
  },
  {
    method: 'post',
    path: '/work-orders/{id}/close',
    tags: ['camera health'],
    roles: MAINTAINERS,
    params: idParams,
    errors: [400, 404, 409],
    summary:
      'Close an order with what was repaired (and re-learn the reference view if the camera moved on purpose); audited',
    body: { schema: workOrderCloseBody },
    responses: { 200: { description: 'The order, closed', schema: workOrderViewSchema } },
  },
];
