// Plate reads per vehicle track: decides when to run the plate reader on a padded vehicle crop, and holds the track's plate.
import type { Box } from '../domain/frame.js';
import type { FrameSize, TrackView } from './tracker.js';

export interface TrackPlatesOptions {
  /** A read at or above this confidence settles the track: it is never read again. Default 0.9. */
  minConfidence?: number;
  /** At most one read per track every this many analysed frames (calls to due). Default 5. */
  everyFrames?: number;
  /** At most this many reads per frame over all tracks (a read costs 15-250 ms, FACTS); the longest-waiting go first. Default 2. */
  maxPerFrame?: number;
  /** Padding on each side of the vehicle box, as a fraction of its size: tight crops lose the plate's edge characters (FACTS). Default 0.1. */
  padFraction?: number;
  /** Track labels that carry plates. Default car, truck, bus, motorcycle. */
  labels?: string[];
  /** Vehicles narrower than this (px) are too far for a legible plate: wait until they come closer. Default 80. */
  minWidth?: number;
}

/** Read the plate inside cropBox (frame pixels, padded and clamped) of this frame for this track. */
export interface PlateRequest {
  trackId: string;
  cropBox: Box;
}

export interface PlateRead {
  text: string;
  confidence: number;
  format?: string;
}

export interface TrackPlate extends PlateRead {
  /** A read reached minConfidence: no more reads for this track. */
  settled: boolean;
  /** Reads recorded for the track, including empty ones. */
  reads: number;
}

interface TrackState {
  lastRequestFrame: number;
  reads: number;
  best: PlateRead | null;
  settled: boolean;
}

const DEFAULTS: Required<TrackPlatesOptions> = {
  minConfidence: 0.9,
  everyFrames: 5,
  maxPerFrame: 2,
  padFraction: 0.1,
  labels: ['car', 'truck', 'bus', 'motorcycle'],
  minWidth: 80,
};

export function paddedCrop(box: Box, fraction: number, frameSize: FrameSize): Box {
  const padX = (box[2] - box[0]) * fraction;
  const padY = (box[3] - box[1]) * fraction;
  return [
    Math.max(0, Math.floor(box[0] - padX)),
    Math.max(0, Math.floor(box[1] - padY)),
    Math.min(frameSize.width, Math.ceil(box[2] + padX)),
    Math.min(frameSize.height, Math.ceil(box[3] + padY)),
  ];
}

export class TrackPlates {
  private readonly opts: Required<TrackPlatesOptions>;
  private readonly labels: Set<string>;
  private readonly tracks = new Map<string, TrackState>();
  private frame = 0;

  constructor(options: TrackPlatesOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
    this.labels = new Set(this.opts.labels);
  }

  /**
   * Call once per analysed frame with the tracks matched in it (start and update events: their boxes are
   * current). Returns the reads to run now; report each outcome with record(), null when nothing was read.
   */
  due(tracks: TrackView[], frameSize: FrameSize): PlateRequest[] {
    this.frame++;
    const { everyFrames, maxPerFrame, minWidth, padFraction } = this.opts;
    const candidates = tracks
      .filter((t) => this.labels.has(t.label) && t.box[2] - t.box[0] >= minWidth)
      .map((t) => ({ track: t, state: this.stateOf(t.id) }))
      .filter(({ state }) => !state.settled && this.frame - state.lastRequestFrame >= everyFrames)
      // Longest wait first (never-read tracks have waited forever), then the nearest (largest) vehicle.
      .sort((a, b) => a.state.lastRequestFrame - b.state.lastRequestFrame || width(b.track.box) - width(a.track.box))
      .slice(0, maxPerFrame);
    return candidates.map(({ track, state }) => {
      state.lastRequestFrame = this.frame;
      return { trackId: track.id, cropBox: paddedCrop(track.box, padFraction, frameSize) };
    });
  }

  /** Records the outcome of a requested read; keeps the most confident text. Unknown (released) tracks are ignored. */
  record(trackId: string, read: PlateRead | null): TrackPlate | undefined {
    const state = this.tracks.get(trackId);
    if (!state) return undefined;
    state.reads++;
    if (read && (!state.best || read.confidence > state.best.confidence)) state.best = { ...read };
    if (read && read.confidence >= this.opts.minConfidence) state.settled = true;
    return this.plate(trackId);
  }

  /** The track's plate so far: the most confident read, settled or not. */
  plate(trackId: string): TrackPlate | undefined {
    const state = this.tracks.get(trackId);
    if (!state?.best) return undefined;
    return { ...state.best, settled: state.settled, reads: state.reads };
  }

  /** Call on the track's end event: returns its plate, if any, and forgets the track. */
  release(trackId: string): TrackPlate | undefined {
    const plate = this.plate(trackId);
    this.tracks.delete(trackId);
    return plate;
  }

  private stateOf(trackId: string): TrackState {
    let state = this.tracks.get(trackId);
    if (!state)
      this.tracks.set(trackId, (state = { lastRequestFrame: -Infinity, reads: 0, best: null, settled: false }));
    return state;
  }
}

const width = (b: Box) => b[2] - b[0];
