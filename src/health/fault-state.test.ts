// One fault's state machine: raised only for a condition that stays, kept through a missed sample,
// never for one that comes and goes in short gaps (the bare road between cars).
import { describe, expect, it } from 'vitest';
import { FaultState, type FaultTiming, type FaultTransition, type Judgement } from './fault-state.js';

const TIMING = { raiseAfterSeconds: 10, clearAfterSeconds: 5, minPresentShare: 0.6 };

/** Feeds one judgement a second for `seconds`, present where `shows(second)`; the transitions, with their second. */
function run(
  shows: (s: number) => Judgement,
  seconds: number,
  timing: FaultTiming = TIMING,
): { change: FaultTransition['change']; s: number }[] {
  const state = new FaultState('covered', timing);
  const out: { change: FaultTransition['change']; s: number }[] = [];
  for (let s = 0; s < seconds; s++) {
    const tr = state.observe(s * 1000, shows(s), 'detail', 1);
    if (tr) out.push({ change: tr.change, s });
  }
  return out;
}

describe('FaultState', () => {
  it('raises a condition present every second after raiseAfterSeconds, and clears it clearAfterSeconds after it ends', () => {
    expect(run((s) => s < 30, 60)).toEqual([
      { change: 'raised', s: 10 },
      { change: 'cleared', s: 34 },
    ]);
  });

  it('raises through one missed sample in three', () => {
    expect(run((s) => s % 3 !== 2, 30)[0]).toEqual({ change: 'raised', s: 10 });
  });

  it('never raises a condition shown two seconds in five, though no gap is longer than the tolerance', () => {
    expect(run((s) => s % 5 < 2, 600)).toEqual([]);
  });

  it('without a present share, raises the same condition once it has lasted raiseAfterSeconds (a blur through traffic)', () => {
    expect(run((s) => s % 5 < 2, 60, { raiseAfterSeconds: 10, clearAfterSeconds: 5 })[0]).toEqual({
      change: 'raised',
      s: 10,
    });
  });

  it('drops a pending episode after a gap longer than the tolerance', () => {
    // Present 0-7 s, absent 8-11 s, present again from 12 s: the second episode raises at 22 s, not 10 s.
    expect(run((s) => s < 8 || s >= 12, 30)[0]).toEqual({ change: 'raised', s: 22 });
  });

  const BLUR = { raiseAfterSeconds: 10, clearAfterSeconds: 5 };

  it('keeps a pending episode through samples where another fault hid the condition', () => {
    // Present 0-5 s, hidden 6-8 s (a passing cover), one sample just above the threshold at 9 s, present again
    // after: the hidden samples are no absence, so the episode goes on and raises at 10 s.
    const shows = (s: number): Judgement => (s >= 6 && s <= 8 ? 'held' : s !== 9);
    expect(run(shows, 20, BLUR)[0]).toEqual({ change: 'raised', s: 10 });
    // The same three samples judged absent break it: the episode starts again at 10 s and raises at 20 s.
    expect(run((s) => s < 6 || s > 9, 30, BLUR)[0]).toEqual({ change: 'raised', s: 20 });
  });

  it('does not clear a raised fault while another fault hides it, and clears it once it is seen gone', () => {
    // Raised at 10 s; hidden from 15 to 44 s (a black picture); seen gone from 45 s: cleared once 5 s of
    // absence are counted from the last hidden sample, at 49 s.
    const shows = (s: number): Judgement => (s < 15 ? true : s < 45 ? 'held' : false);
    expect(run(shows, 60, BLUR)).toEqual([
      { change: 'raised', s: 10 },
      { change: 'cleared', s: 49 },
    ]);
  });

  it('drops a pending episode hidden for longer than it takes to raise', () => {
    // Present 0-4 s, hidden 5-20 s, present from 21 s: a new episode, raised at 31 s.
    const shows = (s: number): Judgement => (s >= 5 && s <= 20 ? 'held' : true);
    expect(run(shows, 40, BLUR)[0]).toEqual({ change: 'raised', s: 31 });
  });
});
