// Which checkpoint accounts see a plate hit: the scope is decided when the alert event is made and travels on it.
import { z } from 'zod';
import { CHECKPOINT_SCOPES, type CheckpointScope } from '../config/duty.js';
import type { DutyLevel } from '../domain/duty.js';
import type { DutyReader } from './duty-state.js';

/** Carried on an alert event's data as `audience`: the stream decides per event with no lookup. */
export interface AlertAudience {
  checkpoints: CheckpointScope;
  /** The district of the camera that read the plate. */
  district: string | null;
}

const audienceSchema = z.object({ checkpoints: z.enum(CHECKPOINT_SCOPES), district: z.string().nullable() });

export const audienceFor = (checkpoints: CheckpointScope, camera: { district: string } | null): AlertAudience => ({
  checkpoints,
  district: camera?.district ?? null,
});

/** A checkpoint always sees its own camera's hits; others by the audience on the event (none when absent). */
export function checkpointSees(
  e: { cameraId: string; data: Record<string, unknown> },
  checkpoint: { id: string | null; district: string | null },
): boolean {
  if (checkpoint.id !== null && e.cameraId === checkpoint.id) return true;
  const parsed = audienceSchema.safeParse(e.data.audience);
  if (!parsed.success) return false;
  const a = parsed.data;
  return (
    a.checkpoints === 'all' ||
    (a.checkpoints === 'district' && a.district !== null && a.district === checkpoint.district)
  );
}

/**
 * Whether a checkpoint account may read a stored plate alert (GET /alerts, /alerts/:id): its own
 * camera's, or within the scope of the level the alert was raised under. For routes/alerts.ts.
 */
export function checkpointMayRead(
  alert: { cameraId: string; kind: string; dutyLevel: DutyLevel | null },
  alertCamera: { district: string } | null,
  checkpoint: { id: string | null; district: string | null },
  duty: Pick<DutyReader, 'policy'>,
): boolean {
  if (alert.kind !== 'plate') return false;
  const audience = audienceFor(duty.policy(alert.dutyLevel ?? 'normal').checkpointsNotified, alertCamera);
  return checkpointSees({ cameraId: alert.cameraId, data: { audience } }, checkpoint);
}
