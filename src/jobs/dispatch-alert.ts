// Job: offer an alert to the nearest available unit not yet tried, deliver it on every channel once,
// and schedule the escalation check.
import { rankUnits } from '../dispatch/travel.js';
import type { OfferChannel, OfferMessage } from '../dispatch/offer-channel.js';
import type { EventBus } from '../queues/event-bus.js';
import type { Payload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo, AssignmentRow } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { UnitRepo } from '../store/unit-repo.js';
import { describeAlert } from './alert-view.js';

export interface DispatchDeps {
  alerts: AlertRepo;
  assignments: AssignmentRepo;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  units: UnitRepo;
  audit: AuditRepo;
  queues: QueueSet;
  bus: EventBus;
  channels: OfferChannel[];
  policy: { ackTimeoutSeconds: number; staleAfterSeconds: number; maxAttempts: number };
}

export async function dispatchAlert(p: Payload<'dispatch'>, deps: DispatchDeps): Promise<void> {
  const alert = await deps.alerts.get(p.alertId);
  if (!alert || alert.status === 'dismissed') return;
  const camera = await deps.cameras.get(alert.camera_id);
  if (!camera) return;
  const assignment = await chooseUnit(p, deps, camera);
  if (!assignment) return;

  const view = await describeAlert(alert, deps);
  const message: OfferMessage = {
    alertId: alert.id,
    assignmentId: assignment.id,
    unitId: assignment.unit_id,
    attempt: assignment.attempt,
    target: { lat: camera.lat, lon: camera.lon, cameraId: camera.id, name: camera.name },
    distanceM: Math.round(assignment.distance_m),
    etaS: Math.round(assignment.eta_s),
    ackWithinS: deps.policy.ackTimeoutSeconds,
    alert: view,
  };
  const recipient = `unit:${assignment.unit_id}`;
  if (await deps.assignments.claimDelivery(alert.id, recipient, 'sse')) {
    await deps.bus.publish({ type: 'offer', alertId: alert.id, unitId: assignment.unit_id, assignmentId: assignment.id, attempt: assignment.attempt, at: Date.now(), capturedAt: new Date(alert.captured_at).getTime(), data: { ...message } });
  }
  for (const channel of deps.channels) {
    if (!(await deps.assignments.claimDelivery(alert.id, recipient, channel.name))) continue;
    try {
      const detail = await channel.send(message);
      await deps.assignments.noteDelivery(alert.id, recipient, channel.name, detail);
    } catch (err) {
      // Give the slot back so the job's retry sends it; the other channels already delivered stay delivered.
      await deps.assignments.releaseDelivery(alert.id, recipient, channel.name);
      throw err;
    }
  }
  await deps.queues.add(
    'escalate',
    { alertId: alert.id, assignmentId: assignment.id, attempt: assignment.attempt },
    { delay: deps.policy.ackTimeoutSeconds * 1000, jobId: `escalate_${alert.id}_${assignment.attempt}` },
  );
}

/** The assignment for this attempt: the one made before when the job is retried, else the nearest new unit. */
async function chooseUnit(p: Payload<'dispatch'>, deps: DispatchDeps, target: { lat: number; lon: number }): Promise<AssignmentRow | null> {
  const previous = await deps.assignments.forAlert(p.alertId);
  const existing = previous.find((a) => a.attempt === p.attempt);
  if (existing) return existing;
  if (p.attempt > deps.policy.maxAttempts) {
    await deps.audit.append({ actor: 'system', role: 'system', action: 'dispatch.exhausted', target: p.alertId, details: { attempts: previous.length } });
    return null;
  }
  const tried = new Set(previous.map((a) => a.unit_id));
  const units = (await deps.units.list()).filter((u) => !tried.has(u.id) && u.lat !== null && u.lon !== null && u.position_at);
  const ranked = rankUnits(
    target,
    units.map((u) => ({ id: u.id, type: u.type, lat: u.lat as number, lon: u.lon as number, status: u.status, positionAt: new Date(u.position_at as Date).getTime() })),
    { now: Date.now(), staleAfterMs: deps.policy.staleAfterSeconds * 1000 },
  );
  if (!ranked.length) {
    await deps.audit.append({ actor: 'system', role: 'system', action: 'dispatch.no_unit', target: p.alertId, details: { attempt: p.attempt, tried: [...tried] } });
    await deps.bus.publish({ type: 'assignment', alertId: p.alertId, unitId: '', state: 'no_unit_available', at: Date.now() });
    return null;
  }
  const best = ranked[0];
  const row = await deps.assignments.offer(p.alertId, p.attempt, best.unitId, best.distanceM, best.etaS);
  await deps.units.setStatus(row.unit_id, 'assigned');
  await deps.bus.publish({ type: 'assignment', alertId: p.alertId, unitId: row.unit_id, state: row.state, at: Date.now() });
  return row;
}
