// Chinese plates rendered from SVG in every colour and layout, then degraded (tilt, blur, dirt, darkness, JPEG) as cameras see them.
import sharp from 'sharp';
import { seededRandom } from '../lib/seeded-random.js';
import type { RgbImage } from '../domain/frame.js';

/**
 * one-row: 440 x 140 mm (cars); two-row: 440 x 220 mm, province and letter above the other five
 * characters (lorries, buses and trailers at the rear, GA 36); motorcycle: 220 x 140 mm, the same two rows.
 */
export type PlateLayout = 'one-row' | 'two-row' | 'motorcycle';

/** Plate backgrounds by vehicle class (GA 36): blue cars, yellow lorries/coaches/trailers, green new energy, white police, black foreign. */
export type PlateColour = 'blue' | 'yellow' | 'green' | 'white' | 'black';

export interface RenderSpec {
  text: string;
  colour: PlateColour;
  /** Default one-row. */
  layout?: PlateLayout;
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

/** Character cells of a two-row plate in mm: plate size, then each row's glyph height, top edge and cell width. */
const TWO_ROW_MM = {
  // GA 36 rear plate of large vehicles: top row 60 mm high, bottom row 110 mm, five cells of 65 mm.
  'two-row': { w: 440, h: 220, top: { y: 18, h: 60, cell: 60, gap: 80 }, bottom: { y: 92, h: 110, cell: 65, gap: 14 } },
  motorcycle: { w: 220, h: 140, top: { y: 12, h: 40, cell: 34, gap: 40 }, bottom: { y: 62, h: 66, cell: 36, gap: 5 } },
} as const;

/** One glyph centred in its cell: Han characters in a black-face font, Latin ones condensed and tall. */
function glyph(ch: string, cx: number, top: number, charH: number, cellW: number, fill: string): string {
  const han = isHan(ch);
  // Cap height of DejaVu Sans is ~0.73 em; Noto Sans CJK's ink spans ~0.9 em, its baseline ~0.12 em above the bottom.
  const size = han ? charH / 0.9 : charH / 0.73;
  const baseline = han ? top + charH - 0.1 * size : top + charH;
  const family = han ? 'Noto Sans CJK SC' : 'DejaVu Sans Condensed';
  const advance = han ? 0.95 * size : 0.6 * size;
  const k = Math.min(1, (cellW * 0.98) / advance);
  const squeeze = `translate(${cx.toFixed(1)} 0) scale(${k.toFixed(3)} 1) translate(${(-cx).toFixed(1)} 0)`;
  return `<text x="${cx.toFixed(1)}" y="${baseline.toFixed(1)}" text-anchor="middle" font-family="${family}" font-weight="bold" font-size="${size.toFixed(1)}" fill="${fill}" transform="${squeeze}">${escapeXml(ch)}</text>`;
}

/**
 * A two-row plate: the first two characters (province, authority letter) centred and smaller in
 * the top row, with a rivet on either side; the rest in the bottom row (five cells, 挂 on trailers).
 */
function twoRowSvg(spec: RenderSpec, height: number, rnd: () => number): { svg: string; width: number } {
  const mm = TWO_ROW_MM[spec.layout === 'motorcycle' ? 'motorcycle' : 'two-row'];
  const s = height / mm.h;
  const width = Math.round(mm.w * s);
  const ink = INK[spec.colour];
  const chars = [...spec.text];
  const fillOf = (ch: string) => (ACCENTED.has(ch) && ink.accent ? ink.accent : ink.text);
  const row = (text: string[], r: { y: number; h: number; cell: number; gap: number }) => {
    const span = text.length * r.cell + (text.length - 1) * r.gap;
    return text.map((ch, i) => {
      const cx = (mm.w - span) / 2 + r.cell * (i + 0.5) + r.gap * i;
      return glyph(ch, cx * s, r.y * s, r.h * s, r.cell * s, fillOf(ch));
    });
  };
  const rivetY = (mm.top.y + mm.top.h / 2) * s;
  const rivets = [0.14, 0.86]
    .map(
      (f) =>
        `<circle cx="${(f * width).toFixed(1)}" cy="${rivetY.toFixed(1)}" r="${(height * 0.03).toFixed(1)}" fill="#8a8a8a"/>`,
    )
    .join('');
  const fill = ink.plateLow ? 'url(#ne)' : ink.plate;
  const gradient = ink.plateLow
    ? `<defs><linearGradient id="ne" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${ink.plate}"/><stop offset="1" stop-color="${ink.plateLow}"/></linearGradient></defs>`
    : '';
  const rim = height * 0.025;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${gradient}
  <rect width="${width}" height="${height}" rx="${height * 0.05}" fill="${fill}"/>
  <rect x="${rim * 1.5}" y="${rim * 1.5}" width="${width - rim * 3}" height="${height - rim * 3}" rx="${height * 0.04}" fill="none" stroke="${ink.text}" stroke-width="${rim * 0.8}"/>
  ${rivets}${row(chars.slice(0, 2), mm.top).join('')}${row(chars.slice(2), mm.bottom).join('')}${dirtSvg(spec.dirt ?? 0, width, height, rnd)}
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
  const { svg } = (spec.layout ?? 'one-row') === 'one-row' ? plateSvg(spec, height, rnd) : twoRowSvg(spec, height, rnd);
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
