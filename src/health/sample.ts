// Cuts one analysis frame down to what the diagnostics read: a ~320-wide grey picture, an 80-wide
// coarse one and a colour summary, reading about a sixteenth of the frame's pixels.
import type { RgbImage } from '../domain/frame.js';

export interface GreyImage {
  data: Float32Array;
  width: number;
  height: number;
}

export interface ColourSummary {
  /** Mean of each channel, 0..255. */
  r: number;
  g: number;
  b: number;
  /** Mean chroma (max - min of a pixel's channels), 0..255: about 0 for a grey (IR) picture. */
  chroma: number;
}

export interface HealthSample {
  /** Capture time of the frame, epoch ms. */
  at: number;
  /** Point-sampled grey, about 320 wide: keeps sensor noise and fine detail (freeze, blur, noise, cover). */
  fine: GreyImage;
  /** 4x4 box average of `fine` (about 80x45): the scene's layout for the reference view. */
  coarse: GreyImage;
  colour: ColourSummary;
}

/** Width the fine grey picture aims at; the step between sampled pixels follows from the frame's width. */
export const FINE_WIDTH = 320;

/**
 * Each fine pixel averages 2x2 pixels spread over its block (not all of them): noise survives (a
 * full box average would hide it) and the cost stays at 4 reads per fine pixel whatever the frame size.
 */
export function sampleFrame(frame: RgbImage, at: number): HealthSample {
  const step = Math.max(1, Math.floor(frame.width / FINE_WIDTH));
  const half = step >> 1;
  const w = Math.floor(frame.width / step);
  const h = Math.floor(frame.height / step);
  const fine = new Float32Array(w * h);
  const src = frame.data;
  const stride = frame.width * 3;
  let sr = 0,
    sg = 0,
    sb = 0,
    sc = 0;
  for (let y = 0; y < h; y++) {
    const row0 = y * step * stride;
    const row1 = row0 + half * stride;
    for (let x = 0; x < w; x++) {
      const c0 = x * step * 3;
      const c1 = c0 + half * 3;
      const r = (src[row0 + c0] + src[row0 + c1] + src[row1 + c0] + src[row1 + c1]) / 4;
      const g = (src[row0 + c0 + 1] + src[row0 + c1 + 1] + src[row1 + c0 + 1] + src[row1 + c1 + 1]) / 4;
      const b = (src[row0 + c0 + 2] + src[row0 + c1 + 2] + src[row1 + c0 + 2] + src[row1 + c1 + 2]) / 4;
      fine[y * w + x] = 0.299 * r + 0.587 * g + 0.114 * b;
      sr += r;
      sg += g;
      sb += b;
      sc += Math.max(r, g, b) - Math.min(r, g, b);
    }
  }
  const n = Math.max(1, w * h);
  return {
    at,
    fine: { data: fine, width: w, height: h },
    coarse: boxDown({ data: fine, width: w, height: h }, 4),
    colour: { r: sr / n, g: sg / n, b: sb / n, chroma: sc / n },
  };
}

/** Box average by an integer factor (the edge rows and columns that do not fill a box are left out). */
export function boxDown(img: GreyImage, factor: number): GreyImage {
  const w = Math.max(1, Math.floor(img.width / factor));
  const h = Math.max(1, Math.floor(img.height / factor));
  const out = new Float32Array(w * h);
  const inv = 1 / (factor * factor);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * img.width + x * factor;
        for (let dx = 0; dx < factor; dx++) s += img.data[row + dx] ?? 0;
      }
      out[y * w + x] = s * inv;
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * A cheap fingerprint of a frame from about 1000 spread pixels: equal fingerprints on consecutive
 * frames mean ffmpeg's fps filter repeated a frame because the camera sent no new one.
 */
export function frameFingerprint(frame: RgbImage): number {
  const total = frame.width * frame.height;
  const step = Math.max(1, Math.floor(total / 1009));
  let h = 0x811c9dc5;
  for (let p = 0; p < total; p += step) {
    const i = p * 3;
    h = Math.imul(h ^ frame.data[i], 16777619);
    h = Math.imul(h ^ frame.data[i + 1], 16777619);
    h = Math.imul(h ^ frame.data[i + 2], 16777619);
  }
  return h >>> 0;
}
