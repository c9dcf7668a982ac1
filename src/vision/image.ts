// Small RgbImage helpers for the vision code: decode, encode, crop, pad, resize, warp, tensors.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Box, RgbImage } from '../domain/frame.js';

export type Point = [x: number, y: number];

/** The input exists but is not an image sharp can decode. */
export class NotAnImageError extends Error {
  override name = 'NotAnImageError';
}

/** Decodes a file or an encoded buffer (JPEG, PNG, WebP, ...), honouring EXIF orientation. */
export async function decodeImage(
  input: string | Buffer,
  label = typeof input === 'string' ? input : 'buffer',
): Promise<RgbImage> {
  // Read the file ourselves so a missing file surfaces as ENOENT, not as "not an image".
  const bytes = typeof input === 'string' ? await readFile(input) : input;
  try {
    const { data, info } = await sharp(bytes)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw new NotAnImageError(`not an image: ${label}`);
  }
}

const rawInput = (img: RgbImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });

export async function encodeJpeg(img: RgbImage, quality = 85): Promise<Buffer> {
  return sharp(img.data, rawInput(img)).jpeg({ quality }).toBuffer();
}

/**
 * Resizes to exactly width x height (aspect not kept, as the OCR models expect). Lanczos by
 * default: upscaling 24-pixel plate crops to the rec height, it read 4 more of 500 than bilinear.
 */
export async function resizeImage(
  img: RgbImage,
  width: number,
  height: number,
  kernel: 'linear' | 'cubic' | 'lanczos3' | 'nearest' = 'lanczos3',
): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const data = await sharp(img.data, rawInput(img)).resize(width, height, { fit: 'fill', kernel }).raw().toBuffer();
  return { data, width, height };
}

/** Copies the pixels inside box (clamped to the image, rounded outward). */
export function cropImage(img: RgbImage, box: Box): RgbImage {
  const x1 = Math.max(0, Math.floor(box[0]));
  const y1 = Math.max(0, Math.floor(box[1]));
  const x2 = Math.min(img.width, Math.ceil(box[2]));
  const y2 = Math.min(img.height, Math.ceil(box[3]));
  const width = Math.max(0, x2 - x1);
  const height = Math.max(0, y2 - y1);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y1 + y) * img.width + x1) * 3;
    img.data.copy(data, y * width * 3, from, from + width * 3);
  }
  return { data, width, height };
}

/** Grows the image by repeating its edge pixels, so padding adds no new edges for a model to read. */
export function padImage(img: RgbImage, padX: number, padY: number): RgbImage {
  const width = img.width + 2 * padX;
  const height = img.height + 2 * padY;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, y - padY));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, x - padX));
      img.data.copy(data, (y * width + x) * 3, (sy * img.width + sx) * 3, (sy * img.width + sx) * 3 + 3);
    }
  }
  return { data, width, height };
}

/** Rotates 90 degrees counter-clockwise (as PaddleOCR does for tall text boxes). */
export function rotate90(img: RgbImage): RgbImage {
  const width = img.height;
  const height = img.width;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (x * img.width + (img.width - 1 - y)) * 3;
      img.data.copy(data, (y * width + x) * 3, src, src + 3);
    }
  }
  return { data, width, height };
}

export interface TensorOptions {
  /** Per output channel, on values scaled to 0..1. */
  mean: [number, number, number];
  std: [number, number, number];
  /** Emit channels as B,G,R: the PaddleOCR models were trained on OpenCV's BGR images. */
  bgr?: boolean;
}

/** CHW float32 planes: (value/255 - mean[c]) / std[c]. */
export function toTensor(img: RgbImage, opts: TensorOptions): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(plane * 3);
  // One 256-entry table per channel: a lookup is several times faster than the arithmetic per pixel.
  const luts = [0, 1, 2].map((c) =>
    Float32Array.from({ length: 256 }, (_, v) => (v / 255 - opts.mean[c]) / opts.std[c]),
  );
  const [l0, l1, l2] = luts;
  const [s0, s1, s2] = opts.bgr ? [2, 1, 0] : [0, 1, 2];
  const src = img.data;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    out[i] = l0[src[j + s0]];
    out[plane + i] = l1[src[j + s1]];
    out[2 * plane + i] = l2[src[j + s2]];
  }
  return out;
}

/** Solves the 3x3 homography (h33 = 1) mapping four `from` points onto four `to` points. */
function homography(from: Point[], to: Point[]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) throw new Error('degenerate quadrilateral: corners are collinear');
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k < 9; k++) a[r][k] -= f * a[col][k];
    }
  }
  return [...a.map((row, i) => row[8] / row[i]), 1];
}

/**
 * Warps the quadrilateral (TL, TR, BR, BL in image pixels) onto a width x height rectangle,
 * sampling bilinearly with replicated borders (OpenCV's warpPerspective conventions).
 */
export function warpQuad(img: RgbImage, quad: Point[], width: number, height: number): RgbImage {
  const rect: Point[] = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  const h = homography(rect, quad);
  const data = Buffer.alloc(width * height * 3);
  const maxX = img.width - 1;
  const maxY = img.height - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = h[6] * x + h[7] * y + h[8];
      const sx = Math.min(maxX, Math.max(0, (h[0] * x + h[1] * y + h[2]) / w));
      const sy = Math.min(maxY, Math.max(0, (h[3] * x + h[4] * y + h[5]) / w));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(maxX, x0 + 1);
      const y1 = Math.min(maxY, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = img.data[(y0 * img.width + x0) * 3 + c] * (1 - fx) + img.data[(y0 * img.width + x1) * 3 + c] * fx;
        const bottom =
          img.data[(y1 * img.width + x0) * 3 + c] * (1 - fx) + img.data[(y1 * img.width + x1) * 3 + c] * fx;
        data[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data, width, height };
}
