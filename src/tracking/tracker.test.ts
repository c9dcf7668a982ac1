import { describe, expect, it } from 'vitest';
import type { Box } from '../domain/frame.js';
import { Tracker, defaultShotQuality, iou, type Detection, type TrackEvent, type TrackerOptions } from './tracker.js';

const size = { width: 1280, height: 720 };
const FRAME_MS = 100;

function tracker(opts: TrackerOptions = {}): Tracker {
  let n = 0;
  return new Tracker({ newId: () => `t${++n}`, ...opts });
}

const det = (
  x: number,
  y: number,
  opts: { w?: number; h?: number; score?: number; label?: string } = {},
): Detection => ({
  label: opts.label ?? 'car',
  score: opts.score ?? 0.8,
  box: [x, y, x + (opts.w ?? 100), y + (opts.h ?? 60)],
});

const ofType = (events: TrackEvent[], type: TrackEvent['type']) => events.filter((e) => e.type === type);

/** Feeds frame i = 0..frames-1 at 100 ms apart; returns all events in order. */
function run(t: Tracker, frames: number, detsAt: (i: number) => Detection[], startFrame = 0): TrackEvent[] {
  const events: TrackEvent[] = [];
  for (let i = startFrame; i < startFrame + frames; i++) events.push(...t.update(detsAt(i), i * FRAME_MS, size));
  return events;
}

