// Every queue's name next to its zod payload schema; producers and consumers both import from here.
import { z } from 'zod';

const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

/**
 * Who wrote a camera's event as its owner: the node holding the camera's lease and the lease's fencing
 * token (src/cluster). Consumers refuse a token older than the camera's current one; absent: no lease in play.
 */
export const fencePayload = z.strictObject({ nodeId: z.string().min(1), token: z.number().int().min(1) });
export type Fence = z.infer<typeof fencePayload>;

/** A fused plate read: one per vehicle pass; later, better readings of the same pass reuse eventId. */
export const plateReadPayload = z.strictObject({
  eventId: z.uuid(),
  cameraId: z.string().min(1),
  plate: z.string().min(2).max(16),
  confidence: z.number().min(0).max(1),
  format: z.string().min(1),
  firstSeen: z.number().int(),
  lastSeen: z.number().int(),
  /** Capture time of the frame behind this version of the read (latency is measured from it). */
  capturedAt: z.number().int(),
  readCount: z.number().int().min(1),
  box,
  /** The plate's box grew (approaching the camera) or shrank (receding) over the pass; absent while unknown. */
  motion: z.enum(['approaching', 'receding']).optional(),
  /** JPEG of the best plate crop, base64; small (a few kB). */
  cropJpeg: z.string().max(200_000).optional(),
  /** Plate colour (src/vision/plate-colour.ts vocabulary), the vehicle's type and colour; absent when unknown. */
  plateColour: z.string().max(20).optional(),
  vehicleType: z.string().max(40).optional(),
  vehicleColour: z.string().max(20).optional(),
  update: z.boolean(),
  fence: fencePayload.optional(),
});

export const matchPayload = z.strictObject({
  level: z.enum(['exact', 'ocr_equivalent', 'fuzzy', 'pattern']),
  ocrSubstitutions: z.number().int().min(0),
  otherDifferences: z.number().int().min(0),
  provinceDiffers: z.boolean(),
});

/** A hotlist hit on a plate read: dispatched at once (checkpoint staff verify the plate on sight). */
export const plateAlertPayload = z.strictObject({
  plateReadId: z.uuid(),
  hotlistId: z.uuid(),
  cameraId: z.string().min(1),
  plate: z.string().min(1),
  priority: z.number().int().min(1).max(5),
  match: matchPayload,
  capturedAt: z.number().int(),
});

/** A face watchlist hit: a candidate for the command room's review, never dispatched before people confirm it. */
export const faceAlertPayload = z.strictObject({
  kind: z.literal('face'),
  faceSightingId: z.uuid(),
  subjectId: z.uuid(),
  authorisationId: z.uuid(),
  cameraId: z.string().min(1),
  /** Cosine similarity of the face track's embedding to the subject's best enrolled photo. */
  cosine: z.number().min(-1).max(1),
  /** The score the decision used (s-norm or the cosine itself) and the threshold it passed (category, duty level). */
  score: z.number().min(-100).max(100),
  scoring: z.enum(['snorm', 'cosine']),
  threshold: z.number().min(-100).max(100),
  category: z.string().min(1),
  priority: z.number().int().min(1).max(5),
  capturedAt: z.number().int(),
});

export const alertPayload = z.union([plateAlertPayload, faceAlertPayload]);

export const dispatchPayload = z.strictObject({
  alertId: z.uuid(),
  /** 1 for the first unit, 2 for the next nearest after a time-out, ... */
  attempt: z.number().int().min(1),
});

export const escalatePayload = z.strictObject({
  alertId: z.uuid(),
  assignmentId: z.uuid(),
  attempt: z.number().int().min(1),
});

/**
 * A unit came free (status turned available, or a first fresh position): it is offered the waiting alert
 * it serves best (priority, then nearest). Without unitId, every free unit is matched (an alert began to
 * wait, or the periodic sweep).
 */
export const offerWaitingPayload = z.strictObject({
  unitId: z.string().min(1).optional(),
  trigger: z.enum(['available', 'position', 'waiting', 'sweep']),
});

/** A tracked object that left the picture (or the camera stopped): one per track. */
export const sightingPayload = z.strictObject({
  id: z.uuid(),
  cameraId: z.string().min(1),
  label: z.string().min(1),
  firstSeen: z.number().int(),
  lastSeen: z.number().int(),
  box,
  score: z.number().min(0).max(1),
  plate: z.string().max(16).nullable(),
  cropJpeg: z.string().max(400_000).optional(),
  vehicleColour: z.string().max(20).optional(),
  fence: fencePayload.optional(),
});

/**
 * A face track's decision from several frames (quality-weighted mean embedding); a later, better
 * frame sends the same track again with a higher version. Sent only while an authorisation covers
 * the camera; carries an embedding and a crop, so producers enqueue it with removeOnComplete.
 */
export const faceEventPayload = z.strictObject({
  trackId: z.uuid(),
  cameraId: z.string().min(1),
  version: z.number().int().min(1),
  firstSeen: z.number().int(),
  lastSeen: z.number().int(),
  capturedAt: z.number().int(),
  frames: z.number().int().min(1),
  quality: z.number().min(0).max(1),
  box,
  /** The embedder that made it (manifest name): an embedding of another model must not be compared. */
  model: z.string().min(1),
  embedding: z.array(z.number()).min(128).max(1024),
  cropJpeg: z.string().max(200_000).optional(),
  /** The track ended: no later version follows. */
  final: z.boolean(),
});

/** The retention purge of face data (repeatable); `trigger` says who asked. */
export const facePurgePayload = z.strictObject({
  trigger: z.enum(['schedule', 'manual']),
});

export const queues = {
  'plate-reads': plateReadPayload,
  alerts: alertPayload,
  dispatch: dispatchPayload,
  escalate: escalatePayload,
  'offer-waiting': offerWaitingPayload,
  sightings: sightingPayload,
  faces: faceEventPayload,
  'face-purge': facePurgePayload,
} as const;

export type QueueName = keyof typeof queues;
export type Payload<Q extends QueueName> = z.infer<(typeof queues)[Q]>;
export type PlateReadEvent = Payload<'plate-reads'>;
export type MatchLevel = z.infer<typeof matchPayload>;
export type PlateAlertPayload = z.infer<typeof plateAlertPayload>;
export type FaceAlertPayload = z.infer<typeof faceAlertPayload>;
export type FaceEvent = Payload<'faces'>;
