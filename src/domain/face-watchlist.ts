// Face watchlist vocabulary: subject categories, duty levels, the subject schemas, and per-category policy.
import { z } from 'zod';
import type { Box } from './frame.js';

export const SUBJECT_CATEGORIES = [
  'wanted_court',
  'wanted_police',
  'suspect',
  'missing_vulnerable',
  'at_risk',
] as const;
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];

// The duty levels live in domain/duty.ts; re-exported for the face watchlist's callers.
export { DUTY_LEVELS, type DutyLevel } from './duty.js';

/** Alert priority (1 most urgent) of a face hit by the subject's category. */
export const CATEGORY_PRIORITY: Record<SubjectCategory, number> = {
  wanted_court: 1,
  wanted_police: 1,
  missing_vulnerable: 2,
  suspect: 3,
  at_risk: 2,
};

const text = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} must not be empty`);

/** A listing needs its category, reason and expiry; addedBy is always the caller, set by the service. */
export const subjectInputSchema = z.strictObject({
  name: text('name').max(200),
  category: z.enum(SUBJECT_CATEGORIES, { error: `category must be one of ${SUBJECT_CATEGORIES.join(', ')}` }),
  reason: text('reason').max(1000),
  reference: z.string().trim().max(200).optional(),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'expiresAt must be an ISO date-time with a zone' })
    .refine((v) => Date.parse(v) > Date.now(), 'expiresAt must be in the future'),
});
export type SubjectInput = z.infer<typeof subjectInputSchema>;

export const subjectPatchSchema = z.strictObject({
  name: text('name').max(200).optional(),
  category: z.enum(SUBJECT_CATEGORIES).optional(),
  reason: text('reason').max(1000).optional(),
  reference: z.string().trim().max(200).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  active: z.boolean().optional(),
});
export type SubjectPatch = z.infer<typeof subjectPatchSchema>;

export interface Subject {
  id: string;
  name: string;
  category: SubjectCategory;
  reason: string;
  reference: string | null;
  addedBy: string;
  /** ISO times, UTC. */
  expiresAt: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  /** Set on a tombstone: the subject was deleted but alerts still point at it. */
  deletedAt: string | null;
  /** How many photos are enrolled. */
  photos: number;
}

/** An enrolled photo's facts (the image and its embedding stay in the store). */
export interface SubjectPhoto {
  id: string;
  subjectId: string;
  source: string;
  imageType: string;
  sha256: string;
  box: Box;
  quality: number;
  model: string;
  addedBy: string;
  createdAt: Date;
}

/** Whether a subject may match now: active, not deleted, not expired. */
export function isLive(s: Pick<Subject, 'active' | 'deletedAt' | 'expiresAt'>, now = Date.now()): boolean {
  return s.active && !s.deletedAt && Date.parse(s.expiresAt) > now;
}

/** One enrolled photo's embedding in the face gallery (src/matching/face-gallery.ts). */
export interface GalleryItem {
  id: string;
  subjectId: string;
  /** An embedding of the gallery's dimension; stored L2-normalised whatever its length. */
  vector: Float32Array;
}
