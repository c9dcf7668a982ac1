// What a person sees of an alert: the hit, why it is listed, where, and whether people have confirmed it.
// One schema per shape (the OpenAPI document is made from them) and one function that builds it; the
// API, the live stream and the offers sent to units all answer with describeAlert.
import { z } from 'zod';
import type { Alert } from '../domain/alert.js';
import type { DispatchWait } from '../domain/assignment.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { PlateReadRepo } from '../store/plate-read-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import { isoTime } from '../api/contract/route-doc.js';

export const CANDIDATE_NOTICE =
  'Candidate match: not confirmed by a person. Verify the plate and vehicle before acting.';
/** A plate hit raised at a level that wants an operator's confirmation before anyone is sent. */
export const AWAITING_CONFIRMATION_NOTICE =
  'Candidate match: not confirmed by a person. No unit is sent until an operator confirms it against the hotlist record.';

const DUTY_LEVEL = z
  .enum(['normal', 'enhanced', 'wartime'])
  .nullable()
  .describe('The duty level the alert was raised under');

export const alertCameraSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['street', 'checkpoint']),
    lat: z.number(),
    lon: z.number(),
    district: z.string(),
  })
  .nullable()
  .describe('The camera that saw it (null if unknown)');

export const plateMatchSchema = z.object({
  level: z.enum(['exact', 'ocr_equivalent', 'fuzzy', 'pattern']),
  ocrSubstitutions: z.number().int(),
  otherDifferences: z.number().int(),
  provinceDiffers: z.boolean(),
});
export const faceMatchSchema = z.object({
  cosine: z.number(),
  score: z.number(),
  scoring: z.string(),
  threshold: z.number(),
  category: z.string(),
});

const dispositionSchema = z
  .object({ by: z.string(), at: isoTime.nullable(), reason: z.string().nullable() })
  .nullable()
  .describe('The verdict that closed it');

/** An alert's wait for a free unit (null when it does not wait). */
export const dispatchStateSchema = z
  .object({ state: z.literal('waiting'), since: isoTime, attempt: z.number().int() })
  .nullable()
  .describe('No unit could take it yet: it waits since then');
export type DispatchState = z.infer<typeof dispatchStateSchema>;

const common = {
  id: z.string(),
  status: z.enum(['candidate', 'confirmed', 'dismissed']),
  notice: z.string().describe('What the hit means and what to do before acting'),
  priority: z.number().int().describe('1 most urgent'),
  capturedAt: isoTime,
  createdAt: isoTime,
  dutyLevel: DUTY_LEVEL,
  cropUrl: z.string(),
  camera: alertCameraSchema,
  disposition: dispositionSchema,
  dispatch: dispatchStateSchema.optional(),
  /** Which checkpoints a plate hit's live event reaches (stream only). */
  audience: z.object({ checkpoints: z.enum(['own', 'district', 'all']), district: z.string().nullable() }).optional(),
};

export const plateAlertViewSchema = z.object({
  ...common,
  kind: z.literal('plate'),
  plate: z.string(),
  match: plateMatchSchema,
  plateReadId: z.string().nullable(),
  read: z
    .object({ confidence: z.number(), readCount: z.number().int(), format: z.string() })
    .nullable()
    .describe('The read behind the hit'),
  confirmations: z.object({ required: z.number().int() }),
  listing: z
    .object({
      id: z.string(),
      plate: z.string().nullable(),
      pattern: z.string().nullable(),
      category: z.string(),
      reason: z.string(),
      source: z.string(),
      expiresAt: z.string(),
    })
    .nullable()
    .describe('The hotlist entry that matched'),
});

export const faceAlertViewSchema = z.object({
  ...common,
  kind: z.literal('face'),
  plate: z.null(),
  score: z.number().nullable(),
  match: faceMatchSchema,
  faceSightingId: z.string().nullable(),
  authorisationId: z.string().nullable(),
  subject: z
    .object({
      id: z.string(),
      name: z.string(),
      category: z.string(),
      reason: z.string(),
      reference: z.string().nullable(),
      expiresAt: z.string(),
      deleted: z.boolean(),
      photoUrl: z.string().nullable(),
      photoSource: z.string().nullable(),
    })
    .nullable()
    .describe('The watchlist subject that matched'),
  confirmations: z.object({ required: z.number().int(), given: z.number().int(), by: z.array(z.string()) }),
  verdicts: z.array(
    z.object({
      by: z.string(),
      role: z.string(),
      verdict: z.enum(['confirm', 'dismiss']),
      reason: z.string(),
      at: isoTime,
    }),
  ),
});

export const alertViewSchema = z.discriminatedUnion('kind', [plateAlertViewSchema, faceAlertViewSchema]);
export type AlertView = z.infer<typeof alertViewSchema>;

/**
 * `subjects` and `alerts` describe face alerts; the job and API deps carry them (they spread every
 * repository), and a plate alert needs neither.
 */
