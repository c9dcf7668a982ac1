// Tests for the YOLO decoder: layout detection, v5 and v8 tensors, and a generated v8 ONNX model run through ORT.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../domain/frame.js';
import { placeImage, toInputTensor } from './letterbox.js';
import { TOY_LABELS, TOY_SIZE, buildToyYolo } from '../../../test/support/toy-yolo-model.js';
import { YoloShapeError, decodeYolo, detectYoloLayout } from './yolo.js';

const identity = { scaleX: 1, scaleY: 1, padX: 0, padY: 0 };
const common = {
  scoreThreshold: 0.5,
  iouThreshold: 0.45,
  inputSize: { width: 640, height: 640 },
  placement: identity,
  imageSize: { width: 640, height: 640 },
};

describe('detectYoloLayout', () => {
  it('tells v8 columns from v5 rows by shape', () => {
    expect(detectYoloLayout([1, 84, 8400])).toBe('v8');
    expect(detectYoloLayout([1, 25200, 85])).toBe('v5');
    expect(detectYoloLayout([1, 84, 8400], 80)).toBe('v8');
    expect(detectYoloLayout([1, 25200, 85], 80)).toBe('v5');
  });

  it('uses the class count where the sizes alone would mislead', () => {
    // 3 candidates only: fewer than the 6 attributes of a v5 row with one class.
    expect(detectYoloLayout([1, 3, 6], 1)).toBe('v5');
    expect(detectYoloLayout([1, 3, 6])).toBe('v8');
  });

  it('says which label count does not fit', () => {
    expect(() => detectYoloLayout([1, 84, 8400], 3)).toThrow(/fits neither v5 \[1,N,8\] nor v8 \[1,7,N\] for 3 labels/);
    expect(() => detectYoloLayout([84, 8400])).toThrow(YoloShapeError);
  });
});

describe('decodeYolo on known tensors', () => {
  it('decodes v8 columns (cx, cy, w, h, class scores) with class-aware NMS', () => {
    // 4 candidates, 2 classes; rows are attributes.
    const data = Float32Array.from([
      /* cx */ 100, 102, 100, 400, /* cy */ 100, 100, 100, 300, /* w  */ 50, 50, 50, 20, /* h  */ 80, 80, 80, 20,
      /* c0 */ 0.9, 0.7, 0.1, 0.2, /* c1 */ 0.1, 0.1, 0.8, 0.3,
    ]);
    const out = decodeYolo(data, [1, 6, 4], { ...common, classes: 2 });
    // Candidate 1 duplicates 0 (same class); candidate 2 is the same place but the other class; 3 is too weak.
    expect(out.map((d) => [d.classIndex, d.score])).toEqual([
      [0, expect.closeTo(0.9)],
      [1, expect.closeTo(0.8)],
    ]);
    expect(out[0].box).toEqual([75, 60, 125, 140]);
  });

  it('decodes v5 rows with objectness times class score', () => {
    const data = Float32Array.from([
      320,
      320,
      64,
      32,
      0.9,
      0.2,
      0.8,
      100,
      100,
      10,
      10,
      0.4,
      1.0,
      0.0, // objectness too low
      500,
      500,
      10,
      10,
      0.9,
      0.5,
      0.1, // 0.45 after objectness
    ]);
    const out = decodeYolo(data, [1, 3, 7], { ...common, classes: 2 });
    expect(out).toHaveLength(1);
    expect(out[0].classIndex).toBe(1);
    expect(out[0].score).toBeCloseTo(0.72);
    expect(out[0].box).toEqual([288, 304, 352, 336]);
  });

  it('scales boxes given as fractions of the input', () => {
    const data = Float32Array.from([0.5, 0.25, 0.1, 0.1, 0.9]);
    const [d] = decodeYolo(data, [1, 5, 1], { ...common, classes: 1 });
    expect(d.box.map((v) => Math.round(v))).toEqual([288, 128, 352, 192]);
  });

  it('labels a candidate by its own best class and filters afterwards', () => {
    const data = Float32Array.from([100, 100, 10, 10, 0.9, 0.6]);
    expect(decodeYolo(data, [1, 6, 1], { ...common, classes: 2, keep: new Set([1]) })).toEqual([]);
  });
});

/** 200x100 black picture with one 50 px square per colour; letterboxed into 64 each is one 16 px cell. */
function toyPicture(): RgbImage {
  const img: RgbImage = { data: Buffer.alloc(200 * 100 * 3), width: 200, height: 100 };
  const fill = (x0: number, y0: number, rgb: number[]) => {
    for (let y = y0; y < y0 + 50; y++) for (let x = x0; x < x0 + 50; x++) img.data.set(rgb, (y * 200 + x) * 3);
  };
  fill(50, 0, [255, 0, 0]);
  fill(150, 50, [0, 0, 255]);
  fill(0, 50, [255, 0, 255]);
  return img;
}

describe('decodeYolo end to end with a generated v8 ONNX model', () => {
  it('finds each coloured square, in image pixels, through letterbox, ORT and class-aware NMS', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-yolo-')), 'toy.onnx');
    writeFileSync(file, buildToyYolo());
    const session = await ort.InferenceSession.create(file);
    const spec = {
      width: TOY_SIZE,
      height: TOY_SIZE,
      layout: 'nchw' as const,
      colour: 'rgb' as const,
      resize: 'letterbox' as const,
      pad: 0,
      normalise: {
        divide: 255,
        mean: [0, 0, 0] as [number, number, number],
        std: [1, 1, 1] as [number, number, number],
      },
    };
    const picture = toyPicture();
    const { image, placement } = await placeImage(picture, spec);
    const out = (
      await session.run({ images: new ort.Tensor('float32', toInputTensor(image, spec), [1, 3, TOY_SIZE, TOY_SIZE]) })
    ).output0;
    expect(out.dims).toEqual([1, 6, 32]);
    const found = decodeYolo(out.data as Float32Array, out.dims, {
      scoreThreshold: 0.5,
      iouThreshold: 0.45,
      classes: TOY_LABELS.length,
      inputSize: spec,
      placement,
      imageSize: picture,
    });
    const named = found.map((d) => ({ label: TOY_LABELS[d.classIndex], box: d.box.map((v) => Math.round(v)) }));
    expect(named).toHaveLength(4);
    expect(named).toEqual(
      expect.arrayContaining([
        { label: 'red', box: [50, 0, 100, 50] },
        { label: 'blue', box: [150, 50, 200, 100] },
        // Magenta: both classes on one box; class-agnostic NMS would have dropped one.
        { label: 'red', box: [0, 50, 50, 100] },
        { label: 'blue', box: [0, 50, 50, 100] },
      ]),
    );
    await session.release();
  });
});
