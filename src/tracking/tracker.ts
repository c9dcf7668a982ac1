// Multi-object tracker, ByteTrack-style: joins per-frame detections into tracks and emits start/update/end events.
import { iou } from '../domain/box.js';
import { randomUUID } from 'node:crypto';
import type { Box } from '../domain/frame.js';

export interface Detection {
  label: string;
  score: number;
  box: Box;
}

export interface FrameSize {
  width: number;
  height: number;
}

export interface BestShot {
  box: Box;
  score: number;
  quality: number;
  /** frameTime of the frame the shot is from: crop that frame, not a later one. */
  capturedAt: number;
}

export interface TrackView {
  id: string;
  label: string;
  firstSeen: number;
  lastSeen: number;
  /** The last matched detection's box. */
  box: Box;
  /** The last matched detection's score. */
  score: number;
  hits: number;
  bestShot: BestShot;
}

export type TrackEvent =
  | { type: 'start'; track: TrackView }
  | { type: 'update'; track: TrackView }
  /** timeout: unseen for endAfterMs; flush: the caller ended every track (stream stopped). */
  | { type: 'end'; track: TrackView; reason: 'timeout' | 'flush' };

/** How good a detection is as the picture of its track (higher is better); compared within one track only. */
export type ShotQuality = (shot: { box: Box; score: number; label: string; frameSize: FrameSize }) => number;

export interface TrackerOptions {
  /** Detections at or above this score take part in the first association. Default 0.3 (centernet runs low, FACTS). */
  highScore?: number;
  /** Detections between this and highScore can only extend tracks that are already being followed. Default 0.1. */
  lowScore?: number;
  /** An unmatched detection at or above this score starts a tentative track. Default: highScore. */
  newTrackScore?: number;
  /** Smallest IoU between a track's predicted box and a high-score detection to match. Default 0.2. */
  matchIou?: number;
  /** Smallest IoU for a low-score detection: stricter, as low scores are often background. Default 0.5. */
  lowMatchIou?: number;
  /** Matches in a row before a track is confirmed and announced ('start'). Default 3. */
  confirmHits?: number;
  /** Missed analysed frames after which a track is lost: it keeps predicting but takes only high-score detections. Default 2. */
  lostAfterMisses?: number;
  /** A track unseen for this long ends (frameTime units, normally ms). Default 3000. */
  endAfterMs?: number;
  /** Weight of the newest measured velocity against the running one (0..1]. Default 0.5. */
  velocitySmoothing?: number;
  /** Best-shot scoring; the default favours large, fully visible, high-score boxes. */
  quality?: ShotQuality;
  /** Track id factory. Default: random UUIDs, so ids stay unique across restarts and cameras. */
  newId?: () => string;
}

/** The tracker's own state: what callers see, plus what association needs. */
interface Track extends TrackView {
  misses: number;
  confirmed: boolean;
  /** Change of each box coordinate per frameTime unit; null until the second match. */
  velocity: Box | null;
  /** Where the track is expected in the frame being associated. */
  predicted: Box;
}

interface Match {
  track: Track;
  detection: Detection;
}

const DEFAULTS = {
  highScore: 0.3,
  lowScore: 0.1,
  matchIou: 0.2,
  lowMatchIou: 0.5,
  confirmHits: 3,
  lostAfterMisses: 2,
  endAfterMs: 3000,
  velocitySmoothing: 0.5,
};

export { iou };

/**
 * Score x size x visibility. Size counts until the box covers a tenth of the frame (beyond that a crop
 * gains little detail); a box touching the frame edge is probably cut off, so it counts half.
 */
export const defaultShotQuality: ShotQuality = ({ box, score, frameSize }) => {
  const { width, height } = frameSize;
  const areaFraction = ((box[2] - box[0]) * (box[3] - box[1])) / (width * height);
  const size = Math.min(1, Math.sqrt(Math.max(0, areaFraction) / 0.1));
  const edge = 2;
  const inside = box[0] > edge && box[1] > edge && box[2] < width - edge && box[3] < height - edge;
  return score * size * (inside ? 1 : 0.5);
};

/**
 * Matches by descending IoU, one detection per track, same label only. Greedy rather than an optimal
 * assignment: with a motion-predicted box the right pair has the clearly highest IoU, and greedy is cheap.
 */
function associate(
  tracks: Track[],
  detections: Detection[],
  minIou: number,
): { matches: Match[]; tracks: Track[]; detections: Detection[] } {
  const pairs: { t: number; d: number; iou: number }[] = [];
  tracks.forEach((track, t) =>
    detections.forEach((det, d) => {
      if (det.label !== track.label) return;
      const overlap = iou(track.predicted, det.box);
      if (overlap >= minIou) pairs.push({ t, d, iou: overlap });
    }),
  );
  pairs.sort((a, b) => b.iou - a.iou);
  const usedT = new Set<number>();
  const usedD = new Set<number>();
  const matches: Match[] = [];
  for (const p of pairs) {
    if (usedT.has(p.t) || usedD.has(p.d)) continue;
    usedT.add(p.t);
    usedD.add(p.d);
    matches.push({ track: tracks[p.t], detection: detections[p.d] });
  }
  return {
    matches,
    tracks: tracks.filter((_, t) => !usedT.has(t)),
    detections: detections.filter((_, d) => !usedD.has(d)),
  };
}

function view(t: Track): TrackView {
  return {
    id: t.id,
    label: t.label,
    firstSeen: t.firstSeen,
    lastSeen: t.lastSeen,
    box: [...t.box],
    score: t.score,
    hits: t.hits,
    bestShot: { ...t.bestShot, box: [...t.bestShot.box] },
  };
}

