// The offer a unit receives, built once: the same message goes out on its stream, the webhook and MQTT,
// and comes back in the replay when the unit's stream (re)connects.
import { z } from 'zod';
import type { Alert } from '../domain/alert.js';
import { ASSIGNMENT_STATES, type Assignment } from '../domain/assignment.js';
import type { LiveEvent } from '../queues/event-bus.js';
import { alertViewSchema, type AlertView } from './alert.js';

export const offerViewSchema = z.object({
  alertId: z.string(),
  deliveryId: z
    .string()
    .describe('<alert>.<unit>.<attempt>: the same on every resend of one offer, so a receiver drops a repeat'),
  assignmentId: z.string(),
  unitId: z.string(),
  attempt: z.number().int(),
  state: z.enum(ASSIGNMENT_STATES).describe('offered, or acknowledged when replayed after the unit answered'),
  target: z
    .object({ lat: z.number(), lon: z.number(), cameraId: z.string(), name: z.string() })
    .nullable()
    .describe('Where to go: the camera that saw it'),
  distanceM: z.number().int(),
  etaS: z.number().int(),
  ackWithinS: z.number().int().describe('Seconds to acknowledge before the offer passes to the next unit'),
  replayed: z
    .boolean()
    .describe('True when re-sent from the open offers (a stream that connected late or lost events)'),
  alert: alertViewSchema,
});
export type OfferView = z.infer<typeof offerViewSchema>;

/** The receiver's key for dropping a repeat: one offer is one (alert, unit, attempt). */
export function deliveryId(a: Pick<Assignment, 'alertId' | 'unitId' | 'attempt'>): string {
  return `${a.alertId}.${a.unitId}.${a.attempt}`;
}

export function offerView(
  a: Assignment,
  camera: { id: string; name: string; lat: number; lon: number } | null,
  alert: AlertView,
  ackWithinS: number,
  replayed = false,
): OfferView {
  return {
    alertId: a.alertId,
    deliveryId: deliveryId(a),
    assignmentId: a.id,
    unitId: a.unitId,
    attempt: a.attempt,
    state: a.state,
    target: camera && { lat: camera.lat, lon: camera.lon, cameraId: camera.id, name: camera.name },
    distanceM: Math.round(a.distanceM),
    etaS: Math.round(a.etaS),
    ackWithinS: Math.round(ackWithinS),
    replayed,
    alert,
  };
}

/** The stream event that carries an offer to its unit. */
export function offerEvent(offer: OfferView, alert: Pick<Alert, 'capturedAt'>): Extract<LiveEvent, { type: 'offer' }> {
  return {
    type: 'offer',
    alertId: offer.alertId,
    unitId: offer.unitId,
    assignmentId: offer.assignmentId,
    attempt: offer.attempt,
    at: Date.now(),
    capturedAt: alert.capturedAt.getTime(),
    data: { ...offer },
  };
}
