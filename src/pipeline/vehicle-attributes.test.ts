// Unit: the vehicle around a plate, and the attributes a plate read and a sighting get on the camera path.
import { describe, expect, it } from 'vitest';
import type { Box, RgbImage } from '../domain/frame.js';
import { renderPlateCrop } from '../vision/plate-render.js';
import { readAttributes, sightingColour, vehicleAround, type VehicleBox } from './vehicle-attributes.js';

/** A grey scene with a red car body at (100..300, 100..260). */
function scene(): RgbImage {
  const width = 400;
  const height = 300;
  const data = Buffer.alloc(width * height * 3, 100);
  for (let y = 100; y < 260; y++) for (let x = 100; x < 300; x++) data.set([200, 30, 30], (y * width + x) * 3);
  return { data, width, height };
}

const plate: Box = [180, 220, 220, 232];

describe('vehicleAround', () => {
  it('takes the smallest vehicle box holding the plate centre, never a person', () => {
    const vehicles: VehicleBox[] = [
      { label: 'person', box: [170, 200, 230, 260] },
      { label: 'bus', box: [0, 0, 400, 300] },
      { label: 'car', box: [100, 100, 300, 260] },
      { label: 'truck', box: [300, 0, 400, 100] },
    ];
    expect(vehicleAround(plate, vehicles)?.label).toBe('car');
    expect(vehicleAround(plate, [vehicles[3]!])).toBeNull();
  });
});

describe('readAttributes', () => {
  it('gives the plate colour from the crop, and the type and colour of the vehicle around it', async () => {
    const crop = await renderPlateCrop({ text: '粤B12345', colour: 'blue' });
    const car = { label: 'car', box: [100, 100, 300, 260] as Box };
    expect(readAttributes({ crop, text: '粤B12345' }, scene(), car, false)).toEqual({
      plateColour: 'blue',
      vehicleType: 'car',
      vehicleColour: 'red',
    });
  });

  it('without a vehicle box leaves type and colour out (not classified); an update drops unknowns', async () => {
    const crop = await renderPlateCrop({ text: '粤B12345', colour: 'yellow' });
    expect(readAttributes({ crop, text: '粤B12345' }, scene(), null, false)).toEqual({ plateColour: 'yellow' });
    const flat = { width: 40, height: 12, data: Buffer.alloc(40 * 12 * 3, 128) };
    for (let i = 0; i < flat.data.length; i += 3) flat.data[i] = 200;
    expect(readAttributes({ crop: flat, text: '粤B12345' }, scene(), null, false)).toEqual({ plateColour: 'unknown' });
    expect(readAttributes({ crop: flat, text: '粤B12345' }, scene(), null, true)).toEqual({});
  });
});

describe('sightingColour', () => {
  it('classifies vehicles only', () => {
    const img = scene();
    expect(sightingColour('car', img)).toBeDefined();
    expect(sightingColour('person', img)).toBeUndefined();
    expect(sightingColour('car', undefined)).toBeUndefined();
  });
});