export class Tracker {
  private readonly opts: typeof DEFAULTS & { newTrackScore: number; quality: ShotQuality; newId: () => string };
  private tracks: Track[] = [];

  constructor(options: TrackerOptions = {}) {
    const merged = { ...DEFAULTS, ...options };
    this.opts = {
      ...merged,
      newTrackScore: options.newTrackScore ?? merged.highScore,
      quality: options.quality ?? defaultShotQuality,
      newId: options.newId ?? randomUUID,
    };
  }

  /** One analysed frame: every detection the detector returned for it (all regions), in frame pixels. */
  update(detections: Detection[], frameTime: number, frameSize: FrameSize): TrackEvent[] {
    const { highScore, lowScore, matchIou, lowMatchIou, lostAfterMisses } = this.opts;
    for (const t of this.tracks) t.predicted = this.predict(t, frameTime);
    const high = detections.filter((d) => d.score >= highScore);
    const low = detections.filter((d) => d.score >= lowScore && d.score < highScore);
    const confirmed = this.tracks.filter((t) => t.confirmed);
    const tentative = this.tracks.filter((t) => !t.confirmed);

    // 1: every confirmed track, lost ones included, against the confident detections.
    const first = associate(confirmed, high, matchIou);
    // 2: tracks still being followed take low-score detections (an occluded or blurred object keeps its track).
    const followed = first.tracks.filter((t) => t.misses < lostAfterMisses);
    const second = associate(followed, low, lowMatchIou);
    // 3: tentative tracks get only the confident detections left over, so they never steal from confirmed ones.
    const third = associate(tentative, first.detections, matchIou);

    const events: TrackEvent[] = [];
    for (const m of [...first.matches, ...second.matches, ...third.matches]) {
      const started = this.apply(m, frameTime, frameSize);
      if (m.track.confirmed) events.push({ type: started ? 'start' : 'update', track: view(m.track) });
    }
    const rescued = new Set(second.matches.map((m) => m.track));
    for (const t of first.tracks) if (!rescued.has(t)) t.misses++;
    // A tentative track that misses once was probably a false detection (ByteTrack drops it too).
    const droppedTentative = new Set(third.tracks);
    this.tracks = this.tracks.filter((t) => !droppedTentative.has(t));
    for (const det of third.detections) {
      if (det.score >= this.opts.newTrackScore) events.push(...this.create(det, frameTime, frameSize));
    }
    return events.concat(this.expire(frameTime));
  }

  /** Ends tracks unseen for endAfterMs. Call on frames that are not analysed (no motion), so tracks still end on time. */
  expire(frameTime: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    this.tracks = this.tracks.filter((t) => {
      if (frameTime - t.lastSeen <= this.opts.endAfterMs) return true;
      if (t.confirmed) events.push({ type: 'end', track: view(t), reason: 'timeout' });
      return false;
    });
    return events;
  }

  /** Ends every track now (the stream stopped or the camera is being removed). */
  flush(): TrackEvent[] {
    const events = this.tracks
      .filter((t) => t.confirmed)
      .map((t): TrackEvent => ({ type: 'end', track: view(t), reason: 'flush' }));
    this.tracks = [];
    return events;
  }

  /** Confirmed tracks that have not ended, lost ones included. */
  active(): TrackView[] {
    return this.tracks.filter((t) => t.confirmed).map(view);
  }

  private predict(t: Track, at: number): Box {
    if (!t.velocity) return t.box;
    const dt = at - t.lastSeen;
    const v = t.velocity;
    return [t.box[0] + v[0] * dt, t.box[1] + v[1] * dt, t.box[2] + v[2] * dt, t.box[3] + v[3] * dt];
  }

  /** Moves a track onto its matched detection; returns true when this match confirms it. */
  private apply({ track: t, detection: d }: Match, frameTime: number, frameSize: FrameSize): boolean {
    const dt = frameTime - t.lastSeen;
    if (dt > 0) {
      const measured = d.box.map((c, i) => (c - t.box[i]) / dt) as Box;
      const a = this.opts.velocitySmoothing;
      t.velocity = t.velocity ? (measured.map((m, i) => a * m + (1 - a) * t.velocity![i]) as Box) : measured;
    }
    t.box = [...d.box];
    t.score = d.score;
    t.lastSeen = frameTime;
    t.hits++;
    t.misses = 0;
    this.considerShot(t, d, frameTime, frameSize);
    if (t.confirmed || t.hits < this.opts.confirmHits) return false;
    t.confirmed = true;
    return true;
  }

  private considerShot(t: Track, d: Detection, frameTime: number, frameSize: FrameSize): void {
    const quality = this.opts.quality({ box: d.box, score: d.score, label: d.label, frameSize });
    if (quality > t.bestShot.quality) t.bestShot = { box: [...d.box], score: d.score, quality, capturedAt: frameTime };
  }

  private create(d: Detection, frameTime: number, frameSize: FrameSize): TrackEvent[] {
    const t: Track = {
      id: this.opts.newId(),
      label: d.label,
      firstSeen: frameTime,
      lastSeen: frameTime,
      box: [...d.box],
      score: d.score,
      hits: 1,
      misses: 0,
      confirmed: this.opts.confirmHits <= 1,
      velocity: null,
      predicted: [...d.box],
      bestShot: { box: [...d.box], score: d.score, quality: -Infinity, capturedAt: frameTime },
    };
    this.considerShot(t, d, frameTime, frameSize);
    this.tracks.push(t);
    return t.confirmed ? [{ type: 'start', track: view(t) }] : [];
  }
}
