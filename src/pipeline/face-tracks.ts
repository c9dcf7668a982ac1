// Face tracks on one camera: faces joined frame to frame (by place, checked by appearance), one decision per track from several frames weighted by quality, upgraded by a better frame.
import { iou } from '../domain/box.js';
import { randomUUID } from 'node:crypto';
import type { Box, RgbImage } from '../domain/frame.js';
import { meanUnit } from '../vision/face-chip.js';

export interface FaceObservation {
  box: Box;
  /** 0..1 (size, sharpness, pose). */
  quality: number;
  /** Unit length; null for a face not embedded (see wants()): it keeps its track alive but does not vote. */
  embedding: Float32Array | null;
  /** The face with some margin, for the evidence crop. */
  crop: RgbImage;
}

export interface FaceTrackOptions {
  /** Usable frames before the first decision. */
  minFrames: number;
  /** Relative quality gain over the last sent frame that sends the track again. */
  upgradeGain: number;
  /** Frames below this quality are followed but do not vote. */
  minQuality: number;
  /** A track unseen this long (ms) has ended. */
  endAfterMs: number;
  /**
   * A face whose embedding has a cosine under this with its track's running mean is someone else
   * (a second person stepping into the first one's place): the track ends and a new one starts.
   * Default SPLIT_COSINE.
   */
  splitCosine?: number;
  /** A decided track's face is embedded again at least this often (ms), to notice a new face in its place. Default RECHECK_MS. */
  recheckMs?: number;
}

/**
 * faceapi-recognition cosines (blazeface chip + mirror) on the public faceapi set: same person
 * across different photos min 0.905, 5th percentile 0.914; different people median 0.86. A face in
 * consecutive frames is closer to itself than across photos, so 0.9 splits little of one person,
 * while two people the embedder can tell apart at all are mostly below it.
 */
export const SPLIT_COSINE = 0.9;
/** One extra embedding (~20 ms) per decided track a second: a new person is noticed within a second. */
export const RECHECK_MS = 1000;

/** What one face track sends for matching: the quality-weighted mean of its usable frames. */
export interface FaceDecision {
  trackId: string;
  version: number;
  firstSeen: number;
  lastSeen: number;
  /** When the best frame was taken. */
  capturedAt: number;
  frames: number;
  quality: number;
  box: Box;
  embedding: Float32Array;
  crop: RgbImage;
  final: boolean;
}

interface Track {
  id: string;
  firstSeen: number;
  lastSeen: number;
  lastBox: Box;
  vectors: Float32Array[];
  weights: number[];
  best: { quality: number; box: Box; crop: RgbImage; at: number } | null;
  version: number;
  sentQuality: number;
  /** When the track's face was last embedded (-Infinity: never). */
  embeddedAt: number;
}

/** Faces closer than this (IoU of consecutive boxes) are the same face; at 5 fps a face moves a fraction of its width. */
const MATCH_IOU = 0.2;
/** Weight = quality^2: a sharp frontal frame outvotes several poor ones, as an operator would judge. */
const weightOf = (quality: number) => quality * quality;

export class FaceTracks {
  private tracks: Track[] = [];

  constructor(private readonly opts: FaceTrackOptions) {}

  get size(): number {
    return this.tracks.length;
  }

  /**
   * Which of this frame's faces are worth embedding: usable ones of new or undecided tracks, and of
   * decided tracks only a frame good enough to upgrade the decision. The rest skip the net (~20 ms each).
   */
  wants(faces: readonly Pick<FaceObservation, 'box' | 'quality'>[], at = -Infinity): boolean[] {
    const tracks = this.associate(faces);
    const recheck = this.opts.recheckMs ?? RECHECK_MS;
    return faces.map((f, i) => {
      const t = tracks[i];
      if (f.quality < this.opts.minQuality) return false;
      // A decided track is still checked now and then: the face in its place may be someone else's.
      return (
        !t || t.version === 0 || f.quality > t.sentQuality * (1 + this.opts.upgradeGain) || at - t.embeddedAt >= recheck
      );
    });
  }

