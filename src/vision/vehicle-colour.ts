// Vehicle colour: the dominant colour of the vehicle crop's body area, in a fixed palette, 'unknown' when no colour dominates.
import type { Box, RgbImage } from '../domain/frame.js';
import { VEHICLE_COLOURS, type VehicleColourName } from '../domain/vehicle-attributes.js';

export { VEHICLE_COLOURS };
export type VehicleColour = VehicleColourName;

export interface VehicleColourReading {
  colour: VehicleColour | 'unknown';
  /** Share of the body area's pixels in the winning colour, 0..1. */
  confidence: number;
}

/** The winning colour must hold at least this share of the body area. */
export const MIN_VEHICLE_COLOUR_SHARE = 0.3;

/** One pixel's palette colour (HSV thresholds; the achromatic colours split by brightness). */
export function pixelColour(r: number, g: number, b: number): VehicleColour {
  return VEHICLE_COLOURS[pixelIndex(r, g, b)]!;
}

/** pixelColour as an index into VEHICLE_COLOURS (counting by index keeps the per-pixel loop cheap). */
function pixelIndex(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const s = max === 0 ? 0 : (max - min) / max;
  if (max < 55) return BLACK;
  if (s < 0.18) {
    if (max >= 200) return WHITE;
    if (max >= 145) return SILVER;
    if (max >= 85) return GREY;
    return BLACK;
  }
  const d = max - min;
  const h = max === r ? (((g - b) / d + 6) % 6) * 60 : max === g ? ((b - r) / d + 2) * 60 : ((r - g) / d + 4) * 60;
  if (h < 18 || h >= 330) return s < 0.45 && max < 150 ? BROWN : RED;
  if (h < 42) return max < 170 || s < 0.5 ? BROWN : YELLOW;
  if (h < 70) return max < 110 ? BROWN : YELLOW;
  if (h < 170) return GREEN;
  if (h < 260) return BLUE;
  return RED;
}

const at = (c: VehicleColour) => VEHICLE_COLOURS.indexOf(c);
const [WHITE, BLACK, GREY, SILVER, RED] = [at('white'), at('black'), at('grey'), at('silver'), at('red')];
const [BLUE, YELLOW, GREEN, BROWN] = [at('blue'), at('yellow'), at('green'), at('brown')];

/** About this many pixels are sampled from the body area, whatever the vehicle's size. */
const SAMPLES = 3000;

/**
 * The body area of a vehicle box (the whole image when no box is given): the middle band, below the
 * windscreen and above the road and wheels, inside the sides (a crop is padded with scene around the box).
 */
function bodyArea(img: RgbImage, box?: Box): { x0: number; x1: number; y0: number; y1: number } {
  const bx = Math.max(0, box?.[0] ?? 0);
  const by = Math.max(0, box?.[1] ?? 0);
  const w = Math.min(img.width, box?.[2] ?? img.width) - bx;
  const h = Math.min(img.height, box?.[3] ?? img.height) - by;
  return {
    x0: Math.floor(bx + w * 0.2),
    x1: Math.ceil(bx + w * 0.8),
    y0: Math.floor(by + h * 0.45),
    y1: Math.ceil(by + h * 0.8),
  };
}

/**
 * The dominant palette colour of the vehicle's body, in the crop or in `box` of a frame (no copy);
 * 'unknown' when none holds MIN_VEHICLE_COLOUR_SHARE.
 */
export function classifyVehicleColour(img: RgbImage, box?: Box): VehicleColourReading {
  const { x0, x1, y0, y1 } = bodyArea(img, box);
  if (x1 - x0 < 2 || y1 - y0 < 2) return { colour: 'unknown', confidence: 0 };
  const counts = new Uint32Array(VEHICLE_COLOURS.length);
  // Every second pixel each way at least, coarser on large vehicles: the same answer on a body-sized area.
  const step = Math.max(2, Math.ceil(Math.sqrt(((x1 - x0) * (y1 - y0)) / SAMPLES)));
  let n = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = (y * img.width + x) * 3;
      counts[pixelIndex(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!)]!++;
      n++;
    }
  }
  let best = GREY;
  for (let c = 0; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
  const share = counts[best]! / n;
  const confidence = Math.round(share * 1000) / 1000;
  return share < MIN_VEHICLE_COLOUR_SHARE
    ? { colour: 'unknown', confidence }
    : { colour: VEHICLE_COLOURS[best]!, confidence };
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
    deepgray: 'grey',
    deepgrey: 'grey',
    灰: 'grey',
    silver: 'silver',
    银: 'silver',
    red: 'red',
    红: 'red',
    blue: 'blue',
    deepblue: 'blue',
    蓝: 'blue',
    深蓝: 'blue',
    yellow: 'yellow',
    黄: 'yellow',
    golden: 'yellow',
    orange: 'yellow',
    橙: 'yellow',
    pink: 'red',
    粉: 'red',
    purple: 'red',
    紫: 'red',
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
    minicar: 'car',
    suvmpv: 'car',
    motorvehicle: 'car',
    pickuptruck: 'truck',
    lighttruck: 'truck',
    heavytruck: 'truck',
    truck: 'truck',
    largecar: 'truck',
    van: 'truck',
    lorry: 'truck',
    bus: 'bus',
    largebus: 'bus',
    mediumbus: 'bus',
    coach: 'bus',
    minibus: 'bus',
    motorcycle: 'motorcycle',
    motorbike: 'motorcycle',
    motor: 'motorcycle',
    twowheelvehicle: 'motorcycle',
    tricycle: 'motorcycle',
    threewheelvehicle: 'motorcycle',
  };
  return table[v.replace(/[^a-z]/g, '')] ?? 'unknown';
}
