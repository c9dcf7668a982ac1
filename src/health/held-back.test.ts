// What a raised fault hides: on a sample where the cover or the exposure fault flickers off, the faults it
// explains are held back (neither shown nor absent), so a covered camera does not also turn "moved".
import { describe, expect, it } from 'vitest';
import { HEALTH_DEFAULTS } from '../config/health.js';
import { Baseline } from './baseline.js';
import { detect, type DetectContext } from './detect.js';
import { CameraHealthMonitor, type HealthTick } from './monitor.js';
import { SyntheticScene } from './synthetic-frames.js';

const NOON = Date.UTC(2026, 5, 21, 4, 0, 0);

/** A learnt street scene's last sample and its baseline, with another view as the scene's edges now. */
function learntSample(): { tick: HealthTick; ctx: DetectContext } {
  const m = new CameraHealthMonitor({
    lat: 22.5431,
    lon: 114.0579,
    thresholds: HEALTH_DEFAULTS,
    sampleEverySeconds: 1,
    learnSeconds: 20,
    adaptSeconds: 3600,
  });
  const scene = new SyntheticScene({ width: 320, height: 180 });
  let tick: HealthTick | null = null;
  for (let s = 0; s < 30; s++) tick = m.onFrame(scene.frame(s), NOON + s * 1000) ?? tick;
  const snapshot = m.snapshot().day;
  if (!tick || !snapshot?.reference) throw new Error('the scene was not learnt');
  const baseline = new Baseline({ learnSamples: 1, adaptWeight: 0 });
  baseline.restore({ ...snapshot, structure: 0.9 });
  // The edge map reversed: nothing where the reference has its edges (a turned camera, or a cover's border).
  const edges = Float32Array.from(snapshot.reference).reverse();
  const ctx: DetectContext = {
    baseline: baseline.current,
    edges,
    night: false,
    frameRate: { newShare: 1, maxGapSeconds: 0.2, frames: 10 },
    frozenNow: false,
  };
  return { tick, ctx };
}

describe('faults held back by a raised one', () => {
  it('shows a lost reference view as moved when nothing else is raised', () => {
    const { tick, ctx } = learntSample();
    const c = detect(tick.measures, ctx, HEALTH_DEFAULTS);
    expect(c.moved).toMatchObject({ present: true, held: false });
  });

  for (const raised of ['coveredNow', 'exposureNow'] as const) {
    it(`holds back moved, blurred, colour and frame rate while ${raised === 'coveredNow' ? 'a cover' : 'an exposure fault'} is raised`, () => {
      const { tick, ctx } = learntSample();
      const soft = { ...tick.measures, sharpness: tick.measures.sharpness * 0.05 };
      const c = detect(soft, { ...ctx, [raised]: true }, HEALTH_DEFAULTS);
      for (const kind of ['moved', 'blurred', 'colour', 'framerate'] as const)
        expect(c[kind], kind).toMatchObject({ present: false, held: true });
    });
  }
});
