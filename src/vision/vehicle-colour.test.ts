// Vehicle colour on synthetic vehicle crops: a body of one colour, a dark windscreen above, road and wheels below.
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../domain/frame.js';
import {
  classifyVehicleColour,
  normaliseVehicleColour,
  normaliseVehicleType,
  type VehicleColour,
} from './vehicle-colour.js';

function vehicleCrop(body: [number, number, number], seed = 1): RgbImage {
  const width = 120;
  const height = 90;
  const data = Buffer.alloc(width * height * 3);
  let s = seed;
  const noise = () => ((s = (s * 16807) % 2147483647) % 21) - 10;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let px: [number, number, number] = [90, 92, 95]; // road and scene around the box
      if (x > 10 && x < 110 && y > 8 && y < 78) px = body;
      if (x > 25 && x < 95 && y > 12 && y < 36) px = [30, 34, 40]; // windscreen
      if (x > 50 && x < 70 && y > 60 && y < 68) px = [30, 80, 200]; // plate
      for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, px[c]! + noise()));
    }
  }
  return { data, width, height };
}

const bodies: [VehicleColour, [number, number, number]][] = [
  ['white', [232, 234, 236]],
  ['black', [22, 24, 26]],
  ['grey', [110, 112, 115]],
  ['silver', [172, 175, 180]],
  ['red', [190, 30, 35]],
  ['blue', [30, 60, 170]],
  ['yellow', [230, 190, 30]],
  ['green', [40, 140, 60]],
  ['brown', [110, 70, 40]],
];

describe('classifyVehicleColour', () => {
  for (const [colour, rgb] of bodies)
    it(`finds a ${colour} body`, () => {
      const r = classifyVehicleColour(vehicleCrop(rgb));
      expect(r.colour).toBe(colour);
      expect(r.confidence).toBeGreaterThan(0.5);
    });

  it('answers unknown when no colour dominates the body', () => {
    const crop = vehicleCrop([0, 0, 0]);
    const palette = bodies.map(([, rgb]) => rgb);
    for (let p = 0; p < crop.width * crop.height; p++) crop.data.set(palette[p % palette.length]!, p * 3);
    expect(classifyVehicleColour(crop).colour).toBe('unknown');
  });

  it("folds cameras' vocabularies", () => {
    expect(normaliseVehicleColour('Gray')).toBe('grey');
    expect(normaliseVehicleColour('红色')).toBe('red');
    expect(normaliseVehicleColour('mauve')).toBe('unknown');
    expect(normaliseVehicleType('SUVMPV')).toBe('car');
    expect(normaliseVehicleType('largeBus')).toBe('bus');
    expect(normaliseVehicleType('tank')).toBe('unknown');
    expect(normaliseVehicleType('largeCar')).toBe('truck');
    expect(normaliseVehicleType('vehicle')).toBe('car');
  });
});
