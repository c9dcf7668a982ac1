// One fault's state machine for one camera: clear -> pending -> raised -> clear, with hysteresis both ways.
import type { FaultKind } from './fault-kinds.js';

export type FaultPhase = 'clear' | 'pending' | 'raised';

export interface FaultTiming {
  raiseAfterSeconds: number;
  clearAfterSeconds: number;
  /**
   * Share of the judgements in the last raiseAfterSeconds that must show the condition before it is raised
   * (default 0: shown at the start and never missing longer than the tolerance below). A cover stays, while
   * the bare road between cars shows as one for a second or two at a time; a blur, though, is hidden for a
   * moment by every sharp car that passes, so only covered sets it.
   */
  minPresentShare?: number;
}

export interface FaultStatus {
  kind: FaultKind;
  phase: FaultPhase;
  /** When the condition was first seen in this episode, epoch ms (null when clear). */
  since: number | null;
  /** Last sample that showed the condition, epoch ms. */
  lastSeen: number | null;
  /** When it was raised, epoch ms. */
  raisedAt: number | null;
  detail: string;
  value: number;
}

export type FaultTransition = { change: 'raised' | 'cleared'; status: FaultStatus; at: number };

/**
 * One sample's judgement: the condition showed, it did not, or another fault hid it ('held': a covered or black
 * picture cannot show a blur). A held sample neither continues the condition nor ends it.
 */
export type Judgement = boolean | 'held';

/** A pending fault survives this many seconds of absence (one missed sample is not a recovery). */
const PENDING_TOLERANCE_S = 3;

/** What the state counts between samples: the time judged absent since the condition last showed, and when. */
interface Absence {
  /** Milliseconds judged absent since the last sample that showed the condition (held time not counted). */
  absentMs: number;
  /** Milliseconds held back since the last sample judged either way. */
  heldMs: number;
  /** The previous judgement's time, epoch ms. */
  prevAt: number | null;
}

export class FaultState {
  private s: FaultStatus;
  /** The pending episode's judgements, oldest first: when, and whether the condition showed. */
  private judged: { at: number; present: boolean }[] = [];
  private gap: Absence = { absentMs: 0, heldMs: 0, prevAt: null };

  constructor(
    kind: FaultKind,
    private readonly timing: FaultTiming,
  ) {
    this.s = { kind, phase: 'clear', since: null, lastSeen: null, raisedAt: null, detail: '', value: 0 };
  }

  get status(): FaultStatus {
    return { ...this.s };
  }

  /** Feeds one judgement; returns a transition when the fault is raised or cleared by it. */
  observe(at: number, judgement: Judgement, detail: string, value: number): FaultTransition | null {
    const s = this.s;
    const dt = this.gap.prevAt === null ? 0 : Math.max(0, at - this.gap.prevAt);
    this.gap.prevAt = at;
    if (judgement === 'held') {
      if (s.phase === 'clear') return null;
      this.gap.heldMs += dt;
      // Hidden longer than it takes to raise: what was pending before says nothing of what comes after.
      if (s.phase === 'pending' && this.gap.heldMs > this.timing.raiseAfterSeconds * 1000) this.reset();
      return null;
    }
    this.gap.heldMs = 0;
    const present = judgement;
    const shareAsked = (this.timing.minPresentShare ?? 0) > 0;
    if (shareAsked && (s.phase === 'pending' || (s.phase === 'clear' && present))) this.judge(at, present);
    if (present) {
      this.gap.absentMs = 0;
      if (s.phase === 'clear') Object.assign(s, { phase: 'pending', since: at, raisedAt: null });
      Object.assign(s, { lastSeen: at, detail, value });
      if (
        s.phase === 'pending' &&
        at - (s.since as number) >= this.timing.raiseAfterSeconds * 1000 &&
        this.presentShare() >= (this.timing.minPresentShare ?? 0)
      ) {
        this.judged = [];
        Object.assign(s, { phase: 'raised', raisedAt: at });
        return { change: 'raised', status: this.status, at };
      }
      return null;
    }
    if (s.phase === 'clear') return null;
    this.gap.absentMs += dt;
    const absentFor = this.gap.absentMs / 1000;
    if (s.phase === 'pending') {
      if (absentFor > Math.min(PENDING_TOLERANCE_S, this.timing.raiseAfterSeconds)) this.reset();
      return null;
    }
    if (absentFor < this.timing.clearAfterSeconds) return null;
    const cleared = this.status;
    this.reset();
    return { change: 'cleared', status: cleared, at };
  }

  /** Keeps the pending episode's judgements of the last raiseAfterSeconds. */
  private judge(at: number, present: boolean): void {
    this.judged.push({ at, present });
    const from = at - this.timing.raiseAfterSeconds * 1000;
    while (this.judged.length && this.judged[0].at < from) this.judged.shift();
  }

  private presentShare(): number {
    return this.judged.length ? this.judged.filter((j) => j.present).length / this.judged.length : 1;
  }

  /** Drops a pending episode without a transition (the picture went away: the camera is offline). */
  reset(): void {
    this.judged = [];
    this.gap = { absentMs: 0, heldMs: 0, prevAt: this.gap.prevAt };
    Object.assign(this.s, { phase: 'clear', since: null, lastSeen: null, raisedAt: null, detail: '', value: 0 });
  }
}