describe('iou', () => {
  it('is 1 for equal boxes, 0 for disjoint ones, and symmetric', () => {
    const a: Box = [0, 0, 10, 10];
    expect(iou(a, a)).toBe(1);
    expect(iou(a, [20, 20, 30, 30])).toBe(0);
    expect(iou(a, [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([5, 0, 15, 10], a)).toBeCloseTo(50 / 150);
  });
});

describe('Tracker', () => {
  it('keeps one id for a steadily moving object and announces it after the confirming hits', () => {
    const t = tracker();
    const events = run(t, 10, (i) => [det(100 + i * 30, 200)]);
    expect(events.map((e) => e.type)).toEqual(['start', ...Array(7).fill('update')]);
    expect(new Set(events.map((e) => e.track.id))).toEqual(new Set(['t1']));
    expect(events[0].track).toMatchObject({ firstSeen: 0, lastSeen: 200, hits: 3 });
    expect(events.at(-1)!.track.box).toEqual([370, 200, 470, 260]);
  });

  it('gives a new object a new id', () => {
    const t = tracker();
    const events = run(t, 10, (i) => (i < 4 ? [det(100, 100)] : [det(100, 100), det(800, 400)]));
    const starts = ofType(events, 'start');
    expect(starts.map((e) => e.track.id)).toEqual(['t1', 't2']);
    expect(starts[1].track.box).toEqual([800, 400, 900, 460]);
  });

  it('ends a track after it has been absent for endAfterMs, on update or on expire', () => {
    const t = tracker({ endAfterMs: 500 });
    run(t, 5, () => [det(100, 100)]);
    expect(t.update([], 900, size)).toEqual([]);
    const ended = t.update([], 1000, size);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ type: 'end', reason: 'timeout', track: { id: 't1', lastSeen: 400, hits: 5 } });
    expect(t.active()).toEqual([]);

    const quiet = tracker({ endAfterMs: 500 });
    run(quiet, 5, () => [det(100, 100)]);
    expect(quiet.expire(800)).toEqual([]);
    expect(quiet.expire(901).map((e) => e.type)).toEqual(['end']);
  });

  it('keeps the ids of two objects that cross while moving smoothly', () => {
    const t = tracker();
    // Same class and size, rows 10 px apart, 60 px a frame: at frame 7 the boxes nearly coincide, and
    // B's box overlaps A's previous box more than A's own does, so only the motion prediction keeps them apart.
    const a = (i: number) => det(100 + i * 60, 300);
    const b = (i: number) => det(930 - i * 60, 310);
    const events = run(t, 15, (i) => [b(i), a(i)]);
    const idOfA = ofType(events, 'start').find((e) => e.track.box[1] === 300)!.track.id;
    const idOfB = ofType(events, 'start').find((e) => e.track.box[1] === 310)!.track.id;
    expect(idOfA).not.toBe(idOfB);
    const last = Object.fromEntries(
      ofType(events, 'update')
        .slice(-2)
        .map((e) => [e.track.id, e.track.box]),
    );
    expect(last[idOfA]).toEqual(a(14).box);
    expect(last[idOfB]).toEqual(b(14).box);
    // Every event of A's id stays on A's row: no swap happened at the crossing.
    for (const e of events) expect(e.track.box[1]).toBe(e.track.id === idOfA ? 300 : 310);
  });

  it('lets low-score detections keep a track alive, but never start one', () => {
    const t = tracker({ endAfterMs: 500 });
    run(t, 4, (i) => [det(100 + i * 10, 100)]);
    const faint = run(t, 20, (i) => [det(100 + i * 10, 100, { score: 0.15 })], 4);
    expect(ofType(faint, 'end')).toEqual([]);
    expect(ofType(faint, 'update')).toHaveLength(20);
    expect(faint.at(-1)!.track).toMatchObject({ id: 't1', score: 0.15 });

    const fresh = tracker();
    expect(run(fresh, 10, () => [det(500, 500, { score: 0.2 })])).toEqual([]);
    expect(fresh.active()).toEqual([]);
  });

  it('does not let a lost track take low-score detections, but a confident one brings it back', () => {
    const t = tracker({ lostAfterMisses: 2 });
    run(t, 4, () => [det(100, 100)]);
    run(t, 2, () => [], 4);
    expect(run(t, 2, () => [det(100, 100, { score: 0.2 })], 6)).toEqual([]);
    const back = run(t, 1, () => [det(100, 100)], 8);
    expect(back).toMatchObject([{ type: 'update', track: { id: 't1' } }]);
  });

  it('drops a tentative track that misses a frame (a one-off false detection)', () => {
    const t = tracker();
    const events = run(t, 6, (i) => (i === 0 || i === 2 ? [det(300, 300)] : []));
    expect(events).toEqual([]);
    expect(t.active()).toEqual([]);
  });

  it('is class-aware: a person box on a car track is another object', () => {
    const t = tracker({ confirmHits: 1 });
    run(t, 3, () => [det(100, 100)]);
    const events = run(t, 1, () => [det(100, 100, { label: 'person' })], 3);
    expect(events).toMatchObject([{ type: 'start', track: { id: 't2', label: 'person' } }]);
  });

  it('keeps the best shot: larger and fully inside beats small or cut off', () => {
    const t = tracker({ confirmHits: 1 });
    const boxes: Detection[] = [
      det(600, 300, { w: 80, h: 50 }),
      det(590, 290, { w: 200, h: 120 }),
      det(0, 280, { w: 400, h: 240 }),
      det(580, 290, { w: 220, h: 130, score: 0.4 }),
    ];
    const events = run(t, boxes.length, (i) => [boxes[i]]);
    expect(events.at(-1)!.track.bestShot).toMatchObject({ box: boxes[1].box, score: 0.8, capturedAt: 100 });
    expect(defaultShotQuality({ box: [0, 0, 10, 10], score: 1, label: 'car', frameSize: size })).toBeLessThan(
      defaultShotQuality({ box: [5, 5, 105, 105], score: 1, label: 'car', frameSize: size }),
    );
  });

  it('uses a caller-supplied quality function', () => {
    const t = tracker({ confirmHits: 1, quality: ({ box }) => -box[0] });
    const events = run(t, 5, (i) => [det(300 - i * 20, 100)]);
    expect(events.at(-1)!.track.bestShot.box[0]).toBe(220);
  });

  it('flush ends every confirmed track', () => {
    const t = tracker();
    run(t, 4, () => [det(100, 100), det(600, 400)]);
    const ended = t.flush();
    expect(ended.map((e) => e.type === 'end' && e.reason)).toEqual(['flush', 'flush']);
    expect(t.active()).toEqual([]);
  });
});
