// Plate colour from the plate crop: the background is the majority of the plate's pixels (text the minority),
// classified in HSV, then cross-checked against the plate grammar (8 characters: a green new-energy plate).
import type { RgbImage } from '../domain/frame.js';
import { PLATE_COLOURS, type PlateColourName } from '../domain/vehicle-attributes.js';

export { PLATE_COLOURS };
export type PlateColour = PlateColourName;

export interface PlateColourReading {
  colour: PlateColour | 'unknown';
  /** 0..1: how clearly the background is one colour (and agrees with the grammar). */
  confidence: number;
}

/** Below this confidence the answer is 'unknown'. */
export const MIN_PLATE_COLOUR_CONFIDENCE = 0.35;

/** Shares of the inner plate's pixels in each colour class. */
interface Shares {
  blue: number;
  yellow: number;
  green: number;
  /** Of the achromatic pixels, the share brighter than the midpoint of their brightness range. */
  brightAchromatic: number;
  achromatic: number;
}

function shares(img: RgbImage): Shares {
  const { data, width, height } = img;
  // The inner part of the crop: loose crops keep a margin of car body around the plate.
  const x0 = Math.floor(width * 0.12);
  const x1 = Math.ceil(width * 0.88);
  const y0 = Math.floor(height * 0.2);
  const y1 = Math.ceil(height * 0.8);
  let n = 0;
  let blue = 0;
  let yellow = 0;
  let green = 0;
  const grey: number[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * width + x) * 3;
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      n++;
      const s = max === 0 ? 0 : (max - min) / max;
      if (s < 0.25 || max < 25) {
        grey.push(max);
        continue;
      }
      const d = max - min;
      const h = max === r ? (((g - b) / d + 6) % 6) * 60 : max === g ? ((b - r) / d + 2) * 60 : ((r - g) / d + 4) * 60;
      if (h >= 190 && h < 260) blue++;
      else if (h >= 28 && h < 72) yellow++;
      else if (h >= 72 && h < 175) green++;
    }
  }
  let bright = 0;
  if (grey.length) {
    const lo = Math.min(...grey);
    const hi = Math.max(...grey);
    // A flat achromatic plate (no text contrast) says little: the midpoint then splits on absolute brightness.
    const mid = hi - lo < 40 ? 110 : (lo + hi) / 2;
    for (const v of grey) if (v > mid) bright++;
  }
  const total = Math.max(1, n);
  return {
    blue: blue / total,
    yellow: yellow / total,
    green: green / total,
    achromatic: grey.length / total,
    brightAchromatic: grey.length ? bright / grey.length : 0,
  };
}

/** The background colour from the pixels alone. */
function fromPixels(s: Shares): PlateColourReading {
  // New-energy plates fade from near white to green: a fifth of green is already the plate, not the text.
  if (s.green >= 0.2 && s.green >= s.blue && s.green >= s.yellow)
    return { colour: 'green', confidence: Math.min(1, s.green / 0.4) };
  if (s.blue >= 0.3 && s.blue >= s.yellow) return { colour: 'blue', confidence: Math.min(1, s.blue / 0.55) };
  if (s.yellow >= 0.3) return { colour: 'yellow', confidence: Math.min(1, s.yellow / 0.55) };
  if (s.achromatic < 0.5) return { colour: 'unknown', confidence: 0 };
  // White and black plates: the background is the majority of the achromatic pixels, bright or dark.
  const b = s.brightAchromatic;
  const colour = b >= 0.5 ? 'white' : 'black';
  return { colour, confidence: Math.min(1, Math.abs(b - 0.5) * 2.5) * s.achromatic };
}

/** What the plate's text says its colour must be, when it says anything. */
export function colourFromGrammar(plate: string): PlateColour | null {
  const chars = [...plate];
  if (chars.length === 8) return 'green';
  const last = chars[chars.length - 1];
  if (last === '警') return 'white';
  if (last === '学' || last === '挂') return 'yellow';
  if (last === '港' || last === '澳' || last === '使' || last === '领') return 'black';
  return null;
}

/**
 * The plate's colour from its crop (RGB) and, when known, its text. The grammar wins where it is
 * certain (an 8-character plate is new-energy green); a pixel answer it contradicts loses confidence.
 */
export function classifyPlateColour(crop: RgbImage, plate?: string): PlateColourReading {
  let reading =
    crop.width > 4 && crop.height > 4 ? fromPixels(shares(crop)) : { colour: 'unknown' as const, confidence: 0 };
  const expected = plate ? colourFromGrammar(plate) : null;
  if (expected && reading.colour !== expected) {
    // Large new-energy vehicles carry yellow-and-green plates: an 8-character yellow read stands.
    const standsAlone = expected === 'green' && reading.colour === 'yellow' && reading.confidence >= 0.8;
    reading = standsAlone ? reading : { colour: expected, confidence: 0.6 };
  } else if (!expected && reading.colour === 'green' && plate && [...plate].length === 7) {
    // A 7-character ordinary plate is never green: the green came from the scene (or a dirty plate).
    reading = { colour: reading.colour, confidence: reading.confidence * 0.4 };
  }
  if (reading.confidence < MIN_PLATE_COLOUR_CONFIDENCE) return { colour: 'unknown', confidence: reading.confidence };
  return { colour: reading.colour, confidence: Math.round(reading.confidence * 1000) / 1000 };
}

/** Camera vocabularies (English, Chinese, Hikvision's) folded to Vigil's; anything else is unknown. */
export function normalisePlateColour(value: string | undefined | null): PlateColour | 'unknown' {
  if (!value) return 'unknown';
  const v = value.trim().toLowerCase();
  const table: Record<string, PlateColour> = {
    blue: 'blue',
    蓝: 'blue',
    蓝色: 'blue',
    yellow: 'yellow',
    黄: 'yellow',
    黄色: 'yellow',
    green: 'green',
    newenergy: 'green',
    newenergygreen: 'green',
    civilaviationgreen: 'green',
    yellowgreen: 'yellow',
    黄绿: 'yellow',
    绿: 'green',
    绿色: 'green',
    渐变绿: 'green',
    white: 'white',
    白: 'white',
    白色: 'white',
    black: 'black',
    civilaviationblack: 'black',
    黑: 'black',
    黑色: 'black',
  };
  return table[v] ?? table[v.replace(/[^a-z\p{Script=Han}]/gu, '')] ?? 'unknown';
}
