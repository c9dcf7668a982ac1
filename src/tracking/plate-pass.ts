// One read per pass: fuses the plate reads of one vehicle passing one camera into a single event,
// by a confidence-weighted vote per character position, and says when a better reading should update it.
import { randomUUID } from 'node:crypto';
import type { Box, RgbImage } from '../domain/frame.js';
import { canonicalForm } from '../matching/ocr-equivalence.js';

export interface PlateObservation {
  text: string;
  confidence: number;
  format: string;
  box: Box;
  crop: RgbImage;
  capturedAt: number;
}

/** How the plate moved over its pass: its box grew (coming towards the camera) or shrank (going away). */
export type PlateMotion = 'approaching' | 'receding';

/** The plate's box must grow or shrink by this factor between the first and the latest read to count as moving. */
const MOTION_AREA_RATIO = 1.2;

export interface PlatePass {
  eventId: string;
  text: string;
  confidence: number;
  format: string;
  firstSeen: number;
  lastSeen: number;
  /** Capture time of the frame behind the current text (alert latency is measured from it). */
  capturedAt: number;
  readCount: number;
  box: Box;
  crop: RgbImage;
  /** Null until the box has grown or shrunk enough to tell (a single read, a parked car). */
  motion: PlateMotion | null;
}

interface PassState extends PlatePass {
  /** Per text length, per position: character -> summed confidence. */
  votes: Map<number, Map<string, number>[]>;
  formats: Map<string, string>;
  emittedText: string;
  emittedConfidence: number;
  emittedMotion: PlateMotion | null;
  /** Area of the plate's box in the pass's first read; motion compares each later read against it. */
  firstArea: number;
}

export interface FuserOptions {
  /** Reads further apart than this belong to different passes. */
  windowMs: number;
  /** A pass is re-sent when its best confidence grows by at least this much. */
  minGain?: number;
}

/** Same vehicle when the texts agree up to OCR-equivalent characters and at most one other position. */
export function samePlate(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = canonicalForm(a);
  const cb = canonicalForm(b);
  if (ca.length !== cb.length) {
    // A read that lost its last character (crop edge) is still the same plate.
    const [short, long] = ca.length < cb.length ? [ca, cb] : [cb, ca];
    return long.length === short.length + 1 && long.startsWith(short);
  }
  let diff = 0;
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i] && ++diff > 1) return false;
  return true;
}

export class PlatePassFuser {
  private readonly passes: PassState[] = [];

  constructor(private readonly opts: FuserOptions) {}

  /** Adds one read; returns the pass to send (new, or improved), or null when nothing changed for consumers. */
  observe(o: PlateObservation): { pass: PlatePass; update: boolean } | null {
    this.expire(o.capturedAt);
    let pass = this.passes.find((p) => samePlate(p.text, o.text));
    const isNew = !pass;
    if (!pass) {
      pass = {
        eventId: randomUUID(),
        text: o.text,
        confidence: o.confidence,
        format: o.format,
        firstSeen: o.capturedAt,
        lastSeen: o.capturedAt,
        capturedAt: o.capturedAt,
        readCount: 0,
        box: o.box,
        crop: o.crop,
        motion: null,
        firstArea: boxArea(o.box),
        emittedMotion: null,
        votes: new Map(),
        formats: new Map(),
        emittedText: '',
        emittedConfidence: 0,
      };
      this.passes.push(pass);
    }
    this.vote(pass, o);
    const changed =
      pass.text !== pass.emittedText || pass.confidence >= pass.emittedConfidence + (this.opts.minGain ?? 0.02) || pass.motion !== pass.emittedMotion;
    if (!changed) return null;
    pass.emittedText = pass.text;
    pass.emittedConfidence = pass.confidence;
    pass.emittedMotion = pass.motion;
    pass.capturedAt = o.capturedAt;
    const { votes: _v, formats: _f, emittedText: _t, emittedConfidence: _c, emittedMotion: _m, firstArea: _a, ...out } = pass;
    return { pass: out, update: !isNew };
  }

  /** Forgets passes not seen within the window (the vehicle has gone). */
  expire(now: number): void {
    for (let i = this.passes.length - 1; i >= 0; i--) {
      if (now - this.passes[i].lastSeen > this.opts.windowMs) this.passes.splice(i, 1);
    }
  }

  get open(): number {
    return this.passes.length;
  }

  private vote(p: PassState, o: PlateObservation): void {
    p.readCount++;
    p.lastSeen = Math.max(p.lastSeen, o.capturedAt);
    p.formats.set(o.text, o.format);
    p.motion = motionOf(p.firstArea, boxArea(o.box)) ?? p.motion;
    let slots = p.votes.get(o.text.length);
    if (!slots) p.votes.set(o.text.length, (slots = Array.from({ length: o.text.length }, () => new Map<string, number>())));
    [...o.text].forEach((ch, i) => slots[i].set(ch, (slots[i].get(ch) ?? 0) + o.confidence));
    if (o.confidence > p.confidence) {
      p.confidence = o.confidence;
      p.box = o.box;
      p.crop = o.crop;
    }
    p.text = this.fusedText(p);
    p.format = p.formats.get(p.text) ?? o.format;
  }

  /** The length with the most total weight, then the heaviest character at each position. */
  private fusedText(p: PassState): string {
    let best: Map<string, number>[] = [];
    let bestWeight = -1;
    for (const slots of p.votes.values()) {
      const weight = slots.reduce((sum, s) => sum + Math.max(...s.values()), 0);
      if (weight > bestWeight) [best, bestWeight] = [slots, weight];
    }
    return best.map((s) => [...s.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0]).join('');
  }
}

function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

/** Growing box: approaching; shrinking: receding; null while the change is within jitter. */
function motionOf(firstArea: number, area: number): PlateMotion | null {
  if (firstArea <= 0 || area <= 0) return null;
  if (area >= firstArea * MOTION_AREA_RATIO) return 'approaching';
  if (area * MOTION_AREA_RATIO <= firstArea) return 'receding';
  return null;
}
