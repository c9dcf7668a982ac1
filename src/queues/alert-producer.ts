// The one place alert jobs are queued, with their job ids: one alert job per (hit, version of what was seen).
import type { FaceAlertPayload, PlateAlertPayload } from './payloads.js';
import type { QueueSet } from './queue-set.js';

/** One job per version of a plate pass and entry: a retried match job does not queue the same alert twice. */
export function plateAlertJobId(plateReadId: string, hotlistId: string, readCount: number): string {
  return `alert_${plateReadId}_${hotlistId}_${readCount}`;
}

/** One job per version of a face track and subject. */
export function faceAlertJobId(faceSightingId: string, subjectId: string, trackVersion: number): string {
  return `alert_face_${faceSightingId}_${subjectId}_${trackVersion}`;
}

/** A hotlist hit on version `readCount` of a plate pass. */
export async function queuePlateAlert(queues: QueueSet, p: PlateAlertPayload, readCount: number): Promise<void> {
  await queues.add('alerts', p, { jobId: plateAlertJobId(p.plateReadId, p.hotlistId, readCount) });
}

/** A watchlist hit on version `trackVersion` of a face track. */
export async function queueFaceAlert(queues: QueueSet, p: FaceAlertPayload, trackVersion: number): Promise<void> {
  await queues.add('alerts', p, { jobId: faceAlertJobId(p.faceSightingId, p.subjectId, trackVersion) });
}
