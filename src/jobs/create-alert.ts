// Job: turn a hotlist match into an alert (or update the pass's alert), tell the command room, start dispatch.
import type { EventBus } from '../queues/event-bus.js';
import type { Payload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import { describeAlert } from './alert-view.js';

export interface CreateAlertDeps {
  alerts: AlertRepo;
  assignments: AssignmentRepo;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  queues: QueueSet;
  bus: EventBus;
}

export async function createAlert(p: Payload<'alerts'>, deps: CreateAlertDeps): Promise<void> {
  const { alert, created } = await deps.alerts.upsert(p);
  const view = await describeAlert(alert, deps);
  await deps.bus.publish({ type: 'alert', alertId: alert.id, cameraId: alert.camera_id, status: alert.status, at: Date.now(), capturedAt: p.capturedAt, data: view });
  const camera = await deps.cameras.get(alert.camera_id);
  if (camera?.kind === 'checkpoint') await deps.assignments.claimDelivery(alert.id, `checkpoint:${camera.id}`, 'sse');
  if (created) await deps.queues.add('dispatch', { alertId: alert.id, attempt: 1 }, { jobId: `dispatch_${alert.id}_1` });
}
