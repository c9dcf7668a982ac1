// Tests for the RgbImage helpers on tiny hand-made images.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../domain/frame.js';
import {
  NotAnImageError,
  cropImage,
  decodeImage,
  encodeJpeg,
  padImage,
  resizeImage,
  rotate90,
  toTensor,
  warpQuad,
} from './image.js';

/** 4x2 image whose red channel is 10*index, green the x, blue the y. */
function grid(width = 4, height = 2): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([10 * (y * width + x), x, y], (y * width + x) * 3);
  return { data, width, height };
}
const px = (img: RgbImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
];

describe('image helpers', () => {
  it('crops, clamping to the image', () => {
    const c = cropImage(grid(), [1, 0, 10, 1]);
    expect([c.width, c.height]).toEqual([3, 1]);
    expect(px(c, 0, 0)).toEqual([10, 1, 0]);
  });

  it('pads with the edge pixels', () => {
    const p = padImage(grid(), 2, 1);
    expect([p.width, p.height]).toEqual([8, 4]);
    expect(px(p, 0, 0)).toEqual(px(grid(), 0, 0));
    expect(px(p, 7, 3)).toEqual(px(grid(), 3, 1));
  });

  it('rotates counter-clockwise', () => {
    const r = rotate90(grid());
    expect([r.width, r.height]).toEqual([2, 4]);
    // The top-right pixel of the source becomes the top-left.
    expect(px(r, 0, 0)).toEqual(px(grid(), 3, 0));
    expect(px(r, 1, 3)).toEqual(px(grid(), 0, 1));
  });

  it('builds CHW tensors in BGR order', () => {
    const img: RgbImage = { data: Buffer.from([255, 0, 51]), width: 1, height: 1 };
    const t = toTensor(img, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], bgr: true });
    expect([...t].map((v) => +v.toFixed(3))).toEqual([-0.6, -1, 1]);
  });

  it('warps an axis-aligned quad to the same pixels', () => {
    const img = grid(6, 4);
    const w = warpQuad(
      img,
      [
        [1, 1],
        [4, 1],
        [4, 3],
        [1, 3],
      ],
      3,
      2,
    );
    expect(px(w, 0, 0)).toEqual(px(img, 1, 1));
    expect(px(w, 2, 1)).toEqual(px(img, 3, 2));
  });

  it('warps a rotated quad upright', () => {
    // A 2x1 rectangle turned 90 degrees: its top edge runs down the image.
    const img = grid(6, 6);
    const w = warpQuad(
      img,
      [
        [3, 1],
        [3, 3],
        [2, 3],
        [2, 1],
      ],
      2,
      1,
    );
    expect(px(w, 0, 0)).toEqual(px(img, 3, 1));
    expect(px(w, 1, 0)).toEqual(px(img, 3, 2));
  });

  it('round-trips through JPEG and resizes', async () => {
    const img = { data: Buffer.alloc(32 * 16 * 3, 200), width: 32, height: 16 };
    const back = await decodeImage(await encodeJpeg(img));
    expect([back.width, back.height]).toEqual([32, 16]);
    expect(Math.abs(back.data[0] - 200)).toBeLessThan(4);
    const small = await resizeImage(back, 8, 8);
    expect([small.width, small.height, small.data.length]).toEqual([8, 8, 192]);
  });

  it('says which file is not an image', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-img-')), 'notes.jpg');
    writeFileSync(file, 'plain text');
    await expect(decodeImage(file)).rejects.toThrow(NotAnImageError);
    await expect(decodeImage(file)).rejects.toThrow(`not an image: ${file}`);
  });
});
