// Raising an incident: from a tour mark, a confirmed hit or a call (a point picked on the map); its place, its
// response at the live duty level (legs, interception orders to the checkpoints around) and its audit entry.
import { responseFor } from '../config/incidents.js';
import { chooseInterceptionTargets } from '../dispatch/interception-targets.js';
import { haversineMetres, type LatLon } from '../domain/geo.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { shiftOf } from '../reports/shifts.js';
import type { CameraRow } from '../store/camera-repo.js';
import type { Db } from '../store/db.js';
import type { Principal } from '../store/token-repo.js';
import { mayAct, type IncidentDeps } from './incident-deps.js';
import type { Incident, IncidentSource } from './incident-repo.js';
import { offerLegs } from './response-legs.js';

/** What raises an incident; the location comes from the camera (mark, alert) or is given (a call). */
export type RaiseInput = {
  type: string;
  /** Default: the type's defaultSeverity (incidents.types). */
  severity?: number;
  description?: string;
  plate?: string | null;
} & (
  | { source: 'call'; lat: number; lon: number; district?: string }
  | { source: 'mark'; markId: string; cameraId: string }
  | { source: 'alert'; alertId: string }
);

interface Place extends LatLon {
  camera: CameraRow | null;
  district: string;
  grid: string | null;
}

/**
 * The incident stored with its first legs, its interception orders and its audit entry in one transaction: the
 * type checked, the place found (the camera of a mark or hit, the nearest camera's district for a call), the
 * response the severity asks at the live duty level. Announcing it is the caller's (IncidentService.raise).
 */
export async function createIncident(d: IncidentDeps, input: RaiseInput, by: Principal): Promise<Incident> {
  const cfg = d.config.incidents;
  const type = cfg.types.find((t) => t.name === input.type);
  if (!type)
    throw BadInputError.field(
      'type',
      `'${input.type}' is not an incident type (incidents.types: ${cfg.types.map((t) => t.name).join(', ')})`,
    );
  const severity = input.severity ?? type.defaultSeverity;
  const { place, alertId, plate } = await locate(d, input);
  if (!mayAct(by, place.district, place.camera?.id ?? null))
    throw new ForbiddenError(`district ${place.district} is outside this account's scope`);
  const level = d.duty.current();
  const plan = responseFor(cfg, level, severity);
  const source: IncidentSource = input.source;
  const now = new Date();
  // Read before the transaction: PGlite's one connection is the transaction's until it ends.
  const checkpoints = plan.intercept ? (await d.cameras.list()).filter((c) => c.kind === 'checkpoint') : [];
  const made = await d.incidents.db.tx(async (t) => {
    const repo = d.incidents.on(t);
    if (alertId && (await repo.findBy({ alertId })))
      throw new ConflictError(`alert ${alertId} already raised an incident`);
    if (input.source === 'mark' && (await repo.findBy({ markId: input.markId })))
      throw new ConflictError(`mark ${input.markId} already raised an incident`);
    const incident = await repo.create({
      source,
      type: input.type,
      severity,
      lat: place.lat,
      lon: place.lon,
      cameraId: place.camera?.id ?? null,
      district: place.district,
      grid: place.grid,
      alertId,
      markId: input.source === 'mark' ? input.markId : null,
      plate,
      description: input.description ?? '',
      dutyLevel: level,
      shift: shiftOf(now, d.config.reports.shifts, d.config.server.timezone),
      reportedBy: by.name,
      reportedByPerson: by.personId,
      role: by.role,
    });
    const legs = await offerLegs(d, t, incident, plan, 1);
    const orders = plan.intercept ? await intercept(d, t, incident, checkpoints, by) : [];
    await d.audit.on(t).append({
      actor: by.name,
      role: by.role,
      action: 'incident.raised',
      target: incident.id,
      details: {
        source,
        type: input.type,
        severity,
        dutyLevel: level,
        plan,
        legs: legs.map((l) => ({ unitId: l.unitId, kind: l.kind, grid: l.grid, targetS: l.targetS })),
        interceptionOrders: orders,
      },
    });
    return incident.id;
  });
  return (await d.incidents.get(made)) as Incident;
}

