// A simulated shift of video patrol: an operator running a tour plan's wall as people do (each page up for the
// dwell with the page timer's jitter, now and then held on a camera or skipped early, a break every two hours,
// away from the wall while handling incidents), with the seconds each camera was on the wall kept as the
// generator's own truth to check the tour log against. Seeded: the same shift every run. Used by
// `npm run bench patrol` and the tests; nothing in the running system calls it.
import { seededRandom } from '../lib/seeded-random.js';
import type { ViewInput } from './tour-service.js';

export interface TourShiftSim {
  /** Epoch ms: the shift's start and end. */
  from: number;
  to: number;
  /** The plan's cameras in wall order and its layout and dwell. */
  cameras: readonly string[];
  layout: 1 | 4 | 9;
  dwellS: number;
  /** Spans (epoch ms) the operator is away from the wall, e.g. on an incident. */
  away?: readonly { from: number; to: number }[];
  seed: number;
}

export interface SimulatedTourShift {
  views: ViewInput[];
  /** Seconds each planned camera was on the wall, summed as the wall moved (not from the views). */
  truthS: Map<string, number>;
  pages: number;
  held: number;
  skipped: number;
  awayS: number;
}

/** A page is held (the operator looks closer) with this chance, for 1-5 minutes. */
const HOLD_CHANCE = 0.04;
/** A page is moved on early (nothing to see) with this chance, after 2-10 s: too short to count as watched. */
const SKIP_CHANCE = 0.03;
const BREAK_EVERY_MS = 2 * 3600_000;
const BREAK_MS = 15 * 60_000;
/** The page timer's jitter and the gap while the next page's views open. */
const JITTER_S = 0.3;
const SWITCH_S = 0.2;

export function simulateTourShift(s: TourShiftSim): SimulatedTourShift {
  const rand = seededRandom(s.seed);
  const pages: string[][] = [];
  for (let i = 0; i < s.cameras.length; i += s.layout) pages.push(s.cameras.slice(i, i + s.layout));
  const away = [...(s.away ?? [])];
  for (let t = s.from + BREAK_EVERY_MS; t < s.to; t += BREAK_EVERY_MS) away.push({ from: t, to: t + BREAK_MS });
  away.sort((a, b) => a.from - b.from);
  const truthS = new Map(s.cameras.map((id) => [id, 0]));
  const out: SimulatedTourShift = { views: [], truthS, pages: 0, held: 0, skipped: 0, awayS: 0 };
  let t = s.from;
  let page = 0;
  while (t < s.to) {
    const gone = away.find((a) => a.from <= t && t < a.to);
    if (gone) {
      const back = Math.min(gone.to, s.to);
      out.awayS += (back - t) / 1000;
      t = back;
      continue;
    }
    const r = rand();
    const held = r < HOLD_CHANCE;
    const skipped = !held && r < HOLD_CHANCE + SKIP_CHANCE;
    const wantS = held
      ? s.dwellS + 60 + rand() * 240
      : skipped
        ? 2 + rand() * 8
        : s.dwellS + (rand() * 2 - 1) * JITTER_S;
    const nextAway = away.find((a) => a.from > t)?.from ?? Infinity;
    const end = Math.min(t + wantS * 1000, s.to, nextAway);
    const shownS = (end - t) / 1000;
    for (const cameraId of pages[page]) {
      out.views.push({ cameraId, startedAt: new Date(t), endedAt: new Date(end), ...(held ? { paused: true } : {}) });
      truthS.set(cameraId, (truthS.get(cameraId) ?? 0) + shownS);
    }
    out.pages++;
    if (held) out.held++;
    if (skipped) out.skipped++;
    page = (page + 1) % pages.length;
    t = end === nextAway ? end : end + SWITCH_S * 1000;
  }
  return out;
}
