// Where a checkpoint trigger says to search: real grey frames with a moving dark rectangle through the real motion gate.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../domain/frame.js';
import { CheckpointTrigger } from './checkpoint-trigger.js';

const W = 320;
const H = 240;

/** A grey road at time t (ms), with a dark 60x60 "vehicle" at (x, y) when given. */
function frame(t: number, vehicle?: { x: number; y: number }, grey = 140): Frame {
  const data = Buffer.alloc(W * H * 3, grey);
  if (vehicle) {
    for (let y = vehicle.y; y < vehicle.y + 60; y++)
      data.fill(30, (y * W + vehicle.x) * 3, (y * W + vehicle.x + 60) * 3);
  }
  return { cameraId: 'c', seq: t / 200, capturedAt: t, width: W, height: H, data };
}

/** A trigger that has learnt the empty road and gone idle. */
function settled(roi = { x: 0.5, y: 0, width: 0.5, height: 1 }, idleCheckMs = 0): CheckpointTrigger {
  const trigger = new CheckpointTrigger(roi, { holdMs: 400, idleCheckMs });
  for (let i = 0; i < 10; i++) trigger.decide(frame(i * 200));
  return trigger;
}

describe('CheckpointTrigger regions', () => {
  it('clips a change straddling the ROI to the ROI, in frame pixels', () => {
    // The vehicle spans x 130..190; the ROI starts at x 160.
    const d = settled().decide(frame(2000, { x: 130, y: 100 }));
    expect(d.reason).toBe('motion');
    expect(d.regions).toHaveLength(1);
    const [x1, y1, x2, y2] = d.regions![0];
    expect(x1).toBe(160);
    expect(x2).toBeGreaterThanOrEqual(190);
    expect(x2).toBeLessThan(W);
    // Frame pixels (not fractions, not the gate's grid cells): they cover the vehicle's rows.
    expect(y1).toBeLessThanOrEqual(100);
    expect(y2).toBeGreaterThanOrEqual(160);
    expect(y2).toBeLessThanOrEqual(H);
  });

  it('does not trigger or give regions for change only outside the ROI', () => {
    const trigger = settled();
    const d = trigger.decide(frame(2000, { x: 10, y: 100 }));
    expect(d).toEqual({ analyse: false, reason: 'idle' });
  });

  it('a check reads the whole ROI: no regions, though a change was seen before', () => {
    const trigger = settled(undefined, 2000);
    const moving = trigger.decide(frame(2000, { x: 200, y: 100 }));
    expect(moving.regions).toHaveLength(1);
    const reasons: string[] = [];
    let check;
    for (let t = 2200; t <= 6000; t += 200) {
      const d = trigger.decide(frame(t));
      reasons.push(d.reason);
      if (d.reason === 'check') check = d;
    }
    expect(check).toBeDefined();
    expect(check!.analyse).toBe(true);
    expect(check!.regions).toBeUndefined();
  });

  it('a re-learnt frame (the whole picture changed) and the hold after it have no regions', () => {
    const trigger = settled();
    expect(trigger.decide(frame(2000, { x: 200, y: 100 })).regions).toHaveLength(1);
    // Lighting change over the whole picture: the gate re-learns.
    const relearnt = trigger.decide(frame(2200, undefined, 60));
    expect(relearnt.reason).toBe('motion');
    expect(relearnt.regions).toBeUndefined();
    const held = trigger.decide(frame(2400, undefined, 60));
    expect(held.reason).toBe('hold');
    expect(held.regions).toBeUndefined();
  });
});
