// The face watchlist as the API answers it: subjects with their photos, enrolment results, authorisations
// and retrospective search results; one zod schema and one view function each (the document shows the schemas).
import { z } from 'zod';
import type { Authorisation } from '../domain/face-authorisation.js';
import type { FaceSighting } from '../domain/face-sighting.js';
import { SUBJECT_CATEGORIES, type Subject, type SubjectPhoto } from '../domain/face-watchlist.js';
import type { PhotoResult } from '../services/face-watchlist-service.js';
import { isoTime } from '../api/contract/route-doc.js';

const box = z.array(z.number()).length(4).describe('[x1, y1, x2, y2] in pixels of the image');

export const subjectViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.enum(SUBJECT_CATEGORIES),
  reason: z.string(),
  reference: z.string().nullable(),
  addedBy: z.string(),
  expiresAt: isoTime,
  active: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  deletedAt: isoTime.nullable().describe('Set on a tombstone kept for the alerts that name it'),
  photos: z.number().int().describe('Photos enrolled'),
});
export type SubjectView = z.infer<typeof subjectViewSchema>;

export const subjectView = (s: Subject): SubjectView => ({ ...s });

export const subjectPhotoViewSchema = z.object({
  id: z.string(),
  source: z.string().describe('Where the photo came from'),
  imageType: z.string(),
  sha256: z.string(),
  box,
  quality: z.number(),
  model: z.string().describe('The embedder it was enrolled with'),
  addedBy: z.string(),
  createdAt: isoTime,
  url: z.string().describe('The photo as uploaded'),
});

export const subjectPhotoView = (p: SubjectPhoto): z.infer<typeof subjectPhotoViewSchema> => ({
  id: p.id,
  source: p.source,
  imageType: p.imageType,
  sha256: p.sha256,
  box: p.box,
  quality: p.quality,
  model: p.model,
  addedBy: p.addedBy,
  createdAt: p.createdAt.toISOString(),
  url: `/api/v1/subjects/${p.subjectId}/photos/${p.id}`,
});

export const subjectDetailSchema = subjectViewSchema.extend({ photoList: z.array(subjectPhotoViewSchema) });
export const subjectDetailView = (s: Subject, photos: SubjectPhoto[]): z.infer<typeof subjectDetailSchema> => ({
  ...subjectView(s),
  photoList: photos.map(subjectPhotoView),
});

export const photoResultSchema = z.discriminatedUnion('ok', [
  z.object({
    name: z.string(),
    ok: z.literal(true),
    photoId: z.string(),
    duplicate: z.boolean(),
    quality: z.number(),
    faceWidth: z.number(),
  }),
  z.object({
    name: z.string(),
    ok: z.literal(false),
    problem: z.string(),
    message: z.string().describe('What is wrong with this photo'),
  }),
]);
export const photoResultView = (r: PhotoResult): z.infer<typeof photoResultSchema> => ({ ...r });

export const enrolmentSchema = z.object({ subject: subjectViewSchema, photos: z.array(photoResultSchema) });
export const photosAddedSchema = z.object({ photos: z.array(photoResultSchema) });
export const subjectDeletedSchema = z.object({
  deleted: z.literal(true),
  photos: z.number().int().optional(),
  tombstone: z.boolean().optional(),
});

export const authorisationViewSchema = z.object({
  id: z.string(),
  approvedBy: z.string(),
  legalReference: z.string(),
  cameras: z.array(z.string()),
  districts: z.array(z.string()),
  startsAt: isoTime,
  endsAt: isoTime,
  createdBy: z.string(),
  snapshotSubjects: z
    .array(z.string())
    .nullable()
    .describe('Subject ids frozen at the start; null until it first applies'),
  snapshotHash: z.string().nullable().describe('sha256 of the frozen watchlist (subject ids and photo hashes)'),
  snapshotAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  endedBy: z.string().nullable(),
  endReason: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const authorisationView = (a: Authorisation): z.infer<typeof authorisationViewSchema> => ({ ...a });

export const faceSearchResultSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  authorisationId: z.string(),
  firstSeen: isoTime,
  lastSeen: isoTime,
  box,
  quality: z.number(),
  frames: z.number().int(),
  matched: z.boolean(),
  expiresAt: isoTime.nullable(),
  score: z.number().describe('Cosine similarity to the photo, 3 decimals'),
  cropUrl: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  footageUrl: z.string().describe('The footage around the sighting, carrying the search purpose'),
});
export const faceSearchSchema = z.object({
  scanned: z.number().int().describe('Stored faces compared'),
  results: z.array(faceSearchResultSchema),
});

export function faceSearchResultView(
  r: FaceSighting & { score: number },
  footageUrl: string,
): z.infer<typeof faceSearchResultSchema> {
  const crop = r.hasCrop ? `/api/v1/faces/sightings/${r.id}/crop.jpg` : null;
  return {
    id: r.id,
    cameraId: r.cameraId,
    authorisationId: r.authorisationId,
    firstSeen: r.firstSeen.toISOString(),
    lastSeen: r.lastSeen.toISOString(),
    box: r.box,
    quality: r.quality,
    frames: r.frames,
    matched: r.matched,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    score: r.score,
    cropUrl: crop,
    thumbnailUrl: crop,
    footageUrl,
  };
}
