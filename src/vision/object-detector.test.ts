// Object detector: centernet on photos shipped in @vladmandic/human, and a user's YOLO model added by a manifest entry alone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../domain/frame.js';
import { TOY_SIZE, buildToyYolo } from '../../test/support/toy-yolo-model.js';
import { cropImage, decodeImage } from './image.js';
import { resolveSource } from './models/manifest.js';
import { DEFAULT_CLASSES, type ObjectDetector, createObjectDetector } from './object-detector.js';

const humanAsset = (file: string) => resolveSource({ npm: `@vladmandic/human/assets/${file}` });

describe('centernet object detector on real photos', () => {
  let detector: ObjectDetector;
  beforeAll(async () => {
    detector = await createObjectDetector();
  });

  it('finds the people of a group photo, best first, inside the image, default classes only', async () => {
    // The group photo in Human's samples sheet (below the thumbnails).
    const group = cropImage(await decodeImage(humanAsset('samples.jpg')), [0, 200, 1280, 1158]);
    const found = await detector.detect(group);
    const people = found.filter((d) => d.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(4);
    expect(found.every((d) => (DEFAULT_CLASSES as readonly string[]).includes(d.label))).toBe(true);
    expect(found.map((d) => d.score)).toEqual([...found.map((d) => d.score)].sort((a, b) => b - a));
    for (const { box } of found) {
      expect(box[0]).toBeGreaterThanOrEqual(0);
      expect(box[2]).toBeLessThanOrEqual(group.width);
      expect(box[3]).toBeLessThanOrEqual(group.height);
      expect(box[2] - box[0]).toBeGreaterThan(50);
    }
  });

  it('searches only the region of interest and still answers in image pixels', async () => {
    // A 3D figure on the left and a webcam inset with a man on the right.
    const image = await decodeImage(humanAsset('screenshot-vrm.jpg'));
    const whole = await detector.detect(image);
    expect(whole.filter((d) => d.label === 'person')).toHaveLength(2);
    const right = await detector.detect(image, { roi: { x: 0.55, y: 0, width: 0.45, height: 0.5 } });
    expect(right[0].label).toBe('person');
    expect(right[0].score).toBeGreaterThan(0.5);
    expect(right[0].box[2] - right[0].box[0]).toBeGreaterThan(150); // the man, not the 3D figure
    for (const { box } of right) {
      expect(box[0]).toBeGreaterThanOrEqual(Math.round(0.55 * image.width));
      expect(box[3]).toBeLessThanOrEqual(Math.round(0.5 * image.height));
    }
  });

  it('honours a higher score threshold and a minimum size', async () => {
    const image = await decodeImage(humanAsset('screenshot-facedetect.jpg'));
    const all = await detector.detect(image, { scoreThreshold: 0.2 });
    const strong = await detector.detect(image, { scoreThreshold: 0.5 });
    expect(strong.length).toBeGreaterThan(0);
    expect(strong.length).toBeLessThan(all.length);
    expect(strong.every((d) => d.score >= 0.5)).toBe(true);
    const big = await createObjectDetector({ minSize: 120 });
    const kept = await big.detect(image, { scoreThreshold: 0.2 });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((d) => d.box[2] - d.box[0] >= 120 && d.box[3] - d.box[1] >= 120)).toBe(true);
  });

  it('refuses classes the model does not know, and models that are not object detectors', async () => {
    await expect(createObjectDetector({ classes: ['person', 'tank'] })).rejects.toThrow(/no class 'tank'/);
    await expect(createObjectDetector({ model: 'blazeface' })).rejects.toThrow(/needs task 'objects'/);
  });
});

/**
 * 200x100 black scene with a red, a blue and a magenta 50 px square (see toy-yolo-model.ts), and
 * optionally a 200 px wide copy of the red square's scene to its left (for a region of interest).
 */
function toyPicture(withLeftHalf = false): RgbImage {
  const width = withLeftHalf ? 400 : 200;
  const ox = withLeftHalf ? 200 : 0;
  const img: RgbImage = { data: Buffer.alloc(width * 100 * 3), width, height: 100 };
  const fill = (x0: number, y0: number, rgb: number[]) => {
    for (let y = y0; y < y0 + 50; y++) for (let x = x0; x < x0 + 50; x++) img.data.set(rgb, (y * width + x) * 3);
  };
  if (withLeftHalf) fill(0, 0, [255, 0, 0]);
  fill(ox + 50, 0, [255, 0, 0]);
  fill(ox + 150, 50, [0, 0, 255]);
  fill(ox + 0, 50, [255, 0, 255]);
  return img;
}

describe('a YOLO model added by a manifest entry', () => {
  let manifestFile: string;
  beforeAll(() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-manifest-'));
    writeFileSync(path.join(dir, 'toy-yolo.onnx'), buildToyYolo());
    manifestFile = path.join(dir, 'manifest.yaml');
    // Exactly what a user writes for their own ONNX export: no code change.
    writeFileSync(
      manifestFile,
      `models:
  - name: toy-yolo
    task: objects
    source: { file: toy-yolo.onnx }
    format: onnx
    input:
      tensor: images
      width: ${TOY_SIZE}
      height: ${TOY_SIZE}
      layout: nchw
      colour: rgb
      resize: letterbox
      pad: 0
      normalise: { divide: 255, mean: [0, 0, 0], std: [1, 1, 1] }
    output: { decode: yolo, output: output0 }
    thresholds: { score: 0.5, iou: 0.45 }
    labels: [red, blue]
`,
    );
  });

  const rounded = (found: { label: string; box: number[] }[]) =>
    found.map((d) => ({ label: d.label, box: d.box.map(Math.round) }));

  it('detects with every label when none is a default class', async () => {
    const detector = await createObjectDetector({ model: 'toy-yolo', manifestFile });
    expect(detector.labels).toEqual(['red', 'blue']);
    const found = rounded(await detector.detect(toyPicture()));
    expect(found).toHaveLength(4);
    expect(found).toEqual(
      expect.arrayContaining([
        { label: 'red', box: [50, 0, 100, 50] },
        { label: 'blue', box: [150, 50, 200, 100] },
        { label: 'red', box: [0, 50, 50, 100] },
        { label: 'blue', box: [0, 50, 50, 100] },
      ]),
    );
  });

  it('takes classes and a region of interest like any other detector', async () => {
    const blue = await createObjectDetector({ model: 'toy-yolo', manifestFile, classes: ['blue'] });
    const onlyBlue = rounded(await blue.detect(toyPicture()));
    expect(onlyBlue).toHaveLength(2);
    expect(onlyBlue).toEqual(
      expect.arrayContaining([
        { label: 'blue', box: [150, 50, 200, 100] },
        { label: 'blue', box: [0, 50, 50, 100] },
      ]),
    );
    // The right half of a 400 px picture is the usual scene: boxes come back shifted by 200.
    const right = await blue.detect(toyPicture(true), { roi: { x: 0.5, y: 0, width: 0.5, height: 1 } });
    expect(rounded(right)).toEqual(
      expect.arrayContaining([
        { label: 'blue', box: [350, 50, 400, 100] },
        { label: 'blue', box: [200, 50, 250, 100] },
      ]),
    );
    expect(right).toHaveLength(2);
  });
});
