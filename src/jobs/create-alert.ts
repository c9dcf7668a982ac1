// Job: turn a match into an alert and tell the command room. A plate hit is dispatched at once;
// a face hit waits as a candidate until people confirm it (AlertService starts its dispatch).
import type { EventBus } from '../queues/event-bus.js';
import type { FaceAlertPayload, Payload, PlateAlertPayload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import { describeAlert } from './alert-view.js';

export interface CreateAlertDeps {
  alerts: AlertRepo;
  assignments: AssignmentRepo;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  subjects?: SubjectRepo;
  queues: QueueSet;
  bus: EventBus;
  /** Distinct people who must confirm a face hit (faces.confirmations); recorded on the alert. Default 1. */
  faceConfirmations?: number;
}

export async function createAlert(p: Payload<'alerts'>, deps: CreateAlertDeps): Promise<void> {
  if ('kind' in p) await createFaceAlert(p, deps);
  else await createPlateAlert(p, deps);
}

async function createPlateAlert(p: PlateAlertPayload, deps: CreateAlertDeps): Promise<void> {
  const { alert, created } = await deps.alerts.upsert(p);
  const view = await describeAlert(alert, deps);
  await deps.bus.publish({ type: 'alert', alertId: alert.id, cameraId: alert.camera_id, status: alert.status, at: Date.now(), capturedAt: p.capturedAt, data: view });
  const camera = await deps.cameras.get(alert.camera_id);
  if (camera?.kind === 'checkpoint') await deps.assignments.claimDelivery(alert.id, `checkpoint:${camera.id}`, 'sse');
  if (created) await deps.queues.add('dispatch', { alertId: alert.id, attempt: 1 }, { jobId: `dispatch_${alert.id}_1` });
}

/** No dispatch here, by design: a face match is a candidate, never a conclusion. */
async function createFaceAlert(p: FaceAlertPayload, deps: CreateAlertDeps): Promise<void> {
  const { alert } = await deps.alerts.upsertFace(p, deps.faceConfirmations ?? 1);
  const view = await describeAlert(alert, deps);
  await deps.bus.publish({ type: 'alert', alertId: alert.id, cameraId: alert.camera_id, status: alert.status, at: Date.now(), capturedAt: p.capturedAt, data: view });
}
