// How an incident and its legs read on the wire and the stream: camelCase, ISO times, durations in seconds.
import type { CameraRepo } from '../store/camera-repo.js';
import type { Incident, IncidentLeg, IncidentRepo } from './incident-repo.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const round1 = (s: number | null) => (s === null ? null : Math.round(s * 10) / 10);

export function legView(l: IncidentLeg, callsign?: string) {
  return {
    id: l.id,
    unitId: l.unitId,
    callsign: callsign ?? l.unitId,
    kind: l.kind,
    unitType: l.unitType,
    grid: l.grid,
    lane: l.lane,
    state: l.state,
    distanceM: Math.round(l.distanceM),
    etaS: Math.round(l.etaS),
    targetS: l.targetS,
    offeredAt: l.offeredAt.toISOString(),
    acknowledgedAt: iso(l.acknowledgedAt),
    arrivedAt: iso(l.arrivedAt),
    endedAt: iso(l.endedAt),
    acknowledgedAfterS: round1(l.acknowledgedAfterS),
    arrivedAfterS: round1(l.arrivedAfterS),
    withinTarget: l.withinTarget,
  };
}

export type IncidentView = ReturnType<typeof incidentView>;

export function incidentView(
  i: Incident,
  names: { camera?: string | null; callsigns?: ReadonlyMap<string, string> } = {},
) {
  return {
    id: i.id,
    source: i.source,
    type: i.type,
    severity: i.severity,
    status: i.status,
    lat: i.lat,
    lon: i.lon,
    cameraId: i.cameraId,
    cameraName: names.camera ?? null,
    district: i.district,
    grid: i.grid,
    alertId: i.alertId,
    markId: i.markId,
    plate: i.plate,
    description: i.description,
    dutyLevel: i.dutyLevel,
    shift: i.shift,
    reportedBy: i.reportedBy,
    role: i.role,
    createdAt: i.createdAt.toISOString(),
    closedAt: iso(i.closedAt),
    closedBy: i.closedBy,
    closeNote: i.closeNote,
    legs: i.legs.map((l) => legView(l, names.callsigns?.get(l.unitId))),
    interceptionOrderIds: i.interceptionOrderIds,
  };
}

/** The view with the camera's name and the units' callsigns, as the stream and the offers carry it. */
export async function namedView(
  d: { incidents: Pick<IncidentRepo, 'candidates'>; cameras: Pick<CameraRepo, 'get'> },
  i: Incident,
): Promise<IncidentView> {
  const units = await d.incidents.candidates();
  const camera = i.cameraId ? await d.cameras.get(i.cameraId) : null;
  return incidentView(i, { camera: camera?.name ?? null, callsigns: new Map(units.map((u) => [u.id, u.callsign])) });
}
