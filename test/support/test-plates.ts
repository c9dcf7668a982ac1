// Test fixtures made on the fly: Chinese plates rendered from SVG, and street-like scenes holding them.
import sharp from 'sharp';
import type { RgbImage } from '../../src/domain/frame.js';

export interface PlateStyle {
  /** blue: ordinary cars, white text; green: new energy, black text; yellow: lorries, black text. */
  colour?: 'blue' | 'green' | 'yellow';
  /** Plate height in pixels. Default 60. */
  height?: number;
  /** Gaussian blur sigma, for out-of-focus plates. Default none. */
  blur?: number;
}

const PALETTE = {
  blue: { plate: '#1d4fb8', text: '#ffffff' },
  green: { plate: '#7fd18b', text: '#111111' },
  yellow: { plate: '#f2c200', text: '#111111' },
};

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An SVG plate: real plates are 440 x 140 mm (480 for 8 characters) with a dot after the
 * second character; the characters are narrow, so each gets its own slot.
 */
function plateSvg(text: string, colour: keyof typeof PALETTE, height: number): { svg: string; width: number } {
  const chars = [...text];
  const width = Math.round((height * (chars.length > 7 ? 480 : 440)) / 140);
  const { plate, text: ink } = PALETTE[colour];
  const margin = height * 0.15;
  const slot = (width - 2 * margin - height * 0.25) / chars.length;
  const glyphs = chars.map((ch, i) => {
    const x = margin + slot * (i + 0.5) + (i >= 2 ? height * 0.25 : 0);
    return `<text x="${x.toFixed(1)}" y="${(height * 0.71).toFixed(1)}" text-anchor="middle">${escapeXml(ch)}</text>`;
  });
  const dotX = margin + slot * 2 + height * 0.125;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="${width}" height="${height}" rx="${height * 0.08}" fill="${plate}"/>
  <rect x="${height * 0.04}" y="${height * 0.04}" width="${width - height * 0.08}" height="${height * 0.92}" rx="${height * 0.06}" fill="none" stroke="${ink}" stroke-width="${height * 0.02}"/>
  <circle cx="${dotX}" cy="${height / 2}" r="${height * 0.04}" fill="${ink}"/>
  <g font-family="Noto Sans CJK SC" font-weight="bold" font-size="${(height * 0.56).toFixed(1)}" fill="${ink}">${glyphs.join('')}</g>
</svg>`;
  return { svg, width };
}

async function toRgb(pipeline: ReturnType<typeof sharp>): Promise<RgbImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A plate image exactly the size of the plate (a tight crop). */
export async function renderPlate(text: string, style: PlateStyle = {}): Promise<RgbImage> {
  const { svg } = plateSvg(text, style.colour ?? 'blue', style.height ?? 60);
  let pipeline = sharp(Buffer.from(svg)).flatten({ background: '#808080' });
  if (style.blur) pipeline = pipeline.blur(style.blur);
  return toRgb(pipeline);
}

export interface SceneOptions {
  width?: number;
  height?: number;
  /** Top-left of the plate in the scene. */
  x: number;
  y: number;
  /** Degrees clockwise; the plate's corners move, its box grows. Default 0. */
  tilt?: number;
}

/** A grey scene with a darker car body behind the plate, the plate pasted at (x, y). */
export async function renderScene(plate: RgbImage, opts: SceneOptions): Promise<RgbImage> {
  const width = opts.width ?? 960;
  const height = opts.height ?? 540;
  const raw = { raw: { width: plate.width, height: plate.height, channels: 3 as const } };
  const rotated = opts.tilt
    ? await sharp(plate.data, raw).rotate(opts.tilt, { background: '#3a3f46' }).png().toBuffer()
    : await sharp(plate.data, raw).png().toBuffer();
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="${width}" height="${height}" fill="#8c8c8c"/>
  <rect x="${opts.x - plate.width}" y="${opts.y - plate.height * 2}" width="${plate.width * 3}" height="${plate.height * 4}" rx="20" fill="#3a3f46"/>
</svg>`;
  return toRgb(
    sharp(Buffer.from(body)).composite([{ input: rotated, left: Math.round(opts.x), top: Math.round(opts.y) }]),
  );
}
