// Which checkpoint accounts see a plate hit: the scope is decided when the alert event is made and travels on it.
import { z } from 'zod';
import { CHECKPOINT_SCOPES, type CheckpointScope } from '../config/duty.js';

/** Carried on an alert event's data as `audience`: the stream decides per event with no lookup. */
export interface AlertAudience {
  checkpoints: CheckpointScope;
  /** The district of the camera that read the plate. */
  district: string | null;
}

const audienceSchema = z.object({ checkpoints: z.enum(CHECKPOINT_SCOPES), district: z.string().nullable() });

export const audienceFor = (checkpoints: CheckpointScope, camera: { district: string } | null): AlertAudience => ({ checkpoints, district: camera?.district ?? null });

/** A checkpoint always sees its own camera's hits; others by the audience on the event (none when absent). */
export function checkpointSees(e: { cameraId: string; data: Record<string, unknown> }, checkpoint: { id: string | null; district: string | null }): boolean {
  if (checkpoint.id !== null && e.cameraId === checkpoint.id) return true;
  const parsed = audienceSchema.safeParse(e.data.audience);
  if (!parsed.success) return false;
  const a = parsed.data;
  return a.checkpoints === 'all' || (a.checkpoints === 'district' && a.district !== null && a.district === checkpoint.district);
}
