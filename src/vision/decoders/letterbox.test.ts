// Tests for fitting images into model inputs (letterbox, stretch, tensor layouts) and mapping boxes back.
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../domain/frame.js';
import {
  type InputSpec,
  placeImage,
  regionToBox,
  tensorShape,
  toInputTensor,
  unplaceBox,
  unplacePoint,
} from './letterbox.js';

const spec = (over: Partial<InputSpec> = {}): InputSpec => ({
  width: 64,
  height: 64,
  layout: 'nchw',
  colour: 'rgb',
  resize: 'letterbox',
  pad: 114,
  normalise: { divide: 255, mean: [0, 0, 0], std: [1, 1, 1] },
  ...over,
});
const solid = (width: number, height: number, rgb: [number, number, number]): RgbImage => {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height };
};

describe('placeImage', () => {
  it('letterboxes a wide image into the middle, grey bars above and below', async () => {
    const { image, placement } = await placeImage(solid(200, 100, [200, 10, 20]), spec());
    expect(placement).toEqual({ scaleX: 0.32, scaleY: 0.32, padX: 0, padY: 16 });
    expect([...image.data.subarray(0, 3)]).toEqual([114, 114, 114]);
    const mid = (32 * 64 + 32) * 3;
    expect([...image.data.subarray(mid, mid + 3)]).toEqual([200, 10, 20]);
  });

  it('stretches when the model wants it', async () => {
    const { placement } = await placeImage(solid(200, 100, [0, 0, 0]), spec({ resize: 'stretch' }));
    expect(placement).toEqual({ scaleX: 0.32, scaleY: 0.64, padX: 0, padY: 0 });
  });

  it('maps model boxes back to image pixels and clips them', () => {
    const p = { scaleX: 0.32, scaleY: 0.32, padX: 0, padY: 16 };
    expect(unplacePoint([32, 32], p)).toEqual([100, 50]);
    expect(unplaceBox([16, 16, 32, 32], p, { width: 200, height: 100 })).toEqual([50, 0, 100, 50]);
    // Runs into the bars and past the input: clipped to the image.
    expect(unplaceBox([-8, 0, 70, 60], p, { width: 200, height: 100 })).toEqual([0, 0, 200, 100]);
  });
});

describe('toInputTensor', () => {
  const px: RgbImage = { data: Buffer.from([10, 20, 30, 40, 50, 60]), width: 2, height: 1 };

  it('writes planes for nchw and interleaved values for nhwc', () => {
    const norm = { divide: 1, mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] };
    expect([...toInputTensor(px, spec({ width: 2, height: 1, normalise: norm }))]).toEqual([10, 40, 20, 50, 30, 60]);
    expect([...toInputTensor(px, spec({ width: 2, height: 1, normalise: norm, layout: 'nhwc' }))]).toEqual([
      10, 20, 30, 40, 50, 60,
    ]);
    expect(tensorShape(spec({ layout: 'nhwc' }), 2)).toEqual([2, 64, 64, 3]);
  });

  it('swaps channels for bgr models and normalises per model channel', () => {
    const norm = {
      divide: 10,
      mean: [1, 2, 3] as [number, number, number],
      std: [1, 2, 4] as [number, number, number],
    };
    const out = toInputTensor(px, spec({ width: 2, height: 1, normalise: norm, colour: 'bgr', layout: 'nhwc' }));
    // First pixel: B=30 -> (3-1)/1, G=20 -> (2-2)/2, R=10 -> (1-3)/4.
    expect([...out.subarray(0, 3)]).toEqual([2, 0, -0.5]);
  });
});

describe('regionToBox', () => {
  it('turns fractions into clamped pixels', () => {
    expect(regionToBox({ width: 200, height: 100 }, { x: 0.5, y: 0.25, width: 0.75, height: 0.5 })).toEqual([
      100, 25, 200, 75,
    ]);
  });
});
