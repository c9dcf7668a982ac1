// One camera's face path: only while an authorisation covers it, faces in person regions -> face tracks -> one 'faces' event per decision.
import type { Box, Frame, Region } from '../domain/frame.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { ChipAnalyzer } from '../vision/face-chip.js';
import { cropImage, encodeJpeg } from '../vision/image.js';
import { FaceTracks, type FaceDecision, type FaceTrackOptions } from './face-tracks.js';

/** Answers from a list refreshed every few seconds, so it can be asked on every frame. */
export interface FaceGate {
  covers(cameraId: string, at: number): boolean;
}

export interface FaceWatchDeps {
  analyzer: Pick<ChipAnalyzer, 'detect' | 'embed' | 'model'>;
  gate: FaceGate;
  track: FaceTrackOptions;
}

export interface FaceFrameOutcome {
  authorised: boolean;
  faces: number;
  /** Faces run through the embedder this frame (the others belong to decided tracks, or are too poor). */
  embedded: number;
  sent: number;
}

/** Head region of a person box: the top 40% (a standing person's head and shoulders), a little wider. */
export function headRegion(person: Box, frame: { width: number; height: number }): Box {
  const [x1, y1, x2, y2] = person;
  const [w, h] = [x2 - x1, y2 - y1];
  const pad = 0.1 * w;
  return [
    Math.max(0, x1 - pad),
    Math.max(0, y1 - 0.05 * h),
    Math.min(frame.width, x2 + pad),
    Math.min(frame.height, y1 + 0.4 * h),
  ];
}

/** Share of the face box added on each side of the evidence crop. */
const CROP_MARGIN = 0.3;

export class FaceWatch {
  private readonly tracks: FaceTracks;

  constructor(
    private readonly cameraId: string,
    private readonly roi: Region | undefined,
    private readonly deps: FaceWatchDeps,
    private readonly queues: QueueSet,
  ) {
    this.tracks = new FaceTracks(deps.track);
  }

  /**
   * `persons`: this frame's person boxes when object analysis runs (faces are searched only in their
   * head regions, untiled), or null to search the ROI (tiled when large). Outside an authorisation
   * no face is even detected, and any open track is forgotten unsent.
   */
  async onFrame(frame: Frame, persons: Box[] | null): Promise<FaceFrameOutcome> {
    if (!this.deps.gate.covers(this.cameraId, frame.capturedAt)) {
      this.tracks.drop();
      return { authorised: false, faces: 0, embedded: 0, sent: 0 };
    }
    if (persons && !persons.length) {
      const sent = await this.send(this.tracks.expire(frame.capturedAt));
      return { authorised: true, faces: 0, embedded: 0, sent };
    }
    const { analyzer } = this.deps;
    const faces = persons
      ? await analyzer.detect(frame, { roi: this.roi, tile: false, regions: persons.map((p) => headRegion(p, frame)) })
      : await analyzer.detect(frame, { roi: this.roi });
    const wanted = this.tracks.wants(faces, frame.capturedAt);
    const observations = [];
    for (const [i, f] of faces.entries()) {
      const embedding = wanted[i] ? (await analyzer.embed(frame, f)).embedding : null;
      observations.push({ box: f.box, quality: f.quality, embedding, crop: cropImage(frame, marginBox(f.box, frame)) });
    }
    const sent = await this.send(this.tracks.observe(observations, frame.capturedAt));
    return { authorised: true, faces: faces.length, embedded: wanted.filter(Boolean).length, sent };
  }

  /** Camera stopping: undecided tracks get their decision, if matching is still authorised. */
  async flush(at = Date.now()): Promise<void> {
    if (!this.deps.gate.covers(this.cameraId, at)) this.tracks.drop();
    await this.send(this.tracks.flush());
  }

  private async send(decisions: FaceDecision[]): Promise<number> {
    for (const d of decisions) {
      await this.queues.add(
        'faces',
        {
          trackId: d.trackId,
          cameraId: this.cameraId,
          version: d.version,
          firstSeen: Math.round(d.firstSeen),
          lastSeen: Math.round(d.lastSeen),
          capturedAt: Math.round(d.capturedAt),
          frames: d.frames,
          quality: Math.min(1, Math.max(0, d.quality)),
          box: d.box,
          model: this.deps.analyzer.model,
          embedding: Array.from(d.embedding),
          cropJpeg: (await encodeJpeg(d.crop)).toString('base64'),
          final: d.final,
        },
        // Biometric data: gone from Redis as soon as the job is done (or has failed for good).
        { jobId: `face_${d.trackId}_${d.version}`, removeOnComplete: true, removeOnFail: true },
      );
    }
    return decisions.length;
  }
}

function marginBox(b: Box, frame: { width: number; height: number }): Box {
  const [mx, my] = [(b[2] - b[0]) * CROP_MARGIN, (b[3] - b[1]) * CROP_MARGIN];
  return [
    Math.max(0, b[0] - mx),
    Math.max(0, b[1] - my),
    Math.min(frame.width, b[2] + mx),
    Math.min(frame.height, b[3] + my),
  ];
}
