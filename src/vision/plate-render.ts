// Chinese plates rendered from SVG in every colour and layout, then degraded (tilt, blur, dirt, darkness, JPEG) as cameras see them.
import sharp from 'sharp';
import { seededRandom } from '../lib/seeded-random.js';
import type { RgbImage } from '../domain/frame.js';

/** Plate backgrounds by vehicle class (GA 36): blue cars, yellow lorries/coaches/trailers, green new energy, white police, black foreign. */
export type PlateColour = 'blue' | 'yellow' | 'green' | 'white' | 'black';

export interface RenderSpec {
  text: string;
  colour: PlateColour;
  /** Plate height in pixels before degradation. Default 48 (CCPD crops are 24). */
  height?: number;
  /** Degrees clockwise in the image plane. Default 0. */
  rotate?: number;
  /** Horizontal shear (tan of the angle), a plate seen from the side. Default 0. */
  shear?: number;
  /** Gaussian blur sigma in output pixels. Default none. */
  blur?: number;
  /** 0..1: mud spots and streaks over the plate. Default 0. */
  dirt?: number;
  /** Multiplies every pixel (0.3 a plate at dusk). Default 1. */
  brightness?: number;
  /** JPEG quality the crop goes through (camera compression). Default none. */
  jpegQuality?: number;
  /** Seed for the dirt pattern. Default 1. */
  seed?: number;
}

const INK: Record<PlateColour, { plate: string; plateLow?: string; text: string; accent?: string }> = {
  blue: { plate: '#1d4fb8', text: '#f4f4f4' },
  yellow: { plate: '#f0b400', text: '#141414' },
  // New-energy plates fade from near white at the top to green at the bottom.
  green: { plate: '#eef8ee', plateLow: '#4fbf6a', text: '#141414' },
  white: { plate: '#f2f2f2', text: '#141414', accent: '#d01818' },
  black: { plate: '#161616', text: '#f4f4f4', accent: '#e02020' },
};
/** Characters printed in the accent colour (red on police and foreign plates). */
const ACCENTED = new Set(['警', '使', '领']);

// Seeded, so a seed names one dirt pattern; re-exported for the plate set and benchmarks.
export { seededRandom };

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const isHan = (ch: string) => /\p{Script=Han}/u.test(ch);

/**
 * Real plates are 440 x 140 mm (480 for 8 characters), characters 45 x 90 mm, with a dot after
 * the second: Han characters in a black-face font, Latin ones condensed and tall.
 */
function plateSvg(spec: RenderSpec, height: number, rnd: () => number): { svg: string; width: number } {
  const chars = [...spec.text];
  const width = Math.round((height * (chars.length > 7 ? 480 : 440)) / 140);
  const ink = INK[spec.colour];
  const margin = height * 0.12;
  const gap = height * 0.22;
  const slot = (width - 2 * margin - gap) / chars.length;
  const dotAfter = spec.text.startsWith('使') ? 1 : 2;
  const baseline = height * 0.8;
  const glyphs = chars.map((ch, i) => {
    const x = margin + slot * (i + 0.5) + (i >= dotAfter ? gap : 0);
    const fill = ACCENTED.has(ch) && ink.accent ? ink.accent : ink.text;
    const font = isHan(ch)
      ? `font-family="Noto Sans CJK SC" font-weight="bold" font-size="${(height * 0.6).toFixed(1)}"`
      : `font-family="DejaVu Sans Condensed" font-weight="bold" font-size="${(height * 0.78).toFixed(1)}"`;
    // Every glyph squeezed towards the 45 x 90 mm character cell.
    const k = isHan(ch) ? 0.7 : 0.72;
    const squeeze = ` transform="translate(${x.toFixed(1)} 0) scale(${k} 1) translate(${(-x).toFixed(1)} 0)"`;
    return `<text x="${x.toFixed(1)}" y="${baseline.toFixed(1)}" text-anchor="middle" ${font} fill="${fill}"${squeeze}>${escapeXml(ch)}</text>`;
  });
  const dotX = margin + slot * dotAfter + gap / 2;
  const fill = ink.plateLow ? 'url(#ne)' : ink.plate;
  const gradient = ink.plateLow
    ? `<defs><linearGradient id="ne" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${ink.plate}"/><stop offset="1" stop-color="${ink.plateLow}"/></linearGradient></defs>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${gradient}
  <rect width="${width}" height="${height}" rx="${height * 0.08}" fill="${fill}"/>
  <rect x="${height * 0.04}" y="${height * 0.04}" width="${width - height * 0.08}" height="${height * 0.92}" rx="${height * 0.06}" fill="none" stroke="${ink.text}" stroke-width="${height * 0.02}"/>
  <circle cx="${dotX}" cy="${height / 2}" r="${height * 0.035}" fill="${ink.text}"/>
  ${glyphs.join('')}${dirtSvg(spec.dirt ?? 0, width, height, rnd)}
</svg>`;
  return { svg, width };
}

/** Brown translucent spots and a few streaks; their number grows with the dirt level. */
function dirtSvg(level: number, width: number, height: number, rnd: () => number): string {
  if (level <= 0) return '';
  const shapes: string[] = [];
  for (let i = 0; i < Math.round(level * 14); i++) {
    const [x, y, r] = [rnd() * width, rnd() * height, (0.03 + rnd() * 0.09) * height];
    shapes.push(
      `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${(r * 1.6).toFixed(1)}" ry="${r.toFixed(1)}" fill="#5a4630" fill-opacity="${(0.25 + 0.45 * level * rnd()).toFixed(2)}"/>`,
    );
  }
  for (let i = 0; i < Math.round(level * 3); i++) {
    const y = rnd() * height;
    shapes.push(
      `<rect x="0" y="${y.toFixed(1)}" width="${width}" height="${(height * 0.04).toFixed(1)}" fill="#6b5a44" fill-opacity="${(0.2 * level).toFixed(2)}"/>`,
    );
  }
  return shapes.join('');
}

/**
 * The plate as a loose crop (CCPD style): rendered flat, sheared and rotated over a dark car
 * body, then darkened, blurred and JPEG-compressed. The crop keeps a margin of body around the plate.
 */
export async function renderPlateCrop(spec: RenderSpec): Promise<RgbImage> {
  const height = spec.height ?? 48;
  const rnd = seededRandom(spec.seed ?? 1);
  const { svg } = plateSvg(spec, height, rnd);
  const body = { r: 50, g: 54, b: 60 };
  let flat = await sharp(Buffer.from(svg)).flatten({ background: body }).png().toBuffer();
  if (spec.shear)
    flat = await sharp(flat)
      .affine(
        [
          [1, spec.shear],
          [0, 1],
        ],
        { background: body, interpolator: 'bicubic' },
      )
      .png()
      .toBuffer();
  if (spec.rotate) flat = await sharp(flat).rotate(spec.rotate, { background: body }).png().toBuffer();
  const margin = Math.round(height * 0.12);
  let img = sharp(flat).extend({ top: margin, bottom: margin, left: margin, right: margin, background: body });
  if (spec.brightness !== undefined && spec.brightness !== 1) img = img.linear(spec.brightness, 0);
  if (spec.blur) img = img.blur(Math.max(0.3, spec.blur));
  let out = await img.png().toBuffer();
  if (spec.jpegQuality) out = await sharp(out).jpeg({ quality: spec.jpegQuality }).toBuffer();
  const { data, info } = await sharp(out).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
