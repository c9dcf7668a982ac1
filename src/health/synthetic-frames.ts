// Synthetic camera frames for the diagnostics' tests: a textured, coloured street-like scene with a
// moving block and sensor noise, and the faults a real camera shows, applied to it.
import type { RgbImage } from '../domain/frame.js';

export interface SceneOptions {
  width?: number;
  height?: number;
  /** Sensor noise amplitude (grey levels, uniform +-). Default 3. */
  noise?: number;
  /** Seed of the scene's layout. Default 1. */
  seed?: number;
  /** A block crosses the picture (traffic). Default true; false: a quiet static scene. */
  moving?: boolean;
  /**
   * Busy traffic: this many more cars (light and dark blocks) cross the picture, in lanes of their own, each
   * over a place for two or three frames. Default 0.
   */
  traffic?: number;
  /**
   * 'street': rectangles of colour and texture (default). 'road': bare grey asphalt with a faint grain and
   * lane markings, almost no texture and little colour (the hard case for cover and colour faults).
   */
  kind?: 'street' | 'road';
}

function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A fixed scene (rectangles of colour and texture) rendered at frame `index` with fresh noise and a moving block. */
export class SyntheticScene {
  readonly width: number;
  readonly height: number;
  private readonly base: Uint8Array;
  private readonly noise: number;
  private readonly moving: boolean;
  private readonly traffic: number;

  constructor(opts: SceneOptions = {}) {
    this.width = opts.width ?? 640;
    this.height = opts.height ?? 360;
    this.noise = opts.noise ?? 3;
    this.moving = opts.moving ?? true;
    this.traffic = opts.traffic ?? 0;
    this.base = new Uint8Array(this.width * this.height * 3);
    const rnd = random(opts.seed ?? 1);
    if (opts.kind === 'road') {
      this.road(rnd);
      return;
    }
    for (let i = 0; i < this.base.length; i += 3) [this.base[i], this.base[i + 1], this.base[i + 2]] = [90, 100, 110];
    for (let k = 0; k < 60; k++) {
      const w = 10 + Math.floor(rnd() * this.width * 0.25);
      const h = 10 + Math.floor(rnd() * this.height * 0.25);
      const x0 = Math.floor(rnd() * (this.width - w));
      const y0 = Math.floor(rnd() * (this.height - h));
      const colour = [rnd() * 255, rnd() * 255, rnd() * 255];
      const stripes = 2 + Math.floor(rnd() * 6);
      for (let y = y0; y < y0 + h; y++) {
        for (let x = x0; x < x0 + w; x++) {
          const shade = ((x + y) >> 1) % stripes === 0 ? 0.6 : 1;
          const i = (y * this.width + x) * 3;
          for (let c = 0; c < 3; c++) this.base[i + c] = Math.round(colour[c] * shade);
        }
      }
    }
  }

