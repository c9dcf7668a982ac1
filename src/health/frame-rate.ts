// Counts new and repeated analysis frames over a sliding window: ffmpeg's fps filter repeats the last
// frame when the camera sends none, so repeats and the gaps between new frames show a low or irregular rate.
import type { FrameRateView } from './detect.js';

interface Seen {
  at: number;
  fresh: boolean;
}

export class FrameRateWindow {
  private readonly seen: Seen[] = [];
  private last: number | null = null;

  /** @param windowMs how much history the view covers. Default 10 s. */
  constructor(private readonly windowMs = 10_000) {}

  /** One analysis frame with its fingerprint (see frameFingerprint). */
  add(at: number, fingerprint: number): void {
    this.seen.push({ at, fresh: fingerprint !== this.last });
    this.last = fingerprint;
    while (this.seen.length && this.seen[0].at < at - this.windowMs) this.seen.shift();
  }

  /** Forgets the history (the stream restarted: its first frames are not repeats of the old ones). */
  reset(): void {
    this.seen.length = 0;
    this.last = null;
  }

  view(now: number): FrameRateView {
    const s = this.seen;
    let fresh = 0,
      gap = 0,
      prev: number | null = null;
    for (const f of s) {
      if (!f.fresh) continue;
      fresh++;
      if (prev !== null) gap = Math.max(gap, f.at - prev);
      prev = f.at;
    }
    if (prev !== null) gap = Math.max(gap, now - prev);
    else if (s.length) gap = now - s[0].at;
    return { newShare: s.length ? fresh / s.length : 1, maxGapSeconds: gap / 1000, frames: s.length };
  }
}
