// What a person sees of an alert: the hit, why it is listed, where, and whether people have confirmed it.
import type { AlertRow } from '../store/alert-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { PlateReadRepo } from '../store/plate-read-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';

export const CANDIDATE_NOTICE = 'Candidate match: not confirmed by a person. Verify the plate and vehicle before acting.';
/** A plate hit raised at a level that wants an operator's confirmation before anyone is sent. */
export const AWAITING_CONFIRMATION_NOTICE = 'Candidate match: not confirmed by a person. No unit is sent until an operator confirms it against the hotlist record.';

/**
 * `subjects` and `alerts` describe face alerts; the job and API deps carry them (they spread every
 * repository), and a plate alert needs neither.
 */
export interface AlertViewDeps {
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  /** The read behind a plate alert (confidence, reads in the pass); left out, the view has no `read`. */
  plateReads?: Pick<PlateReadRepo, 'get'>;
  subjects?: SubjectRepo;
  alerts?: Pick<import('../store/alert-repo.js').AlertRepo, 'dispositions'>;
}

export async function describeAlert(alert: AlertRow, deps: AlertViewDeps): Promise<Record<string, unknown>> {
  if (alert.kind === 'face') return describeFaceAlert(alert, deps);
  const [camera, entry, read] = await Promise.all([
    deps.cameras.get(alert.camera_id),
    alert.hotlist_id ? deps.hotlistRepo.get(alert.hotlist_id) : null,
    alert.plate_read_id && deps.plateReads ? deps.plateReads.get(alert.plate_read_id) : null,
  ]);
  return {
    id: alert.id,
    kind: alert.kind,
    status: alert.status,
    notice: plateNotice(alert),
    plate: alert.plate,
    priority: alert.priority,
    match: alert.match,
    capturedAt: new Date(alert.captured_at).toISOString(),
    createdAt: new Date(alert.created_at).toISOString(),
    plateReadId: alert.plate_read_id,
    cropUrl: `/api/v1/plate-reads/${alert.plate_read_id}/crop.jpg`,
    read: read && { confidence: read.confidence, readCount: read.read_count, format: read.format },
    dutyLevel: alert.duty_level,
    confirmations: { required: alert.confirmations_required },
    camera: cameraView(camera),
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

async function describeFaceAlert(alert: AlertRow, deps: AlertViewDeps): Promise<Record<string, unknown>> {
  const subjectId = alert.subject_id as string;
  const [camera, subject, photos, verdicts] = await Promise.all([
    deps.cameras.get(alert.camera_id),
    deps.subjects?.get(subjectId) ?? null,
    deps.subjects?.photos(subjectId) ?? [],
    deps.alerts?.dispositions(alert.id) ?? [],
  ]);
  const confirmedBy = verdicts.filter((v) => v.verdict === 'confirm').map((v) => v.actor);
  return {
    id: alert.id,
    kind: 'face',
    status: alert.status,
    notice: faceNotice(alert, confirmedBy),
    plate: null,
    priority: alert.priority,
    score: alert.score,
    match: alert.match,
    capturedAt: new Date(alert.captured_at).toISOString(),
    createdAt: new Date(alert.created_at).toISOString(),
    faceSightingId: alert.face_sighting_id,
    authorisationId: alert.authorisation_id,
    dutyLevel: alert.duty_level,
    cropUrl: `/api/v1/faces/sightings/${alert.face_sighting_id}/crop.jpg`,
    camera: cameraView(camera),
    subject: subject && {
      id: subject.id,
      name: subject.name,
      category: subject.category,
      reason: subject.reason,
      reference: subject.reference,
      expiresAt: subject.expires_at,
      deleted: subject.deleted_at !== null,
      photoUrl: photos[0] ? `/api/v1/subjects/${subject.id}/photos/${photos[0].id}` : null,
      photoSource: photos[0]?.source ?? null,
    },
    confirmations: { required: alert.confirmations_required, given: confirmedBy.length, by: confirmedBy },
    verdicts: verdicts.map((v) => ({ by: v.actor, role: v.role, verdict: v.verdict, reason: v.reason, at: new Date(v.at).toISOString() })),
    disposition: alert.disposed_by ? { by: alert.disposed_by, at: alert.disposed_at, reason: alert.disposition_reason } : null,
  };
}

function plateNotice(alert: AlertRow): string {
  if (alert.status === 'confirmed') return 'Confirmed by an operator.';
  return alert.status === 'candidate' && alert.confirmations_required > 0 ? AWAITING_CONFIRMATION_NOTICE : CANDIDATE_NOTICE;
}

function faceNotice(alert: AlertRow, confirmedBy: string[]): string {
  const m = alert.match as { cosine?: number; score?: number; scoring?: string };
  const score = m.cosine === undefined ? '' : ` (cosine ${m.cosine.toFixed(3)}${m.scoring === 'snorm' ? `, s-norm ${Number(m.score).toFixed(2)}` : ''})`;
  if (alert.status === 'confirmed') return `Face match confirmed by ${confirmedBy.join(' and ')} before dispatch${score}. Check identity in person: a face match is not proof.`;
  if (alert.status === 'dismissed') return `Dismissed by ${alert.disposed_by}: not a match.`;
  const left = alert.confirmations_required - confirmedBy.length;
  return `Candidate face match${score}: not confirmed. Nobody is sent until ${left} more ${left === 1 ? 'person confirms' : 'people confirm'} it against the watchlist photo.`;
}

function cameraView(camera: Awaited<ReturnType<CameraRepo['get']>>) {
  return camera && { id: camera.id, name: camera.name, kind: camera.kind, lat: camera.lat, lon: camera.lon, district: camera.district };
}
