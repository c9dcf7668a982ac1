// The offer an incident leg sends a unit: the message every delivery channel carries (shaped like an alert's
// offer) and the unit stream's event around it.
import type { OfferMessage } from '../dispatch/offer-channel.js';
import type { LiveEvent } from '../queues/event-bus.js';
import type { CameraRow } from '../store/camera-repo.js';
import type { Incident, IncidentLeg } from './incident-repo.js';
import type { IncidentView } from './incident-view.js';

/** The unit's stream event of an incident offer: an `offer` whose data says kind 'incident', with the leg to answer. */
export function offerEvent(incident: Incident, leg: IncidentLeg, message: OfferMessage, replayed: boolean): LiveEvent {
  return {
    type: 'offer',
    alertId: incident.id,
    unitId: leg.unitId,
    assignmentId: leg.id,
    attempt: leg.lane,
    at: Date.now(),
    capturedAt: incident.createdAt.getTime(),
    data: {
      ...message,
      kind: 'incident',
      incidentId: incident.id,
      legId: leg.id,
      state: leg.state,
      ...(replayed ? { replayed: true } : {}),
    },
  };
}

/** The offer as the alert offers travel (OfferMessage), its `alert` the incident's view, kind 'incident'. */
export function offerMessage(
  incident: Incident,
  leg: IncidentLeg,
  view: IncidentView,
  camera: CameraRow | null,
  ackWithinS: number,
): OfferMessage {
  return {
    alertId: incident.id,
    deliveryId: `incident.${incident.id}.${leg.unitId}.${leg.lane}`,
    assignmentId: leg.id,
    unitId: leg.unitId,
    attempt: leg.lane,
    target: {
      lat: incident.lat,
      lon: incident.lon,
      cameraId: camera?.id ?? '',
      name: camera?.name ?? `${incident.type} @ ${incident.lat.toFixed(5)},${incident.lon.toFixed(5)}`,
    },
    distanceM: Math.round(leg.distanceM),
    etaS: Math.round(leg.etaS),
    ackWithinS,
    alert: { kind: 'incident', ...view },
  };
}
