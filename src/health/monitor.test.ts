// Every detector on synthetic frames: a healthy scene raises nothing; each fault raises its own kind
// (and no other) within its raise time, and clears when the picture recovers.
import { describe, expect, it } from 'vitest';
import { HEALTH_DEFAULTS } from '../config/health.js';
import type { RgbImage } from '../domain/frame.js';
import type { FaultKind } from './fault-kinds.js';
import { CameraHealthMonitor } from './monitor.js';
import {
  addNoise,
  blur,
  brighten,
  cover,
  darken,
  desaturate,
  shift,
  SyntheticScene,
  tint,
} from './synthetic-frames.js';

const NOON = Date.UTC(2026, 5, 21, 4, 0, 0); // 12:00 in Shenzhen
const NIGHT = Date.UTC(2026, 5, 21, 15, 0, 0); // 23:00 in Shenzhen
const LEARN_S = 20;

type Fault = (frame: RgbImage, index: number) => RgbImage;

interface Events {
  raised: { kind: FaultKind; s: number }[];
  cleared: { kind: FaultKind; s: number }[];
}

function monitor() {
  return new CameraHealthMonitor({
    lat: 22.5431,
    lon: 114.0579,
    thresholds: HEALTH_DEFAULTS,
    sampleEverySeconds: 1,
    learnSeconds: LEARN_S,
    adaptSeconds: 3600,
  });
}

/** Feeds `seconds` of frames at `fps`, the fault applied between `from` and `to` seconds. */
function play(
  m: CameraHealthMonitor,
  scene: SyntheticScene,
  opts: { seconds: number; fault?: Fault; from?: number; to?: number; fps?: number; t0?: number },
): Events {
  const fps = opts.fps ?? 1;
  const t0 = opts.t0 ?? NOON;
  const events: Events = { raised: [], cleared: [] };
  for (let i = 0; i < opts.seconds * fps; i++) {
    const s = i / fps;
    const inFault = opts.fault && s >= (opts.from ?? 0) && s < (opts.to ?? Infinity);
    const clean = scene.frame(i);
    const tick = m.onFrame(inFault ? (opts.fault as Fault)(clean, i) : clean, t0 + s * 1000);
    for (const tr of tick?.transitions ?? []) events[tr.change].push({ kind: tr.status.kind, s });
  }
  return events;
}

const scene = () => new SyntheticScene({ width: 320, height: 180 });

describe('camera health monitor', () => {
  it('learns a healthy scene and raises nothing on it', () => {
    const m = monitor();
    const e = play(m, scene(), { seconds: 120 });
    expect(e.raised).toEqual([]);
    expect(m.baselineReady('day')).toBe(true);
  });

  it('tells a quiet static scene (sensor noise) from a frozen stream', () => {
    // No moving block: frames differ only by sensor noise.
    const quiet = new SyntheticScene({ width: 320, height: 180, noise: 2, moving: false });
    const m = monitor();
    const e = play(m, quiet, { seconds: 60 });
    expect(e.raised.map((r) => r.kind)).not.toContain('frozen');
    const frozenFrame = quiet.frame(0);
    const f = play(m, quiet, { seconds: 40, fault: () => frozenFrame, from: 0, t0: NOON + 60_000 });
    expect(f.raised.map((r) => r.kind)).toEqual(['frozen']);
    expect(f.raised[0].s).toBeLessThanOrEqual(HEALTH_DEFAULTS.frozen.raiseAfterSeconds + 2);
  });

  // lag: seconds the condition takes to show; the moved one is read from the background, the median of 9
  // samples, which takes the new view once 5 of them show it (passing traffic stays out of it).
  const cases: { name: string; kind: FaultKind; fault: Fault; lag?: number }[] = [
    { name: 'black', kind: 'black', fault: (f) => darken(f) },
    { name: 'over-exposed', kind: 'overexposed', fault: (f) => brighten(f) },
    { name: 'blurred', kind: 'blurred', fault: (f) => blur(f, 2) },
    { name: 'covered (half)', kind: 'covered', fault: (f) => cover(f, 0.5) },
    { name: 'covered (whole)', kind: 'covered', fault: (f) => cover(f, 1) },
    { name: 'moved', kind: 'moved', fault: (f) => shift(f, 40, 25), lag: 5 },
    { name: 'lost colour in daylight', kind: 'colour', fault: (f) => desaturate(f) },
    { name: 'colour cast', kind: 'colour', fault: (f) => tint(f) },
    { name: 'heavy noise', kind: 'noise', fault: (f, i) => addNoise(f, 45, i + 1) },
  ];
  for (const c of cases) {
    it(`raises ${c.kind} for a ${c.name} picture within its raise time, and clears it after`, () => {
      const m = monitor();
      const from = LEARN_S + 10;
      const e = play(m, scene(), { seconds: from + 90, fault: c.fault, from, to: from + 60 });
      expect(e.raised.map((r) => r.kind)).toEqual([c.kind]);
      expect(e.raised[0].s - from).toBeLessThanOrEqual(HEALTH_DEFAULTS[c.kind].raiseAfterSeconds + (c.lag ?? 3));
      expect(e.cleared.map((r) => r.kind)).toEqual([c.kind]);
    });
  }

  it('does not call a grey picture at night a fault (IR)', () => {
    const m = monitor();
    const e = play(m, scene(), { seconds: 120, fault: (f) => desaturate(f), from: 0, t0: NIGHT });
    expect(e.raised).toEqual([]);
  });

  it('raises framerate when most analysis frames are repeats', () => {
    const m = monitor();
    const s = scene();
    let held: RgbImage | null = null;
    // 5 fps analysis; the camera sends one new frame in six.
    const e = play(m, s, { seconds: 80, fps: 5, from: 40, fault: (f, i) => (held = i % 6 === 0 || !held ? f : held) });
    expect(e.raised.map((r) => r.kind)).toEqual(['framerate']);
  });

  it('keeps a confirmed new view as the reference after relearnReference()', () => {
    const m = monitor();
    const s = scene();
    play(m, s, { seconds: 40 });
    const moved = play(m, s, { seconds: 60, fault: (f) => shift(f, 40, 25), from: 0, t0: NOON + 40_000 });
    expect(moved.raised.map((r) => r.kind)).toEqual(['moved']);
    m.relearnReference();
    const after = play(m, s, { seconds: 60, fault: (f) => shift(f, 40, 25), from: 0, t0: NOON + 100_000 });
    expect(after.cleared.map((r) => r.kind)).toEqual(['moved']);
    expect(after.raised).toEqual([]);
  });
});
