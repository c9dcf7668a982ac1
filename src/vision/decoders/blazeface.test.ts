// Tests for BlazeFace anchors and decoding on hand-made logits and box values.
import { describe, expect, it } from 'vitest';
import { BOX_VALUES, blazeAnchors, decodeBlazeface } from './blazeface.js';

const SPEC = { inputSize: 256, strides: [16, 32], anchorsPerCell: [2, 6] };

/** Empty heads (every logit very negative) for the 256 model: 512 anchors at stride 16, 384 at 32. */
function heads() {
  return {
    scores: [new Float32Array(512).fill(-20), new Float32Array(384).fill(-20)],
    boxes: [new Float32Array(512 * BOX_VALUES), new Float32Array(384 * BOX_VALUES)],
  };
}

/** Sets anchor i of head h: logit, centre offset, size, and landmark offsets from the anchor. */
function put(h: ReturnType<typeof heads>, head: number, i: number, logit: number, values: number[]) {
  h.scores[head][i] = logit;
  h.boxes[head].set(values, i * BOX_VALUES);
}

describe('blazeAnchors', () => {
  it('makes 896 anchor centres: 16x16 cells x 2 at stride 16, then 8x8 cells x 6 at stride 32', () => {
    const a = blazeAnchors(SPEC);
    expect(a.length / 2).toBe(896);
    expect([...a.subarray(0, 6)]).toEqual([8, 8, 8, 8, 24, 8]); // two per cell, then the next cell
    expect([...a.subarray(2 * 32, 2 * 32 + 2)]).toEqual([8, 24]); // second row starts after 16 cells x 2
    expect([...a.subarray(2 * 512, 2 * 512 + 2)]).toEqual([16, 16]); // first stride-32 anchor
    expect([...a.subarray(2 * 895)]).toEqual([240, 240]);
  });
});

describe('decodeBlazeface', () => {
  const anchors = blazeAnchors(SPEC);

  it('decodes the box and six landmarks against the anchor, scores through a sigmoid', () => {
    const h = heads();
    // Stride-32 anchor 6 x 3 = cell (3, 0), centre (112, 16); offsets move the face to (114, 20).
    const landmarks = [-10, -5, 10, -5, 0, 5, 0, 12, -20, 0, 20, 0];
    put(h, 1, 18, 2, [2, 4, 40, 48, ...landmarks]);
    const [face, ...rest] = decodeBlazeface(h.scores, h.boxes, anchors, { scoreThreshold: 0.5, iouThreshold: 0.3 });
    expect(rest).toEqual([]);
    expect(face.score).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(face.box).toEqual([94, -4, 134, 44]);
    const expected = [
      [102, 11],
      [122, 11],
      [112, 21],
      [112, 28],
      [92, 16],
      [132, 16],
    ];
    expect(face.landmarks).toEqual(expected.map((p) => p.map((v) => expect.closeTo(v, 6))));
  });

  it('drops anchors under the score threshold', () => {
    const h = heads();
    put(h, 0, 0, -0.1, [0, 0, 10, 10]); // sigmoid 0.475
    expect(decodeBlazeface(h.scores, h.boxes, anchors, { scoreThreshold: 0.5, iouThreshold: 0.3 })).toEqual([]);
  });

  it('blends the anchors that fire on one face (weighted NMS) unless told to keep the best', () => {
    const h = heads();
    // Both anchors of the first stride-16 cell, centre (8, 8), a face of 20 px shifted by 1 px.
    put(h, 0, 0, 3, [0, 0, 20, 20]);
    put(h, 0, 1, 3, [2, 0, 20, 20]);
    const blended = decodeBlazeface(h.scores, h.boxes, anchors, { scoreThreshold: 0.5, iouThreshold: 0.3 });
    expect(blended).toHaveLength(1);
    expect(blended[0].box).toEqual([-1, -2, 19, 18].map((v) => expect.closeTo(v, 6)));
    const hard = decodeBlazeface(h.scores, h.boxes, anchors, {
      scoreThreshold: 0.5,
      iouThreshold: 0.3,
      weighted: false,
    });
    expect(hard).toHaveLength(1);
    expect([
      [-2, -2, 18, 18],
      [0, -2, 20, 18],
    ]).toContainEqual(hard[0].box);
  });

  it('refuses heads that do not match the anchors', () => {
    const h = heads();
    expect(() =>
      decodeBlazeface([h.scores[0]], [h.boxes[0]], anchors, { scoreThreshold: 0.5, iouThreshold: 0.3 }),
    ).toThrow(/512 scores for 896 anchors/);
  });
});
