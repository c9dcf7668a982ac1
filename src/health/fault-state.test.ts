// One fault's state machine: raised only for a condition that stays, kept through a missed sample,
// never for one that comes and goes in short gaps (the bare road between cars).
import { describe, expect, it } from 'vitest';
import { FaultState, type FaultTiming, type FaultTransition } from './fault-state.js';

const TIMING = { raiseAfterSeconds: 10, clearAfterSeconds: 5, minPresentShare: 0.6 };

/** Feeds one judgement a second for `seconds`, present where `shows(second)`; the transitions, with their second. */
function run(
  shows: (s: number) => boolean,
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
});
