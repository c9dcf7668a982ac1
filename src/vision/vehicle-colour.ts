// Vehicle colour: the dominant colour of the vehicle crop's body area, in a fixed palette, 'unknown' when no colour dominates.
import type { RgbImage } from '../domain/frame.js';

export const VEHICLE_COLOURS = ['white', 'black', 'grey', 'silver', 'red', 'blue', 'yellow', 'green', 'brown'] as const;
export type VehicleColour = (typeof VEHICLE_COLOURS)[number];

export interface VehicleColourReading {
  colour: VehicleColour | 'unknown';
  /** Share of the body area's pixels in the winning colour, 0..1. */
  confidence: number;
}

/** The winning colour must hold at least this share of the body area. */
export const MIN_VEHICLE_COLOUR_SHARE = 0.3;

/** One pixel's palette colour (HSV thresholds; the achromatic colours split by brightness). */
export function pixelColour(r: number, g: number, b: number): VehicleColour {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const s = max === 0 ? 0 : (max - min) / max;
  if (max < 55) return 'black';
  if (s < 0.18) {
    if (max >= 200) return 'white';
    if (max >= 145) return 'silver';
    if (max >= 85) return 'grey';
    return 'black';
  }
  const d = max - min;
  const h = max === r ? (((g - b) / d + 6) % 6) * 60 : max === g ? ((b - r) / d + 2) * 60 : ((r - g) / d + 4) * 60;
  if (h < 18 || h >= 330) return s < 0.45 && max < 150 ? 'brown' : 'red';
  if (h < 42) return max < 170 || s < 0.5 ? 'brown' : 'yellow';
  if (h < 70) return max < 110 ? 'brown' : 'yellow';
  if (h < 170) return 'green';
  if (h < 260) return 'blue';
  return 'red';
}

/**
 * The body area of a vehicle crop: the middle band, below the windscreen and above the road and wheels,
 * inside the sides (the crop is padded with scene around the box).
 */
function bodyArea(img: RgbImage): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: Math.floor(img.width * 0.2),
    x1: Math.ceil(img.width * 0.8),
    y0: Math.floor(img.height * 0.45),
    y1: Math.ceil(img.height * 0.8),
  };
}

/** The dominant palette colour of the vehicle's body; 'unknown' when none holds MIN_VEHICLE_COLOUR_SHARE. */
export function classifyVehicleColour(crop: RgbImage): VehicleColourReading {
  const { x0, x1, y0, y1 } = bodyArea(crop);
  if (x1 - x0 < 2 || y1 - y0 < 2) return { colour: 'unknown', confidence: 0 };
  const counts = new Map<VehicleColour, number>();
  // Every second pixel each way: a quarter of the work, the same answer on a body-sized area.
  let n = 0;
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0; x < x1; x += 2) {
      const i = (y * crop.width + x) * 3;
      const c = pixelColour(crop.data[i]!, crop.data[i + 1]!, crop.data[i + 2]!);
      counts.set(c, (counts.get(c) ?? 0) + 1);
      n++;
    }
  }
  let best: VehicleColour = 'grey';
  let bestCount = -1;
  for (const [c, k] of counts) if (k > bestCount) [best, bestCount] = [c, k];
  const share = bestCount / n;
  const confidence = Math.round(share * 1000) / 1000;
  return share < MIN_VEHICLE_COLOUR_SHARE ? { colour: 'unknown', confidence } : { colour: best, confidence };
}

/** Camera vocabularies (English, Chinese) folded to the palette; anything else is unknown. */
export function normaliseVehicleColour(value: string | undefined | null): VehicleColour | 'unknown' {
  if (!value) return 'unknown';
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z\p{Script=Han}]/gu, '');
  const table: Record<string, VehicleColour> = {
    white: 'white',
    白: 'white',
    black: 'black',
    黑: 'black',
    gray: 'grey',
    grey: 'grey',
    灰: 'grey',
    silver: 'silver',
    银: 'silver',
    red: 'red',
    红: 'red',
    blue: 'blue',
    蓝: 'blue',
    yellow: 'yellow',
    黄: 'yellow',
    golden: 'yellow',
    green: 'green',
    绿: 'green',
    cyan: 'green',
    brown: 'brown',
    棕: 'brown',
    coffee: 'brown',
    咖啡: 'brown',
  };
  return table[v] ?? table[v.replace(/色$/u, '')] ?? 'unknown';
}

/** Vehicle types as Vigil names them (the detector's COCO classes); camera types folded onto them. */
export function normaliseVehicleType(value: string | undefined | null): string {
  if (!value) return 'unknown';
  const v = value.trim().toLowerCase();
  const table: Record<string, string> = {
    car: 'car',
    vehicle: 'car',
    sedan: 'car',
    suv: 'car',
    smallcar: 'car',
    minivan: 'car',
    mpv: 'car',
    pickuptruck: 'truck',
    truck: 'truck',
    largecar: 'truck',
    van: 'truck',
    lorry: 'truck',
    bus: 'bus',
    coach: 'bus',
    minibus: 'bus',
    motorcycle: 'motorcycle',
    motorbike: 'motorcycle',
    motor: 'motorcycle',
    twowheelvehicle: 'motorcycle',
    tricycle: 'motorcycle',
  };
  return table[v.replace(/[^a-z]/g, '')] ?? 'unknown';
}
