// Job: turn a match into an alert under the live duty level (threshold, confirmations, checkpoints told) and tell the command room.
import { audienceFor } from '../duty/audience.js';
import type { DutyReader } from '../duty/duty-state.js';
import { raisesAlert, type DutyPolicy } from '../duty/policy.js';
import type { EventBus } from '../queues/event-bus.js';
import { queueDispatch } from '../queues/dispatch-producer.js';
import type { FaceAlertPayload, Payload, PlateAlertPayload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { Alert } from '../domain/alert.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import { describeAlert } from '../views/alert.js';

export interface CreateAlertDeps {
  alerts: AlertRepo;
  assignments: AssignmentRepo;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  audit: AuditRepo;
  subjects?: SubjectRepo;
  queues: QueueSet;
  bus: EventBus;
  /** The live duty level: alert threshold, confirmations, which checkpoints are told. */
  duty: DutyReader;
}

/**
 * A plate hit of a priority the level alerts on is dispatched at once, unless the level wants an
 * operator's confirmation first; a face hit waits as a candidate until people confirm it (AlertService
 * starts those dispatches).
 */
export async function createAlert(p: Payload<'alerts'>, deps: CreateAlertDeps): Promise<void> {
  if ('kind' in p) await createFaceAlert(p, deps);
  else await createPlateAlert(p, deps);
}

async function createPlateAlert(p: PlateAlertPayload, deps: CreateAlertDeps): Promise<void> {
  const policy = deps.duty.policy();
  if (!raisesAlert(policy, p.priority)) return noteBelowThreshold(p, policy, deps);
  const { alert, created } = await deps.alerts.upsert(p, {
    dutyLevel: policy.level,
    confirmationsRequired: policy.plateConfirmations,
  });
  const camera = await deps.cameras.get(alert.cameraId);
  // Who is told follows the level the alert was raised under (a later reading keeps its first audience).
  const raisedUnder = deps.duty.policy(alert.dutyLevel ?? policy.level);
  const view = await describeAlert(alert, deps);
  await deps.bus.publish({
    type: 'alert',
    alertId: alert.id,
    cameraId: alert.cameraId,
    status: alert.status,
    at: Date.now(),
    capturedAt: p.capturedAt,
    data: { ...view, audience: audienceFor(raisedUnder.checkpointsNotified, camera) },
  });
  await claimCheckpointDeliveries(alert, camera, raisedUnder, deps);
  // Not only when created: a job stopped between the alert's insert and this line finds the alert made on its
  // retry, and without this its hit would never be dispatched. The dispatch job id makes a repeat a no-op.
  if (alert.confirmationsRequired === 0 && (created || !(await deps.assignments.dispatchStarted(alert.id))))
    await queueDispatch(deps.queues, alert.id, 1);
}

/** No dispatch here, by design: a face match is a candidate, never a conclusion. */
async function createFaceAlert(p: FaceAlertPayload, deps: CreateAlertDeps): Promise<void> {
  const policy = deps.duty.policy();
  const { alert } = await deps.alerts.upsertFace(p, policy.faceConfirmations, policy.level);
  const view = await describeAlert(alert, deps);
  await deps.bus.publish({
    type: 'alert',
    alertId: alert.id,
    cameraId: alert.cameraId,
    status: alert.status,
    at: Date.now(),
    capturedAt: p.capturedAt,
    data: view,
  });
}

/** The read stays stored (match-plate-read kept it) and searchable; the decision not to alert is audited. */
async function noteBelowThreshold(p: PlateAlertPayload, policy: DutyPolicy, deps: CreateAlertDeps): Promise<void> {
  await deps.audit.append({
    actor: 'system',
    role: 'system',
    action: 'alert.below_threshold',
    target: p.plateReadId,
    details: {
      plate: p.plate,
      hotlistId: p.hotlistId,
      cameraId: p.cameraId,
      priority: p.priority,
      level: policy.level,
      plateMinPriority: policy.plateMinPriority,
    },
  });
}

/** Records the delivery to each checkpoint the hit is shown to (its stream shows it by the event's audience). */
async function claimCheckpointDeliveries(
  alert: Alert,
  camera: Awaited<ReturnType<CameraRepo['get']>>,
  policy: DutyPolicy,
  deps: CreateAlertDeps,
): Promise<void> {
  const own = camera?.kind === 'checkpoint' ? [camera.id] : [];
  const scope = policy.checkpointsNotified;
  const others =
    scope === 'own'
      ? []
      : (await deps.cameras.list())
          .filter((c) => c.kind === 'checkpoint' && (scope === 'all' || c.district === camera?.district))
          .map((c) => c.id);
  for (const id of new Set([...own, ...others]))
    await deps.assignments.claimDelivery(alert.id, `checkpoint:${id}`, 'sse');
}
