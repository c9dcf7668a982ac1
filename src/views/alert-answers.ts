// The alert routes' answers: a list item (the alert and its wait), the detail (with its assignments and
// deliveries) and the disposition's outcome, each with its schema for the OpenAPI document.
import { z } from 'zod';
import type { Alert } from '../domain/alert.js';
import type { Assignment, Delivery } from '../domain/assignment.js';
import { pageOf } from '../api/contract/route-doc.js';
import { alertViewSchema, dispatchStateSchema, type AlertView, type DispatchState } from './alert.js';
import { assignmentView, assignmentViewSchema, deliveryView, deliveryViewSchema } from './assignment.js';

export const alertListItemSchema = z.intersection(alertViewSchema, z.object({ dispatch: dispatchStateSchema }));
export const alertListSchema = pageOf('alerts', alertListItemSchema);

export const alertDetailSchema = z.intersection(
  alertViewSchema,
  z.object({
    dispatch: dispatchStateSchema,
    assignments: z.array(assignmentViewSchema).describe('Every offer of the alert, by attempt'),
    deliveries: z.array(deliveryViewSchema).nullable().describe('Who it was sent to on which channel; null for a unit'),
  }),
);
export type AlertDetail = z.infer<typeof alertDetailSchema>;

export const dispositionAnswerSchema = z.object({
  id: z.string(),
  status: z
    .enum(['candidate', 'confirmed', 'dismissed'])
    .describe('candidate while a face hit waits for a second person'),
  disposedBy: z.string().nullable(),
  reason: z.string().nullable(),
  interceptionId: z
    .string()
    .nullable()
    .describe('The interception order a confirmed vehicle hit started (interception.autoOnConfirm)'),
});

export function alertListItem(view: AlertView, dispatch: DispatchState): z.infer<typeof alertListItemSchema> {
  return { ...view, dispatch };
}

export function alertDetailView(
  view: AlertView,
  assignments: Assignment[],
  dispatch: DispatchState,
  deliveries: Delivery[] | null,
): AlertDetail {
  return {
    ...view,
    dispatch,
    assignments: assignments.map(assignmentView),
    deliveries: deliveries && deliveries.map(deliveryView),
  };
}

export function dispositionAnswer(
  alert: Alert,
  interceptionId: string | null,
): z.infer<typeof dispositionAnswerSchema> {
  return {
    id: alert.id,
    status: alert.status,
    disposedBy: alert.disposedBy,
    reason: alert.dispositionReason,
    interceptionId,
  };
}