export interface AlertViewDeps {
  cameras: Pick<CameraRepo, 'get'>;
  hotlistRepo: Pick<HotlistRepo, 'get'>;
  /** The read behind a plate alert (confidence, reads in the pass); left out, the view's `read` is null. */
  plateReads?: Pick<PlateReadRepo, 'get'>;
  subjects?: Pick<SubjectRepo, 'get' | 'photos'>;
  alerts?: Pick<AlertRepo, 'dispositions'>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function describeAlert(alert: Alert, deps: AlertViewDeps): Promise<AlertView> {
  if (alert.kind === 'face') return describeFaceAlert(alert, deps);
  const [camera, entry, read] = await Promise.all([
    deps.cameras.get(alert.cameraId),
    alert.hotlistId ? deps.hotlistRepo.get(alert.hotlistId) : null,
    alert.plateReadId && deps.plateReads ? deps.plateReads.get(alert.plateReadId) : null,
  ]);
  return {
    id: alert.id,
    kind: 'plate',
    status: alert.status,
    notice: plateNotice(alert),
    plate: alert.plate,
    priority: alert.priority,
    match: alert.match as z.infer<typeof plateMatchSchema>,
    capturedAt: alert.capturedAt.toISOString(),
    createdAt: alert.createdAt.toISOString(),
    plateReadId: alert.plateReadId,
    cropUrl: `/api/v1/plate-reads/${alert.plateReadId}/crop.jpg`,
    read: read && { confidence: read.confidence, readCount: read.readCount, format: read.format },
    dutyLevel: alert.dutyLevel,
    confirmations: { required: alert.confirmationsRequired },
    camera: cameraView(camera),
    listing: entry && {
      id: entry.id,
      plate: entry.plate ?? null,
      pattern: entry.pattern ?? null,
      category: entry.category,
      reason: entry.reason,
      source: entry.source,
      expiresAt: entry.expiresAt,
    },
    disposition: dispositionOf(alert),
  };
}

async function describeFaceAlert(alert: Alert, deps: AlertViewDeps): Promise<AlertView> {
  const subjectId = alert.subjectId as string;
  const [camera, subject, photos, verdicts] = await Promise.all([
    deps.cameras.get(alert.cameraId),
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
    match: alert.match as z.infer<typeof faceMatchSchema>,
    capturedAt: alert.capturedAt.toISOString(),
    createdAt: alert.createdAt.toISOString(),
    faceSightingId: alert.faceSightingId,
    authorisationId: alert.authorisationId,
    dutyLevel: alert.dutyLevel,
    cropUrl: `/api/v1/faces/sightings/${alert.faceSightingId}/crop.jpg`,
    camera: cameraView(camera),
    subject: subject && {
      id: subject.id,
      name: subject.name,
      category: subject.category,
      reason: subject.reason,
      reference: subject.reference,
      expiresAt: subject.expiresAt,
      deleted: subject.deletedAt !== null,
      photoUrl: photos[0] ? `/api/v1/subjects/${subject.id}/photos/${photos[0].id}` : null,
      photoSource: photos[0]?.source ?? null,
    },
    confirmations: { required: alert.confirmationsRequired, given: confirmedBy.length, by: confirmedBy },
    verdicts: verdicts.map((v) => ({
      by: v.actor,
      role: v.role,
      verdict: v.verdict,
      reason: v.reason,
      at: v.at.toISOString(),
    })),
    disposition: dispositionOf(alert),
  };
}

/** How an alert's wait for a unit reads in the API and on the stream. */
export function waitingView(wait: Pick<DispatchWait, 'since' | 'attempt'>): NonNullable<DispatchState> {
  return { state: 'waiting', since: wait.since.toISOString(), attempt: wait.attempt };
}

function dispositionOf(alert: Alert): z.infer<typeof dispositionSchema> {
  return alert.disposedBy ? { by: alert.disposedBy, at: iso(alert.disposedAt), reason: alert.dispositionReason } : null;
}

function plateNotice(alert: Alert): string {
  if (alert.status === 'confirmed') return 'Confirmed by an operator.';
  return alert.status === 'candidate' && alert.confirmationsRequired > 0
    ? AWAITING_CONFIRMATION_NOTICE
    : CANDIDATE_NOTICE;
}

function faceNotice(alert: Alert, confirmedBy: string[]): string {
  const m = alert.match as Partial<z.infer<typeof faceMatchSchema>>;
  const score =
    m.cosine === undefined
      ? ''
      : ` (cosine ${m.cosine.toFixed(3)}${m.scoring === 'snorm' ? `, s-norm ${Number(m.score).toFixed(2)}` : ''})`;
  if (alert.status === 'confirmed')
    return `Face match confirmed by ${confirmedBy.join(' and ')} before dispatch${score}. Check identity in person: a face match is not proof.`;
  if (alert.status === 'dismissed') return `Dismissed by ${alert.disposedBy}: not a match.`;
  const left = alert.confirmationsRequired - confirmedBy.length;
  return `Candidate face match${score}: not confirmed. Nobody is sent until ${left} more ${left === 1 ? 'person confirms' : 'people confirm'} it against the watchlist photo.`;
}

function cameraView(camera: Awaited<ReturnType<CameraRepo['get']>>): z.infer<typeof alertCameraSchema> {
  return (
    camera && {
      id: camera.id,
      name: camera.name,
      kind: camera.kind,
      lat: camera.lat,
      lon: camera.lon,
      district: camera.district,
    }
  );
}
