// One read per pass: fuses the plate reads of one vehicle passing one camera into a single event,
// by a probability-weighted vote per character position, and says when a better reading should update it.
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
  /**
   * Per character, the characters the reader weighed there and their probabilities (the read one
   * included). Without it each character votes with the read's confidence.
   */
  chars?: { alternatives: { char: string; p: number }[] }[];
}

/** One position of the fused text: the leading characters by share of the pass's vote there. */
export interface FusedChar {
  char: string;
  /** 0..1: the winner's share of all votes at this position. */
  share: number;
  /** Up to MAX_ALTERNATIVES characters, winner first, each with its share. */
  alternatives: { char: string; share: number }[];
  /** The winner has under UNCERTAIN_SHARE of the vote: matching should not rely on this character. */
  uncertain: boolean;
}

/** Alternatives a fused position keeps. */
const MAX_ALTERNATIVES = 3;
/** A position whose winner has less of the vote than this is in doubt (two reads of 0.6 against one of 0.9: 0.57). */
const UNCERTAIN_SHARE = 0.6;

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
  /** Per position of text: the vote's leaders and whether the position is in doubt. */
  chars: FusedChar[];
}

interface PassState extends PlatePass {
  /** Per text length, per position: character -> summed probability. */
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
        chars: [],
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
      pass.text !== pass.emittedText ||
      pass.confidence >= pass.emittedConfidence + (this.opts.minGain ?? 0.02) ||
      pass.motion !== pass.emittedMotion;
    if (!changed) return null;
    pass.emittedText = pass.text;
    pass.emittedConfidence = pass.confidence;
    pass.emittedMotion = pass.motion;
    pass.capturedAt = o.capturedAt;
    const {
      votes: _v,
      formats: _f,
      emittedText: _t,
      emittedConfidence: _c,
      emittedMotion: _m,
      firstArea: _a,
      ...out
    } = pass;
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
    if (!slots)
      p.votes.set(o.text.length, (slots = Array.from({ length: o.text.length }, () => new Map<string, number>())));
    [...o.text].forEach((ch, i) => {
      // Every alternative votes with its probability: two reads unsure between 0 and D outweigh
      // neither, where one vote per read would let the more frequent guess win outright.
      const alternatives = o.chars?.[i]?.alternatives ?? [{ char: ch, p: o.confidence }];
      for (const a of alternatives) slots[i].set(a.char, (slots[i].get(a.char) ?? 0) + a.p);
    });
    if (o.confidence > p.confidence) {
      p.confidence = o.confidence;
      p.box = o.box;
      p.crop = o.crop;
    }
    p.chars = fusedChars(p.votes);
    p.text = p.chars.map((c) => c.char).join('');
    p.format = p.formats.get(p.text) ?? o.format;
  }
}

/** The length with the most total weight, then per position the characters by their share of the vote. */
function fusedChars(votes: Map<number, Map<string, number>[]>): FusedChar[] {
  let best: Map<string, number>[] = [];
  let bestWeight = -1;
  for (const slots of votes.values()) {
    const weight = slots.reduce((sum, s) => sum + Math.max(...s.values()), 0);
    if (weight > bestWeight) [best, bestWeight] = [slots, weight];
  }
  return best.map((slot) => {
    const total = [...slot.values()].reduce((a, b) => a + b, 0) || 1;
    const ranked = [...slot.entries()].sort((a, b) => b[1] - a[1]).map(([char, w]) => ({ char, share: w / total }));
    const [top] = ranked;
    return {
      char: top.char,
      share: top.share,
      alternatives: ranked.slice(0, MAX_ALTERNATIVES),
      uncertain: top.share < UNCERTAIN_SHARE,
    };
  });
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
