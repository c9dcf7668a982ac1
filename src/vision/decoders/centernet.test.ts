// Tests for decoding centernet's [1,K,6] detections on hand-made tensors through a letterbox.
import { describe, expect, it } from 'vitest';
import { decodeCenternet } from './centernet.js';

// A 1000x500 image letterboxed into 512: scale 0.512, bars of 128 above and below.
const placement = { scaleX: 0.512, scaleY: 0.512, padX: 0, padY: 128 };
const imageSize = { width: 1000, height: 500 };
const rows = (...r: number[][]) => Float32Array.from(r.flat());

describe('decodeCenternet', () => {
  it('maps boxes out of the letterbox and keeps scores and 0-based classes', () => {
    const out = decodeCenternet(rows([51.2, 128, 102.4, 179.2, 0.6, 2], [0, 0, 0, 0, 0.1, 0]), {
      scoreThreshold: 0.25,
      iouThreshold: 0.5,
      placement,
      imageSize,
    });
    expect(out).toHaveLength(1);
    expect(out[0].classIndex).toBe(2);
    expect(out[0].score).toBeCloseTo(0.6);
    out[0].box.forEach((v, i) => expect(v).toBeCloseTo([100, 0, 200, 100][i], 3));
  });

  it('drops padding rows (NaN class), boxes wholly in the bars, and classes not kept', () => {
    const data = rows(
      [10, 10, 50, 50, 0.9, NaN],
      [10, 0, 50, 100, 0.9, 0],
      [0, 200, 100, 300, 0.9, 7],
      [0, 200, 100, 300, 0.8, 0],
    );
    const out = decodeCenternet(data, {
      scoreThreshold: 0.25,
      iouThreshold: 0.5,
      placement,
      imageSize,
      keep: new Set([0]),
    });
    expect(out.map((d) => [d.classIndex, d.score])).toEqual([[0, expect.closeTo(0.8)]]);
  });

  it('merges near-duplicate peaks of one class, but not of different classes', () => {
    const data = rows([0, 200, 100, 300, 0.9, 0], [2, 200, 100, 302, 0.5, 0], [0, 200, 100, 300, 0.4, 3]);
    const out = decodeCenternet(data, { scoreThreshold: 0.25, iouThreshold: 0.5, placement, imageSize });
    expect(out.map((d) => d.classIndex)).toEqual([0, 3]);
  });

  it('refuses a tensor that is not rows of 6', () => {
    expect(() =>
      decodeCenternet(new Float32Array(7), { scoreThreshold: 0.25, iouThreshold: 0.5, placement, imageSize }),
    ).toThrow(/multiple of 6/);
  });
});
