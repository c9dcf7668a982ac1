// An alert: a candidate hit (plate or face) awaiting a human, with what matched and the people's verdicts.
import type { DutyLevel } from './duty.js';

export type AlertKind = 'plate' | 'face';
export type AlertStatus = 'candidate' | 'confirmed' | 'dismissed';

/** How a plate read matched its hotlist entry. */
export interface PlateMatch {
  level: 'exact' | 'ocr_equivalent' | 'fuzzy' | 'pattern';
  ocrSubstitutions: number;
  otherDifferences: number;
  provinceDiffers: boolean;
}

/** How a face matched its subject: the cosine, the score the decision used and the threshold it passed. */
export interface FaceMatch {
  cosine: number;
  score: number;
  scoring: string;
  threshold: number;
  category: string;
}

export type AlertMatch = PlateMatch | FaceMatch;

export interface Alert {
  id: string;
  kind: AlertKind;
  status: AlertStatus;
  cameraId: string;
  /** The plate read; '' on face alerts. */
  plate: string;
  match: AlertMatch;
  /** 1 most urgent. */
  priority: number;
  capturedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  /** Plate alerts only (null on face alerts). */
  plateReadId: string | null;
  hotlistId: string | null;
  /** Face alerts only (null on plate alerts). */
  subjectId: string | null;
  faceSightingId: string | null;
  authorisationId: string | null;
  score: number | null;
  disposedBy: string | null;
  disposedAt: Date | null;
  dispositionReason: string | null;
  /** Distinct people who must confirm before dispatch: 1 or 2 on face alerts; 0 (dispatched at once) or 1 on plate alerts. */
  confirmationsRequired: number;
  /** The duty level the alert was raised under; null on alerts from before levels were recorded. */
  dutyLevel: DutyLevel | null;
}

/** A plate hit to record: the read, the entry it matched, and where and when. */
export interface PlateHit {
  plateReadId: string;
  hotlistId: string;
  cameraId: string;
  plate: string;
  priority: number;
  match: PlateMatch;
  /** Epoch ms. */
  capturedAt: number;
}

/** A face hit to record: the sighting, the subject, the authorisation that allowed matching. */
export interface FaceHit {
  faceSightingId: string;
  subjectId: string;
  authorisationId: string;
  cameraId: string;
  cosine: number;
  score: number;
  scoring: string;
  threshold: number;
  category: string;
  priority: number;
  /** Epoch ms. */
  capturedAt: number;
}

/** One person's verdict on an alert. */
export interface Disposition {
  actor: string;
  /** Who counts as one person (Principal.personId): two confirmations are two personIds, whatever the names. */
  personId: string;
  role: string;
  verdict: 'confirm' | 'dismiss';
  reason: string;
  at: Date;
}

/** The outcome of one person's verdict on a face alert. */
export type VerdictOutcome =
  | { kind: 'recorded'; alert: Alert; confirmations: number }
  | { kind: 'already_voted' }
  | { kind: 'closed'; alert: Alert }
  | { kind: 'missing' };
