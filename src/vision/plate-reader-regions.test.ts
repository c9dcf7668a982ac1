// Plate reading restricted to regions (where the motion gate saw change), with the real PP-OCRv4 models.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Box, RgbImage } from '../domain/frame.js';
import { type PlateReader, createPlateReader } from './plate-reader.js';
import { renderPlate, renderScene } from '../../test/support/test-plates.js';

let reader: PlateReader;
let scene: RgbImage;
const where: Box = [700, 400, 0, 0];
beforeAll(async () => {
  reader = await createPlateReader({ threads: 1 });
  const plate = await renderPlate('粤B4E7K2');
  scene = await renderScene(plate, { x: where[0], y: where[1], width: 1280, height: 720 });
  where[2] = where[0] + plate.width;
  where[3] = where[1] + plate.height;
});

describe('read with regions', () => {
  it('reads a plate inside a region, boxed in full-frame pixels', async () => {
    const around: Box = [where[0] - 150, where[1] - 100, where[2] + 150, where[3] + 100];
    const reads = await reader.read(scene, { regions: [around] });
    expect(reads.map((r) => r.text)).toEqual(['粤B4E7K2']);
    const [x1, y1, x2, y2] = reads[0].box;
    // Full-frame pixels, not the region's: the box sits on the plate where it was drawn.
    expect(Math.abs(x1 - where[0])).toBeLessThan(15);
    expect(Math.abs(y1 - where[1])).toBeLessThan(15);
    expect(Math.abs(x2 - where[2])).toBeLessThan(15);
    expect(Math.abs(y2 - where[3])).toBeLessThan(15);
  });

  it('reads nothing when the region is elsewhere', async () => {
    expect(await reader.read(scene, { regions: [[0, 0, 400, 300]] })).toEqual([]);
  });

  it('reads the whole plate where a region cuts it in half, never the half as a plate', async () => {
    // The region's edge (not the frame's) cuts the plate: the cut box is read only where the full-size search
    // around it, which reaches past the region, finds the whole line (before, the half was spelled as a plate).
    const mid = Math.round((where[0] + where[2]) / 2);
    const reads = await reader.read(scene, { regions: [[where[0] - 150, where[1] - 100, mid, where[3] + 100]] });
    expect(reads.map((r) => r.text)).toEqual(['粤B4E7K2']);
  });
});
