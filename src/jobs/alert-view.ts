// What a person sees of an alert: the hit, why the plate is listed, where, and that it is only a candidate.
import type { AlertRow } from '../store/alert-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';

export const CANDIDATE_NOTICE = 'Candidate match: not confirmed by a person. Verify the plate and vehicle before acting.';

export async function describeAlert(alert: AlertRow, deps: { cameras: CameraRepo; hotlistRepo: HotlistRepo }): Promise<Record<string, unknown>> {
  const [camera, entry] = await Promise.all([deps.cameras.get(alert.camera_id), deps.hotlistRepo.get(alert.hotlist_id)]);
  return {
    id: alert.id,
    kind: alert.kind,
    status: alert.status,
    notice: alert.status === 'confirmed' ? 'Confirmed by an operator.' : CANDIDATE_NOTICE,
    plate: alert.plate,
    priority: alert.priority,
    match: alert.match,
    capturedAt: new Date(alert.captured_at).toISOString(),
    createdAt: new Date(alert.created_at).toISOString(),
    plateReadId: alert.plate_read_id,
    cropUrl: `/api/v1/plate-reads/${alert.plate_read_id}/crop.jpg`,
    camera: camera && { id: camera.id, name: camera.name, kind: camera.kind, lat: camera.lat, lon: camera.lon, district: camera.district },
    listing: entry && {
      id: entry.id,
      plate: entry.plate ?? null,
      pattern: entry.pattern ?? null,
      category: entry.category,
      reason: entry.reason,
      source: entry.source,
      expiresAt: entry.expires_at,
    },
    disposition: alert.disposed_by ? { by: alert.disposed_by, at: alert.disposed_at, reason: alert.disposition_reason } : null,
  };
}
