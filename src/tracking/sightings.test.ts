import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../domain/frame.js';
import { SightingRecorder, shouldCrop, type HeldCrop } from './sightings.js';
import { Tracker, type Detection, type TrackView } from './tracker.js';

const size = { width: 640, height: 360 };
/** Every pixel of frame i has the value i, so a crop tells which frame it came from. */
const frameOf = (i: number): RgbImage => ({
  data: Buffer.alloc(size.width * size.height * 3, i),
  width: size.width,
  height: size.height,
});
const car = (x: number, y: number, w: number, h: number, score = 0.8): Detection => ({
  label: 'car',
  score,
  box: [x, y, x + w, y + h],
});

function newTracker(): Tracker {
  let n = 0;
  return new Tracker({ newId: () => `t${++n}`, confirmHits: 3, endAfterMs: 300 });
}

const view = (over: Partial<TrackView> & { quality?: number; shotAt?: number }): TrackView => ({
  id: 't1',
  label: 'car',
  firstSeen: 0,
  lastSeen: over.lastSeen ?? 100,
  box: [0, 0, 10, 10],
  score: 0.8,
  hits: 3,
  bestShot: { box: [0, 0, 10, 10], score: 0.8, quality: over.quality ?? 0.5, capturedAt: over.shotAt ?? 100 },
});

describe('shouldCrop', () => {
  const held = (quality: number): HeldCrop => ({ quality, image: frameOf(0) });

  it('crops a fresh best shot once, then only on a real gain', () => {
    expect(shouldCrop(view({}), undefined)).toBe('best-shot');
    expect(shouldCrop(view({ quality: 0.53 }), held(0.5))).toBe('none');
    expect(shouldCrop(view({ quality: 0.6 }), held(0.5))).toBe('best-shot');
  });

  it('takes a stand-in when the best shot is from a frame already gone, and replaces it with any fresh best shot', () => {
    expect(shouldCrop(view({ shotAt: 0 }), undefined)).toBe('stand-in');
    expect(shouldCrop(view({ shotAt: 0 }), held(-Infinity))).toBe('none');
    expect(shouldCrop(view({ quality: 0.01 }), held(-Infinity))).toBe('best-shot');
  });
});

describe('SightingRecorder', () => {
  it('turns an ended track into a sighting with the crop of its best frame', () => {
    const tracker = newTracker();
    const recorder = new SightingRecorder({ cameraId: 'cam-1', cropPad: 0 });
    // The car grows until frame 4, then shrinks: frame 4 is the best shot (all below the default's size cap).
    const boxes = [40, 60, 80, 100, 120, 90, 60, 40].map((w, i) => car(100 + i * 5, 100, w * 1.5, w));
    for (let i = 0; i < boxes.length; i++)
      expect(recorder.observe(tracker.update([boxes[i]], i * 100, size), frameOf(i))).toEqual([]);
    expect(recorder.holding).toBe(1);
    const sightings = recorder.observe(tracker.update([], 1200, size));
    expect(sightings).toHaveLength(1);
    const [s] = sightings;
    expect(s).toMatchObject({
      trackId: 't1',
      cameraId: 'cam-1',
      label: 'car',
      firstSeen: 0,
      lastSeen: 700,
      box: boxes[4].box,
      score: 0.8,
    });
    expect(s.bestCrop).toMatchObject({ width: 180, height: 120 });
    expect(s.bestCrop!.data[0]).toBe(4);
    expect(recorder.holding).toBe(0);
  });

  it('crops an approaching car a few times, not once per frame', () => {
    const tracker = newTracker();
    const recorder = new SightingRecorder({ cameraId: 'cam-1', minGain: 0.1 });
    let crops = 0;
    let lastCrop: RgbImage | undefined;
    for (let i = 0; i < 60; i++) {
      const w = 30 + i * 3; // 30 -> 207 px wide: quality grows every frame
      const events = tracker.update([car(200, 100, w, w * 0.6)], i * 100, size);
      recorder.observe(events, frameOf(i));
      const held = recorder.heldCrop('t1');
      if (held && held.image !== lastCrop) {
        crops++;
        lastCrop = held.image;
      }
    }
    expect(crops).toBeGreaterThan(2);
    expect(crops).toBeLessThan(20);
  });

  it('keeps a stand-in crop when the best shot came before the track was confirmed', () => {
    const tracker = newTracker();
    const recorder = new SightingRecorder({ cameraId: 'cam-2', cropPad: 0 });
    const boxes = [car(100, 100, 180, 108), car(105, 100, 150, 90), car(110, 100, 150, 90), car(115, 100, 150, 90)];
    boxes.forEach((b, i) => recorder.observe(tracker.update([b], i * 100, size), frameOf(i)));
    const [s] = recorder.observe(tracker.flush());
    expect(s.box).toEqual(boxes[0].box); // the best shot itself is from frame 0, before confirmation
    expect(s.bestCrop!.data[0]).toBe(2); // the crop is the stand-in from the confirming frame
  });

  it('emits sightings without a crop when no frame was given', () => {
    const tracker = newTracker();
    const recorder = new SightingRecorder({ cameraId: 'cam-3' });
    for (let i = 0; i < 4; i++) recorder.observe(tracker.update([car(50, 50, 100, 60)], i * 100, size));
    const [s] = recorder.observe(tracker.flush());
    expect(s.bestCrop).toBeUndefined();
    expect('bestCrop' in s).toBe(false);
  });
});
