// Tests for overlap, class-aware hard NMS and BlazeFace's weighted NMS on hand-made boxes.
import { describe, expect, it } from 'vitest';
import type { Box } from '../../domain/frame.js';
import { iou, nms, weightedNms } from './nms.js';

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones, and the ratio in between', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    // 50 shared of 150 covered
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
  });
});

describe('nms', () => {
  const det = (box: Box, score: number, cls: number) => ({ box, score, cls });

  it('keeps the best of overlapping boxes, best first', () => {
    const kept = nms([det([1, 0, 11, 10], 0.6, 0), det([0, 0, 10, 10], 0.9, 0), det([50, 50, 60, 60], 0.3, 0)], 0.5);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.3]);
  });

  it('never lets one class suppress another when classOf is given', () => {
    const rider = det([0, 0, 10, 20], 0.8, 0);
    const motorcycle = det([0, 2, 10, 20], 0.7, 3);
    expect(nms([rider, motorcycle], 0.5)).toHaveLength(1);
    expect(nms([rider, motorcycle], 0.5, { classOf: (d) => d.cls })).toHaveLength(2);
  });

  it('stops at maxOutput', () => {
    const many = Array.from({ length: 5 }, (_, i) => det([i * 20, 0, i * 20 + 10, 10], 0.5 + i / 10, 0));
    expect(nms(many, 0.5, { maxOutput: 2 }).map((d) => d.score)).toEqual([0.9, 0.8]);
  });
});

describe('weightedNms', () => {
  it('blends a group into its score-weighted mean box and landmarks, keeping the best score', () => {
    const a = { box: [0, 0, 10, 10] as Box, score: 0.75, landmarks: [[2, 2] as [number, number]] };
    const b = { box: [2, 0, 12, 10] as Box, score: 0.25, landmarks: [[6, 2] as [number, number]] };
    const far = { box: [100, 100, 110, 110] as Box, score: 0.5, landmarks: [[105, 105] as [number, number]] };
    const out = weightedNms([b, far, a], 0.3);
    expect(out).toHaveLength(2);
    expect(out[0].score).toBe(0.75);
    expect(out[0].box).toEqual([0.5, 0, 10.5, 10]);
    expect(out[0].landmarks[0]).toEqual([3, 2]);
    expect(out[1].box).toEqual([100, 100, 110, 110]);
  });
});
