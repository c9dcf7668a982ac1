// Sightings: one record per ended track, carrying a crop of its best shot taken once per real improvement.
import type { Box, RgbImage } from '../domain/frame.js';
import { cropImage } from '../vision/image.js';
import type { TrackEvent, TrackView } from './tracker.js';

export interface Sighting {
  trackId: string;
  cameraId: string;
  label: string;
  firstSeen: number;
  lastSeen: number;
  /** The best shot's box and score (see TrackView.bestShot). */
  box: Box;
  score: number;
  /** Crop of the best shot seen while the track was announced; absent if no frame was given for it. */
  bestCrop?: RgbImage;
}

/** What was last cropped for a track; quality -Infinity marks a stand-in crop (see shouldCrop). */
export interface HeldCrop {
  quality: number;
  image: RgbImage;
}

export interface SightingRecorderOptions {
  cameraId: string;
  /** Crop again only when the best shot's quality beats the held crop's by this fraction. Default 0.1. */
  minGain?: number;
  /** Context kept around the box, as a fraction of its width and height on each side. Default 0.1. */
  cropPad?: number;
}

export type CropDecision = 'best-shot' | 'stand-in' | 'none';

/**
 * Whether this frame should be cropped for the track. The best shot can only be cropped in the frame it
 * came from, so the event must be handled with its own frame. An approaching object improves a little
 * every frame: minGain keeps that from becoming a crop per frame. A track confirmed after its best shot
 * (the shot came from a tentative frame that is gone) gets a stand-in crop of its current box.
 */
export function shouldCrop(track: TrackView, held: HeldCrop | undefined, minGain = 0.1): CropDecision {
  const fresh = track.bestShot.capturedAt === track.lastSeen;
  if (!fresh) return held ? 'none' : 'stand-in';
  if (!held || held.quality === -Infinity) return 'best-shot';
  const gain = held.quality > 0 ? track.bestShot.quality / held.quality - 1 : track.bestShot.quality - held.quality;
  return gain > minGain ? 'best-shot' : 'none';
}

function padBox(box: Box, fraction: number): Box {
  const padX = (box[2] - box[0]) * fraction;
  const padY = (box[3] - box[1]) * fraction;
  return [box[0] - padX, box[1] - padY, box[2] + padX, box[3] + padY];
}

export function toSighting(track: TrackView, cameraId: string, bestCrop?: RgbImage): Sighting {
  const sighting: Sighting = {
    trackId: track.id,
    cameraId,
    label: track.label,
    firstSeen: track.firstSeen,
    lastSeen: track.lastSeen,
    box: [...track.bestShot.box],
    score: track.bestShot.score,
  };
  if (bestCrop) sighting.bestCrop = bestCrop;
  return sighting;
}

/** Holds each live track's best crop and turns end events into sightings. One per camera. */
export class SightingRecorder {
  private readonly held = new Map<string, HeldCrop>();
  private readonly minGain: number;
  private readonly cropPad: number;

  constructor(private readonly opts: SightingRecorderOptions) {
    this.minGain = opts.minGain ?? 0.1;
    this.cropPad = opts.cropPad ?? 0.1;
  }

  /**
   * Handles the events of one tracker call. `frame` must be the frame those events came from; leave it
   * out for calls that analysed no frame (Tracker.expire, flush), which only end tracks.
   */
  observe(events: TrackEvent[], frame?: RgbImage): Sighting[] {
    const sightings: Sighting[] = [];
    for (const event of events) {
      const { track } = event;
      if (event.type === 'end') {
        sightings.push(toSighting(track, this.opts.cameraId, this.held.get(track.id)?.image));
        this.held.delete(track.id);
        continue;
      }
      if (!frame) continue;
      const decision = shouldCrop(track, this.held.get(track.id), this.minGain);
      if (decision === 'none') continue;
      const box = decision === 'best-shot' ? track.bestShot.box : track.box;
      const quality = decision === 'best-shot' ? track.bestShot.quality : -Infinity;
      this.held.set(track.id, { quality, image: cropImage(frame, padBox(box, this.cropPad)) });
    }
    return sightings;
  }

  /** The crop held for a live track (a thumbnail for live views); replaced, never mutated. */
  heldCrop(trackId: string): HeldCrop | undefined {
    return this.held.get(trackId);
  }

  /** Tracks with a crop held (for memory accounting: each is one crop). */
  get holding(): number {
    return this.held.size;
  }
}
