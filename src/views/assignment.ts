// An assignment (an alert offered to a unit) and an alert's deliveries as the API answers them.
import { z } from 'zod';
import { ASSIGNMENT_STATES, type Assignment, type Delivery } from '../domain/assignment.js';
import { isoTime } from '../api/contract/route-doc.js';

export const assignmentViewSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  unitId: z.string(),
  attempt: z.number().int().describe('The offer number for the alert'),
  state: z.enum(ASSIGNMENT_STATES),
  distanceM: z.number().describe('Estimated travel distance when offered, metres'),
  etaS: z.number().describe('Estimated travel time when offered, seconds'),
  offeredAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  arrivedAt: isoTime.nullable(),
  timedOutAt: isoTime.nullable(),
});
export type AssignmentView = z.infer<typeof assignmentViewSchema>;

export const deliveryViewSchema = z.object({
  recipient: z.string().describe('unit:<id> or checkpoint:<camera id>'),
  channel: z.string().describe('sse, webhook or mqtt'),
  deliveredAt: isoTime.nullable().describe('Null while a delivery is claimed but not confirmed'),
  detail: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function assignmentView(a: Assignment): AssignmentView {
  return {
    id: a.id,
    alertId: a.alertId,
    unitId: a.unitId,
    attempt: a.attempt,
    state: a.state,
    distanceM: Math.round(a.distanceM),
    etaS: Math.round(a.etaS),
    offeredAt: a.offeredAt.toISOString(),
    acknowledgedAt: iso(a.acknowledgedAt),
    arrivedAt: iso(a.arrivedAt),
    timedOutAt: iso(a.timedOutAt),
  };
}

export function deliveryView(d: Delivery): DeliveryView {
  return { recipient: d.recipient, channel: d.channel, deliveredAt: iso(d.deliveredAt), detail: d.detail };
}
