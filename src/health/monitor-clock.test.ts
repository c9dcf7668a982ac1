// The clockDrift fault in the monitor: judged from the offset each frame carries, beyond the threshold either
// way, raised and cleared with its timing, not judged without readings, and no hold on the picture's faults.
import { describe, expect, it } from 'vitest';
import { HEALTH_DEFAULTS } from '../config/health.js';
import type { FaultTransition } from './fault-state.js';
import { CameraHealthMonitor } from './monitor.js';
import { SyntheticScene } from './synthetic-frames.js';

const NOON = Date.UTC(2026, 5, 21, 4, 0, 0);

/** Feeds one frame a second from second `from` to `to`, each carrying `offsetMs` (or none when null). */
function play(m: CameraHealthMonitor, scene: SyntheticScene, from: number, to: number, offsetMs: number | null) {
  const out: { change: FaultTransition['change']; kind: string; s: number; detail: string }[] = [];
  for (let s = from; s < to; s++) {
    const frame = { ...scene.frame(s), ...(offsetMs === null ? {} : { clockOffsetMs: offsetMs }) };
    for (const tr of m.onFrame(frame, NOON + s * 1000)?.transitions ?? [])
      out.push({ change: tr.change, kind: tr.status.kind, s, detail: tr.status.detail });
  }
  return out;
}

const monitor = () =>
  new CameraHealthMonitor({
    lat: 22.5431,
    lon: 114.0579,
    thresholds: HEALTH_DEFAULTS,
    sampleEverySeconds: 1,
    learnSeconds: 10,
    adaptSeconds: 3600,
  });

describe('clock drift in the camera health monitor', () => {
  const { raiseAfterSeconds: raise, clearAfterSeconds: clear, maxOffsetSeconds: max } = HEALTH_DEFAULTS.clockDrift;

  it('raises clockDrift after its raise time for a clock behind or ahead, and clears it when the clock is right', () => {
    for (const offsetMs of [-(max + 1) * 1000, (max + 5) * 1000]) {
      const m = monitor();
      const scene = new SyntheticScene({ seed: 4 });
      const drift = play(m, scene, 0, 100, offsetMs);
      expect(drift.map((e) => [e.change, e.kind, e.s])).toEqual([['raised', 'clockDrift', raise]]);
      expect(drift[0].detail).toMatch(offsetMs < 0 ? /s behind the node's/ : /s ahead of the node's/);
      // The picture is learnt meanwhile: the clock says nothing about it.
      expect(m.baselineReady('day')).toBe(true);
      // Cleared once the clock has been right for the clear time since the last drifting sample (second 99).
      const right = play(m, scene, 100, 200, 300);
      expect(right.map((e) => [e.change, e.kind, e.s])).toEqual([['cleared', 'clockDrift', 99 + clear]]);
    }
  });

  it('raises nothing within the threshold, nor without readings', () => {
    const m = monitor();
    const scene = new SyntheticScene({ seed: 4 });
    expect(play(m, scene, 0, 60, (max - 0.5) * 1000)).toEqual([]);
    expect(play(m, scene, 60, 120, null)).toEqual([]);
    expect(m.statuses().find((s) => s.kind === 'clockDrift')?.phase).toBe('clear');
  });
});
