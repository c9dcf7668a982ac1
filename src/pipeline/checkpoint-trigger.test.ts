import { describe, expect, it } from 'vitest';
import type { Frame } from '../domain/frame.js';
import { CheckpointTrigger } from './checkpoint-trigger.js';

const W = 320;
const H = 240;

/** A grey road at time t (ms), with a dark 60x60 "vehicle" at (x, y) when given. */
function frame(t: number, vehicle?: { x: number; y: number }): Frame {
  const data = Buffer.alloc(W * H * 3, 140);
  if (vehicle) {
    for (let y = vehicle.y; y < vehicle.y + 60; y++)
      data.fill(30, (y * W + vehicle.x) * 3, (y * W + vehicle.x + 60) * 3);
  }
  return { cameraId: 'c', seq: t / 200, capturedAt: t, width: W, height: H, data };
}

/** Feeds frames at 5 fps and returns each one's reason. */
function run(trigger: CheckpointTrigger, frames: Frame[]): string[] {
  return frames.map((f) => trigger.decide(f).reason);
}

describe('CheckpointTrigger', () => {
  it('reads the first frame, then idles on an empty road', () => {
    const trigger = new CheckpointTrigger(undefined, { idleCheckMs: 0 });
    const reasons = run(
      trigger,
      Array.from({ length: 20 }, (_, i) => frame(i * 200)),
    );
    expect(reasons[0]).toBe('motion');
    expect(reasons.slice(6)).toEqual(Array(14).fill('idle'));
  });

  it('wakes when a vehicle drives in, holds for holdMs after it leaves, then idles', () => {
    const trigger = new CheckpointTrigger(undefined, { holdMs: 1000, idleCheckMs: 0 });
    const empty = Array.from({ length: 10 }, (_, i) => frame(i * 200));
    const driving = Array.from({ length: 5 }, (_, i) => frame(2000 + i * 200, { x: 130, y: i * 40 }));
    const after = Array.from({ length: 10 }, (_, i) => frame(3000 + i * 200));
    const reasons = run(trigger, [...empty, ...driving, ...after]);
    expect(reasons.slice(6, 10)).toEqual(Array(4).fill('idle'));
    expect(reasons.slice(10, 15)).toEqual(Array(5).fill('motion'));
    // The first empty frame still differs from the background (the vehicle left it): change, then a 1 s hold.
    const tail = reasons.slice(15);
    expect(tail.filter((r) => r === 'hold')).toHaveLength(5);
    expect(tail.slice(-3)).toEqual(['idle', 'idle', 'idle']);
  });

  it('ignores change outside the ROI', () => {
    const trigger = new CheckpointTrigger({ x: 0.5, y: 0, width: 0.5, height: 1 }, { idleCheckMs: 0 });
    run(
      trigger,
      Array.from({ length: 10 }, (_, i) => frame(i * 200)),
    );
    const left = Array.from({ length: 5 }, (_, i) => frame(2000 + i * 200, { x: 10, y: i * 30 }));
    expect(run(trigger, left)).toEqual(Array(5).fill('idle'));
    expect(trigger.decide(frame(3000, { x: 250, y: 100 })).reason).toBe('motion');
  });

  it('says where to search: around the change in the ROI, then where it last was; the whole ROI after re-learning', () => {
    const trigger = new CheckpointTrigger({ x: 0, y: 0, width: 1, height: 0.5 }, { holdMs: 400, idleCheckMs: 0 });
    expect(trigger.decide(frame(0)).regions).toBeUndefined();
    run(
      trigger,
      Array.from({ length: 9 }, (_, i) => frame(200 + i * 200)),
    );
    // The vehicle (130..190, 80..140) straddles the ROI's lower edge (y 120): its region is cut there.
    const moving = trigger.decide(frame(2000, { x: 130, y: 80 }));
    expect(moving.reason).toBe('motion');
    expect(moving.regions).toHaveLength(1);
    const [x1, y1, x2, y2] = moving.regions![0];
    expect(x1).toBeLessThanOrEqual(130);
    expect(y1).toBeLessThanOrEqual(80);
    expect(x2).toBeGreaterThanOrEqual(190);
    expect(y2).toBe(120);
    expect(x2 - x1).toBeLessThan(W / 2);
    // It leaves: the empty road differs from the background once, then the hold searches that frame's change.
    const left = trigger.decide(frame(2200));
    const held = trigger.decide(frame(2400));
    expect(held.reason).toBe('hold');
    expect(held.regions).toEqual(left.regions);
  });

  it('keeps reading a vehicle that stopped while plates are found, up to stillReadMs after the last change', () => {
    const trigger = new CheckpointTrigger(undefined, {
      holdMs: 400,
      stillReadMs: 2000,
      idleCheckMs: 0,
      absorbAfterFrames: 4,
    });
    run(
      trigger,
      Array.from({ length: 10 }, (_, i) => frame(i * 200)),
    );
    const reasons: string[] = [];
    for (let t = 2000; t <= 5000; t += 200) {
      const f = frame(t, { x: 130, y: 100 });
      const d = trigger.decide(f);
      reasons.push(d.reason);
      if (d.analyse) trigger.found(1, f);
    }
    // Change until the standing vehicle joins the background (4 frames, the last at 2600), a 400 ms hold, then
    // read on its plate until 2 s after the last change (4600), then idle though the plate is still there.
    expect(reasons).toEqual([
      ...Array(4).fill('motion'),
      ...Array(2).fill('hold'),
      ...Array(8).fill('plate'),
      ...Array(2).fill('idle'),
    ]);
  });

  it('re-learns a background that holds a vehicle once reading finds no plate for relearnAfterMs', () => {
    const trigger = new CheckpointTrigger(undefined, { holdMs: 400, relearnAfterMs: 1000, idleCheckMs: 0 });
    // The first frame learnt has a vehicle in it; the road is empty after: its ghost is change on every frame.
    trigger.decide(frame(0, { x: 130, y: 100 }));
    const reasons: string[] = [];
    for (let t = 200; t <= 4000; t += 200) {
      const f = frame(t);
      const d = trigger.decide(f);
      reasons.push(d.reason);
      if (d.analyse) trigger.found(0, f);
    }
    expect(reasons.slice(0, 6)).toEqual(Array(6).fill('motion'));
    expect(reasons.slice(-5)).toEqual(Array(5).fill('idle'));
  });

  it('reads one frame every idleCheckMs on a still scene', () => {
    const trigger = new CheckpointTrigger(undefined, { idleCheckMs: 2000 });
    const reasons = run(
      trigger,
      Array.from({ length: 30 }, (_, i) => frame(i * 200)),
    );
    const checks = reasons.map((r, i) => (r === 'check' ? i : -1)).filter((i) => i >= 0);
    // The first frame and its 1 s hold are read (0-1000 ms), so the checks fall 2 s after 1000 and 3000.
    expect(checks).toEqual([15, 25]);
  });
});
