// The cover, colour and frame-rate detectors on generated frames: partial covers (30% and 60%) on a
// textured street and on bare asphalt, lost colour on a scene of little colour, and an irregular stream
// told apart from a frozen one.
import { describe, expect, it } from 'vitest';
import { HEALTH_DEFAULTS } from '../config/health.js';
import type { RgbImage } from '../domain/frame.js';
import type { FaultKind } from './fault-kinds.js';
import { CameraHealthMonitor } from './monitor.js';
import { blur, cover, desaturate, SyntheticScene, tint, type SceneOptions } from './synthetic-frames.js';

const NOON = Date.UTC(2026, 5, 21, 4, 0, 0); // 12:00 in Shenzhen
const LEARN_S = 20;

type Fault = (frame: RgbImage, index: number) => RgbImage;

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

/** Feeds `seconds` of frames at `fps`; `fault` applies between `from` and `to`; returns raised and cleared kinds. */
function play(
  scene: SyntheticScene,
  opts: { seconds: number; fault?: Fault; from?: number; to?: number; fps?: number },
): { raised: { kind: FaultKind; s: number }[]; cleared: FaultKind[] } {
  const m = monitor();
  const fps = opts.fps ?? 1;
  const out = { raised: [] as { kind: FaultKind; s: number }[], cleared: [] as FaultKind[] };
  for (let i = 0; i < opts.seconds * fps; i++) {
    const s = i / fps;
    const inFault = opts.fault && s >= (opts.from ?? 0) && s < (opts.to ?? Infinity);
    const clean = scene.frame(i);
    const tick = m.onFrame(inFault ? (opts.fault as Fault)(clean, i) : clean, NOON + s * 1000);
    for (const tr of tick?.transitions ?? []) {
      if (tr.change === 'raised') out.raised.push({ kind: tr.status.kind, s });
      else out.cleared.push(tr.status.kind);
    }
  }
  return out;
}

const scenes: Record<string, SceneOptions> = {
  street: { width: 320, height: 180 },
  road: { width: 320, height: 180, kind: 'road', noise: 2 },
};

describe('covered: a connected uniform region that replaced the reference view', () => {
  for (const [name, opts] of Object.entries(scenes)) {
    it(`learns the ${name} scene and raises nothing on it`, () => {
      expect(play(new SyntheticScene(opts), { seconds: 150 }).raised).toEqual([]);
    });
    for (const share of [0.3, 0.6]) {
      it(`raises covered for ${share * 100}% of the ${name} covered (sensor noise kept on the cover), and clears it`, () => {
        const from = LEARN_S + 10;
        const e = play(new SyntheticScene(opts), {
          seconds: from + 90,
          fault: (f, i) => cover(f, share, 2, i + 1),
          from,
          to: from + 60,
        });
        expect(e.raised.map((r) => r.kind)).toEqual(['covered']);
        expect(e.raised[0].s - from).toBeLessThanOrEqual(HEALTH_DEFAULTS.covered.raiseAfterSeconds + 3);
        expect(e.cleared).toEqual(['covered']);
      });
    }
  }

  for (const [name, opts] of Object.entries(scenes)) {
    it(`never calls a heavy blur of the ${name} scene covered (a blur keeps each cell's brightness)`, () => {
      const from = LEARN_S + 10;
      const e = play(new SyntheticScene(opts), { seconds: from + 60, fault: (f) => blur(f, 4), from });
      expect(e.raised.map((r) => r.kind)).not.toContain('covered');
    });
    it(`calls a colour cast of the ${name} scene colour, never covered or blurred (the light's gain is taken out)`, () => {
      const from = LEARN_S + 10;
      const e = play(new SyntheticScene(opts), { seconds: from + 60, fault: (f) => tint(f), from });
      expect(e.raised.map((r) => r.kind)).toEqual(['colour']);
    });
  }

  it('does not call a small flat patch (10% of the picture) a cover', () => {
    const from = LEARN_S + 10;
    const e = play(new SyntheticScene(scenes.street), { seconds: from + 60, fault: (f) => cover(f, 0.1), from });
    expect(e.raised).toEqual([]);
  });
});

describe('colour lost in daylight on a scene of little colour', () => {
  it('raises colour when the asphalt scene goes grey', () => {
    const from = LEARN_S + 10;
    const e = play(new SyntheticScene(scenes.road), { seconds: from + 60, fault: (f) => desaturate(f), from });
    expect(e.raised.map((r) => r.kind)).toEqual(['colour']);
  });
});

describe('irregular frame rate against a frozen picture', () => {
  it('raises framerate, not frozen, for a stream that sends one second of frames in four', () => {
    const scene = new SyntheticScene(scenes.street);
    let held: RgbImage | null = null;
    // 5 fps analysis; between t = 40 and 100 s the camera sends frames only in the first second of every four
    // (ffmpeg's fps filter repeats the last one meanwhile).
    const e = play(scene, {
      seconds: 100,
      fps: 5,
      from: 40,
      fault: (f, i) => {
        if (i % 20 < 5 || !held) held = f;
        return held;
      },
    });
    expect(e.raised.map((r) => r.kind)).toEqual(['framerate']);
    expect(e.raised[0].s - 40).toBeLessThanOrEqual(60);
  });

  it('raises frozen, not framerate, for a picture that stops changing', () => {
    const scene = new SyntheticScene(scenes.street);
    let held: RgbImage | null = null;
    const e = play(scene, { seconds: 100, fps: 5, from: 40, fault: (f) => (held ??= f) });
    expect(e.raised.map((r) => r.kind)).toEqual(['frozen']);
    expect(e.raised[0].s - 40).toBeLessThanOrEqual(HEALTH_DEFAULTS.frozen.raiseAfterSeconds + 3);
  });
});
