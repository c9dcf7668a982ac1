// Job: a face track's decision, matched against the watchlist only under an authorisation; kept only if it matched (or while retention allows).
import { UnrecoverableError } from 'bullmq';
import type { FaceEvent } from '../queues/payloads.js';
import { queueFaceAlert } from '../queues/alert-producer.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { FaceAuthorisationService } from '../services/face-authorisation-service.js';
import type { FaceWatchlistService } from '../services/face-watchlist-service.js';
import type { FaceSightingRepo } from '../store/face-sighting-repo.js';

export interface MatchFaceDeps {
  authorisations: Pick<FaceAuthorisationService, 'find'>;
  watchlist: Pick<FaceWatchlistService, 'match'>;
  faceSightings: FaceSightingRepo;
  queues: QueueSet;
  /** Seconds an unmatched face is kept after its track; 0: never stored. */
  unmatchedSeconds: number;
}

export type MatchFaceOutcome = 'not_authorised' | 'unmatched_dropped' | 'unmatched_kept' | 'matched';

export async function matchFace(p: FaceEvent, deps: MatchFaceDeps): Promise<MatchFaceOutcome> {
  // The camera checks too, but an authorisation can end between the frame and this job: check again.
  const auth = await deps.authorisations.find(p.cameraId, p.capturedAt);
  if (!auth) return 'not_authorised';
  const embedding = Float32Array.from(p.embedding);
  let hits;
  try {
    hits = await deps.watchlist.match(embedding, p.model, new Set(auth.snapshotSubjects ?? []));
  } catch (err) {
    throw new UnrecoverableError((err as Error).message);
  }
  if (!hits.length && deps.unmatchedSeconds === 0) {
    // An earlier version of the track may have been kept under an older, longer window.
    await deps.faceSightings.deleteUnmatched(p.trackId);
    return 'unmatched_dropped';
  }
  await deps.faceSightings.upsert({
    id: p.trackId,
    cameraId: p.cameraId,
    authorisationId: auth.id,
    firstSeen: p.firstSeen,
    lastSeen: p.lastSeen,
    capturedAt: p.capturedAt,
    box: p.box,
    quality: p.quality,
    frames: p.frames,
    embedding,
    crop: p.cropJpeg ? Buffer.from(p.cropJpeg, 'base64') : null,
    matched: hits.length > 0,
    expiresAt: hits.length ? null : p.lastSeen + deps.unmatchedSeconds * 1000,
  });
  for (const h of hits) {
    const hit = {
      kind: 'face' as const,
      faceSightingId: p.trackId,
      subjectId: h.subjectId,
      authorisationId: auth.id,
      cameraId: p.cameraId,
      cosine: clamp(h.cosine),
      score: h.score,
      scoring: h.scoring,
      threshold: h.threshold,
      category: h.category,
      priority: h.priority,
      capturedAt: p.capturedAt,
    };
    await queueFaceAlert(deps.queues, hit, p.version);
  }
  return hits.length ? 'matched' : 'unmatched_kept';
}

const clamp = (v: number) => Math.max(-1, Math.min(1, v));