  /** Asphalt: grey 95-105 with a faint grain (std about 3), a slight warm tint, and white lane markings. */
  private road(rnd: () => number): void {
    const { width, height } = this;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const g = 100 + (rnd() * 2 - 1) * 5 + (y / height) * 10;
        const lane = Math.abs((x - width / 2) % (width / 3)) < 2 && (y >> 4) % 2 === 0;
        const v = lane ? 200 : g;
        this.base.set([clamp(v + 3), clamp(v + 1), clamp(v - 2)], (y * width + x) * 3);
      }
    }
  }

  frame(index: number): RgbImage {
    const { width, height } = this;
    const data = Buffer.from(this.base);
    const rnd = random(index * 7919 + 13);
    // A block crossing the picture, as traffic does.
    const bx = Math.floor(((index * 7) % (width + 60)) - 60);
    for (let y = Math.floor(height * 0.6); this.moving && y < Math.floor(height * 0.6) + 40; y++) {
      for (let x = Math.max(0, bx); x < Math.min(width, bx + 60); x++)
        data.fill(220, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
    for (let k = 0; k < this.traffic; k++) drawCar(data, width, height, index, k);
    if (this.noise > 0) for (let i = 0; i < data.length; i++) data[i] = clamp(data[i] + (rnd() * 2 - 1) * this.noise);
    return { data, width, height };
  }
}

/**
 * Car `k` of the busy traffic at frame `index`: 80 x 40 px, light or dark, 30 px a frame along its own lane
 * (over a place for two or three frames, as a car seen from above once a second is).
 */
function drawCar(data: Buffer, width: number, height: number, index: number, k: number): void {
  const lanes = Math.max(1, Math.floor(height / 45));
  const y0 = (k % lanes) * 45 + 2;
  const period = width + 80 + 53 * k;
  const x0 = ((index * 30 + k * 97) % period) - 80;
  const v = k % 2 ? 30 : 230;
  for (let y = y0; y < Math.min(height, y0 + 40); y++)
    for (let x = Math.max(0, x0); x < Math.min(width, x0 + 80); x++)
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Each pixel through f(r, g, b) -> [r, g, b]. */
export function mapPixels(img: RgbImage, f: (r: number, g: number, b: number) => [number, number, number]): RgbImage {
  const data = Buffer.alloc(img.data.length);
  for (let i = 0; i < data.length; i += 3) {
    const [r, g, b] = f(img.data[i], img.data[i + 1], img.data[i + 2]);
    data[i] = clamp(r);
    data[i + 1] = clamp(g);
    data[i + 2] = clamp(b);
  }
  return { data, width: img.width, height: img.height };
}

export const darken = (img: RgbImage, factor = 0.05) =>
  mapPixels(img, (r, g, b) => [r * factor, g * factor, b * factor]);
export const brighten = (img: RgbImage, add = 160) => mapPixels(img, (r, g, b) => [r + add, g + add, b + add]);
export const desaturate = (img: RgbImage) =>
  mapPixels(img, (r, g, b) => {
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    return [y, y, y];
  });
export const tint = (img: RgbImage) => mapPixels(img, (r, g, b) => [r, g * 0.5, b * 0.4]);

/** Separable box blur of the given radius, `passes` times (3 passes is close to a Gaussian); running sums. */
export function blur(img: RgbImage, radius: number, passes = 3): RgbImage {
  let data = Buffer.from(img.data);
  const { width: w, height: h } = img;
  for (let p = 0; p < passes; p++) {
    for (const horizontal of [true, false]) {
      const out = Buffer.alloc(data.length);
      const len = horizontal ? w : h;
      for (let line = 0; line < (horizontal ? h : w); line++) {
        for (let c = 0; c < 3; c++) {
          const at = (k: number) => (horizontal ? line * w + k : k * w + line) * 3 + c;
          let s = 0,
            n = 0;
          for (let k = 0; k < Math.min(len, radius); k++) {
            s += data[at(k)];
            n++;
          }
          for (let k = 0; k < len; k++) {
            if (k + radius < len) {
              s += data[at(k + radius)];
              n++;
            }
            if (k - radius - 1 >= 0) {
              s -= data[at(k - radius - 1)];
              n--;
            }
            out[at(k)] = Math.round(s / n);
          }
        }
      }
      data = out;
    }
  }
  return { data, width: w, height: h };
}

/**
 * Fills the bottom `share` of the picture with one flat colour (a bag over the lens, a wall); `noise`
 * (grey levels, uniform +-) keeps the sensor's noise on it, as a real covered camera shows.
 */
export function cover(img: RgbImage, share: number, noise = 0, seed = 3): RgbImage {
  const data = Buffer.from(img.data);
  const rnd = random(seed);
  const from = Math.floor(img.height * (1 - share));
  for (let y = from; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const n = noise ? (rnd() * 2 - 1) * noise : 0;
      data.set([clamp(70 + n), clamp(70 + n), clamp(60 + n)], (y * img.width + x) * 3);
    }
  return { data, width: img.width, height: img.height };
}

/** The picture shifted by dx, dy pixels (the camera turned), edges filled by repeating the border. */
export function shift(img: RgbImage, dx: number, dy: number): RgbImage {
  const data = Buffer.alloc(img.data.length);
  for (let y = 0; y < img.height; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, y + dy));
    for (let x = 0; x < img.width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, x + dx));
      img.data.copy(data, (y * img.width + x) * 3, (sy * img.width + sx) * 3, (sy * img.width + sx) * 3 + 3);
    }
  }
  return { data, width: img.width, height: img.height };
}

/** Adds uniform noise of the given amplitude. */
export function addNoise(img: RgbImage, amplitude: number, seed = 5): RgbImage {
  const rnd = random(seed);
  const data = Buffer.alloc(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = clamp(img.data[i] + (rnd() * 2 - 1) * amplitude);
  return { data, width: img.width, height: img.height };
}