/** Interception orders to the checkpoints around (interception.radiusM, maxCheckpoints); the alert's open order if it has one. */
async function intercept(
  d: IncidentDeps,
  t: Db,
  incident: Incident,
  checkpoints: readonly CameraRow[],
  by: Principal,
): Promise<string[]> {
  const repo = d.incidents.on(t);
  const orders = d.orders.on(t);
  if (incident.alertId) {
    const existing = await orders.openForAlert(incident.alertId);
    if (existing) {
      await repo.linkInterception(incident.id, existing.id);
      return [existing.id];
    }
  }
  const hit = {
    lat: incident.lat,
    lon: incident.lon,
    cameraId: incident.cameraId,
    headingDeg: null,
    at: incident.createdAt.getTime(),
  };
  const { mode, targets } = chooseInterceptionTargets(hit, checkpoints, {
    ...d.config.interception,
    includeHitCamera: true,
  });
  if (!targets.length) return [];
  const reason =
    `incident ${incident.type} (severity ${incident.severity})${incident.description ? `: ${incident.description}` : ''}`.slice(
      0,
      500,
    );
  const order = await orders.create({
    alertId: null,
    plate: incident.plate ?? '',
    reason,
    photoReadId: null,
    orderedBy: by.name,
    role: by.role,
    originCamera: incident.cameraId,
    heading: null,
    hitAt: hit.at,
    mode,
    closeUntil: Date.now() + d.config.interception.closeWindowHours * 3600_000,
    targets: targets.map((x) => ({
      cameraId: x.cameraId,
      distanceM: x.distanceM,
      bearingDeg: x.bearingDeg,
      expectedAt: x.expectedAt,
    })),
  });
  if (!order) return [];
  await repo.linkInterception(incident.id, order.id);
  await d.audit.on(t).append({
    actor: by.name,
    role: by.role,
    action: 'interception.ordered',
    target: order.id,
    details: { incidentId: incident.id, plate: order.plate, reason, mode, targets: targets.map((x) => x.cameraId) },
  });
  return [order.id];
}

async function locate(
  d: IncidentDeps,
  input: RaiseInput,
): Promise<{ place: Place; alertId: string | null; plate: string | null }> {
  if (input.source === 'call') {
    const nearest = await nearestCamera(d, input);
    const district = input.district ?? nearest?.district;
    if (!district) throw BadInputError.field('district', 'no camera places the call in a district: give the district');
    return {
      place: { lat: input.lat, lon: input.lon, camera: nearest, district, grid: nearest?.grid ?? null },
      alertId: null,
      plate: input.plate ?? null,
    };
  }
  if (input.source === 'mark') {
    const camera = await d.cameras.get(input.cameraId);
    if (!camera) throw BadInputError.field('cameraId', `camera ${input.cameraId} not found`);
    return { place: placeOf(camera), alertId: null, plate: input.plate ?? null };
  }
  const alert = await d.incidents.alertRef(input.alertId);
  if (!alert) throw new NotFoundError(`alert ${input.alertId} not found`);
  if (alert.status !== 'confirmed')
    throw new ConflictError(`alert ${input.alertId} is ${alert.status}: only a confirmed hit raises an incident`);
  const camera = await d.cameras.get(alert.cameraId);
  if (!camera) throw new NotFoundError(`camera ${alert.cameraId} of alert ${input.alertId} not found`);
  return { place: placeOf(camera), alertId: alert.id, plate: input.plate ?? (alert.plate || null) };
}

async function nearestCamera(d: IncidentDeps, p: LatLon): Promise<CameraRow | null> {
  let best: { c: CameraRow; d: number } | null = null;
  for (const c of await d.cameras.list()) {
    const d = haversineMetres(p, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best?.c ?? null;
}

function placeOf(c: CameraRow): Place {
  return { lat: c.lat, lon: c.lon, camera: c, district: c.district, grid: c.grid };
}
