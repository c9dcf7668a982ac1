// Two-row plates: the row split on rendered lorry, trailer and motorcycle plates, the row grammars, and reads by the real rec model.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../domain/frame.js';
import { CHINESE_TEMPLATES } from '../domain/plate-text.js';
import { buildAutomaton } from './plate-automaton.js';
import { type PlateReader, createPlateReader } from './plate-reader.js';
import { renderPlateCrop } from './plate-render.js';
import { cutRows, splitRows } from './plate-rows.js';
import { acceptsText, rowTemplates } from './plate-two-row.js';

/** Mean brightness of a pixel row: the gap of a yellow plate is bright, its characters dark. */
function rowMean(img: RgbImage, y: number): number {
  let s = 0;
  for (let x = 0; x < img.width; x++) s += img.data[(y * img.width + x) * 3];
  return s / img.width;
}

describe('splitRows', () => {
  it.each([
    ['two-row', 96],
    ['two-row', 64],
    ['motorcycle', 48],
  ] as const)('finds the gap of a %s plate %i px tall, above the middle', async (layout, height) => {
    const crop = await renderPlateCrop({ text: '苏E12345', colour: 'yellow', layout, height });
    const split = splitRows(crop);
    expect(split).not.toBeNull();
    const { top, bottom, gapY } = split!;
    // The top row (province, letter) is the smaller one, so the gap lies above the middle.
    expect(gapY).toBeLessThan(crop.height * 0.55);
    expect(gapY).toBeGreaterThan(crop.height * 0.2);
    expect(top[1]).toBeLessThanOrEqual(gapY + 1);
    expect(bottom[0]).toBeGreaterThanOrEqual(gapY - 1);
    expect(bottom[1] - bottom[0]).toBeGreaterThan(top[1] - top[0]);
    expect(split!.depth).toBeGreaterThan(0.45);
  });

  it('levels the rows of a tilted plate', async () => {
    const crop = await renderPlateCrop({
      text: '鲁B8K3M2',
      colour: 'yellow',
      layout: 'two-row',
      height: 96,
      rotate: 4,
    });
    const split = splitRows(crop);
    expect(split).not.toBeNull();
    expect(Math.abs(split!.slope)).toBeGreaterThan(0);
  });

  it.each([
    ['京A12345', 'blue' as const],
    ['沪AD12345', 'green' as const],
  ])('finds no split in the one-row plate %s', async (text, colour) => {
    expect(splitRows(await renderPlateCrop({ text, colour, height: 48 }))).toBeNull();
  });

  it('finds no split in a plain image or one too small', () => {
    const grey: RgbImage = { data: Buffer.alloc(120 * 60 * 3, 128), width: 120, height: 60 };
    expect(splitRows(grey)).toBeNull();
    const tiny: RgbImage = { data: Buffer.alloc(20 * 10 * 3, 128), width: 20, height: 10 };
    expect(splitRows(tiny)).toBeNull();
  });

  it('cuts rows as tall as the split says, the gap left out', async () => {
    const crop = await renderPlateCrop({ text: '苏E12345', colour: 'yellow', layout: 'two-row', height: 96 });
    const split = splitRows(crop)!;
    const { top, bottom } = cutRows(crop, split);
    expect(top.width).toBe(crop.width);
    expect(top.height).toBe(split.top[1] - split.top[0]);
    expect(bottom.height).toBe(split.bottom[1] - split.bottom[0]);
    // The gap row is lighter (yellow background) than the rows' text on average.
    expect(rowMean(crop, split.gapY)).toBeGreaterThan(rowMean(bottom, Math.floor(bottom.height / 2)));
  });
});

describe('rowTemplates', () => {
  const rows = rowTemplates(CHINESE_TEMPLATES);

  it('puts province and letter above, the five after them below', () => {
    expect(rows.top.every((t) => t.slots.length === 2)).toBe(true);
    expect(rows.bottom.every((t) => t.slots.length === 5)).toBe(true);
    expect(rows.top.some((t) => t.slots[0].includes('浙') && t.slots[1].includes('A'))).toBe(true);
  });

  it('leaves out layouts that are never two-row: embassy, cross-border, new energy', () => {
    const names = rows.bottom.map((t) => t.name);
    expect(names).toContain('cn-ordinary-bottom');
    expect(names).toContain('cn-trailer-bottom');
    for (const never of ['cn-embassy', 'cn-embassy-old', 'cn-hong-kong', 'cn-macau', 'cn-new-energy-large'])
      expect(names).not.toContain(`${never}-bottom`);
  });

  it('joined rows are accepted by the whole grammar, and a swapped order is not', () => {
    const grammar = buildAutomaton(CHINESE_TEMPLATES);
    expect(acceptsText(grammar, '苏E12345')).toBe(true);
    expect(acceptsText(grammar, '苏E1234挂')).toBe(true);
    expect(acceptsText(grammar, '12345苏E')).toBe(false);
    expect(acceptsText(grammar, '苏E1234')).toBe(false);
  });
});

describe('reading two-row plates with the real rec model', () => {
  let reader: PlateReader;
  beforeAll(async () => {
    reader = await createPlateReader({ threads: 1 });
  });

  it.each([
    ['苏E12345', 'two-row' as const, 96],
    ['冀B7K3L9', 'two-row' as const, 80],
    ['豫A2345挂', 'two-row' as const, 96],
  ])('reads %s (%s, %i px)', async (text, layout, height) => {
    const crop = await renderPlateCrop({ text, colour: 'yellow', layout, height });
    const read = await reader.readCrop(crop);
    expect(read?.text).toBe(text);
  });

  it('still reads a one-row plate as one row', async () => {
    const crop = await renderPlateCrop({ text: '京A12345', colour: 'blue', height: 48 });
    expect((await reader.readCrop(crop))?.text).toBe('京A12345');
  });
});