  /** Adds one frame's faces; returns the decisions due now (first decisions and upgrades), then ended tracks' last ones. */
  observe(faces: readonly FaceObservation[], at: number): FaceDecision[] {
    const out: FaceDecision[] = [];
    const assigned = this.associate(faces);
    faces.forEach((face, i) => {
      let track = assigned[i];
      if (track && this.someoneElse(track, face)) {
        out.push(...this.end(track));
        track = undefined;
      }
      if (!track) {
        track = {
          id: randomUUID(),
          firstSeen: at,
          lastSeen: at,
          lastBox: face.box,
          vectors: [],
          weights: [],
          best: null,
          version: 0,
          sentQuality: 0,
          embeddedAt: -Infinity,
        };
        this.tracks.push(track);
      }
      track.lastSeen = at;
      track.lastBox = face.box;
      if (face.embedding) track.embeddedAt = at;
      if (face.embedding && face.quality >= this.opts.minQuality) {
        track.vectors.push(face.embedding);
        track.weights.push(weightOf(face.quality));
        if (!track.best || face.quality > track.best.quality)
          track.best = { quality: face.quality, box: face.box, crop: face.crop, at };
      }
      if (this.due(track)) out.push(this.decide(track, false));
    });
    return [...out, ...this.expire(at)];
  }

  /**
   * The live track each face continues (undefined: a new face), by IoU with the track's last box,
   * best faces first so a strong face is not robbed of its track by a weak neighbour.
   */
  private associate(faces: readonly Pick<FaceObservation, 'box' | 'quality'>[]): (Track | undefined)[] {
    const free = new Set(this.tracks);
    const out: (Track | undefined)[] = new Array(faces.length);
    const order = faces.map((_, i) => i).sort((a, b) => faces[b].quality - faces[a].quality);
    for (const i of order) {
      let track: Track | undefined;
      let bestIou = MATCH_IOU;
      for (const t of free) {
        const overlap = iou(t.lastBox, faces[i].box);
        if (overlap >= bestIou) [track, bestIou] = [t, overlap];
      }
      if (track) free.delete(track);
      out[i] = track;
    }
    return out;
  }

  /** The face's embedding is too far from the track's running mean to be the same person. */
  private someoneElse(track: Track, face: FaceObservation): boolean {
    if (!face.embedding || !track.vectors.length) return false;
    const mean = meanUnit(track.vectors, track.weights);
    let cos = 0;
    for (let k = 0; k < mean.length; k++) cos += mean[k] * face.embedding[k];
    return cos < (this.opts.splitCosine ?? SPLIT_COSINE);
  }

  /** Ends one track now (its person left): an undecided track gets its one decision from what it has. */
  private end(track: Track): FaceDecision[] {
    this.tracks = this.tracks.filter((t) => t !== track);
    return track.version === 0 && track.best ? [this.decide(track, true)] : [];
  }

  /** Ends tracks unseen for endAfterMs; a track never decided gets its one decision from what it has. */
  expire(at: number): FaceDecision[] {
    const ended = this.tracks.filter((t) => at - t.lastSeen >= this.opts.endAfterMs);
    this.tracks = this.tracks.filter((t) => at - t.lastSeen < this.opts.endAfterMs);
    return ended.filter((t) => t.version === 0 && t.best).map((t) => this.decide(t, true));
  }

  /** Ends every track (camera stopping) with the same rule as expire(). */
  flush(): FaceDecision[] {
    return this.expire(Infinity);
  }

  /** Forgets every track without a decision: matching stopped (no authorisation), so nothing leaves this process. */
  drop(): void {
    this.tracks = [];
  }

  private due(t: Track): boolean {
    if (!t.best) return false;
    if (t.version === 0) return t.vectors.length >= this.opts.minFrames;
    return t.best.quality > t.sentQuality * (1 + this.opts.upgradeGain);
  }

  private decide(t: Track, final: boolean): FaceDecision {
    const best = t.best as NonNullable<Track['best']>;
    t.version += 1;
    t.sentQuality = best.quality;
    return {
      trackId: t.id,
      version: t.version,
      firstSeen: t.firstSeen,
      lastSeen: t.lastSeen,
      capturedAt: best.at,
      frames: t.vectors.length,
      quality: best.quality,
      box: best.box,
      embedding: meanUnit(t.vectors, t.weights),
      crop: best.crop,
      final,
    };
  }
}
