// Face detector: blazeface on photos shipped in @vladmandic/human, and 40 px faces in a 1080p frame (tiling).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Box, RgbImage } from '../domain/frame.js';
import { type FaceDetector, createFaceDetector, tiles } from './face-detector.js';
import { cropImage, decodeImage, resizeImage } from './image.js';
import { resolveSource } from './models/manifest.js';

const humanAsset = (file: string) => resolveSource({ npm: `@vladmandic/human/assets/${file}` });

/** Where the faces are in Human's screenshots (blazeface boxes, about 95 px): five in facedetect, one in faceid. */
const FACES: { file: string; box: Box }[] = [
  { file: 'screenshot-facedetect.jpg', box: [35, 369, 132, 467] },
  { file: 'screenshot-facedetect.jpg', box: [194, 369, 289, 464] },
  { file: 'screenshot-facedetect.jpg', box: [354, 375, 447, 467] },
  { file: 'screenshot-facedetect.jpg', box: [494, 368, 598, 471] },
  { file: 'screenshot-facedetect.jpg', box: [656, 377, 747, 468] },
  { file: 'screenshot-faceid.jpg', box: [38, 171, 127, 260] },
];

/** Centres in the 1080p frame; two sit across the seams of the 640 px tiles. */
const PLACES: [number, number][] = [
  [200, 150],
  [640, 540],
  [1000, 300],
  [1400, 800],
  [1700, 950],
  [1180, 700],
];
const FACE_PX = 40;

/**
 * A 1920x1080 frame of grey noise with the six faces pasted at about 40 px wide (with their own
 * surroundings, a square twice the face's size), as a camera sees people across a street.
 */
async function smallFacesFrame(): Promise<{ frame: RgbImage; centres: [number, number][] }> {
  const frame: RgbImage = { data: Buffer.alloc(1920 * 1080 * 3), width: 1920, height: 1080 };
  let seed = 7;
  for (let i = 0; i < frame.data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    frame.data[i] = 90 + (seed % 60);
  }
  const photos = new Map<string, RgbImage>();
  for (const [i, { file, box }] of FACES.entries()) {
    if (!photos.has(file)) photos.set(file, await decodeImage(humanAsset(file)));
    const w = box[2] - box[0];
    const [cx, cy] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
    const context = cropImage(photos.get(file)!, [cx - w, cy - w, cx + w, cy + w]);
    const side = Math.round((context.width * FACE_PX) / w);
    const small = await resizeImage(context, side, side, 'linear');
    const [px, py] = PLACES[i].map((v) => Math.round(v - side / 2));
    for (let y = 0; y < side; y++)
      small.data.copy(frame.data, ((py + y) * 1920 + px) * 3, y * side * 3, (y + 1) * side * 3);
  }
  return { frame, centres: PLACES };
}

describe('tiles', () => {
  it('covers the area with overlapping squares that never hang past it', () => {
    const t = tiles([0, 0, 768, 432], 256);
    expect(t).toHaveLength(8);
    expect(t[0]).toEqual([0, 0, 256, 256]);
    expect(t[t.length - 1]).toEqual([512, 176, 768, 432]);
    expect(tiles([0, 0, 200, 100], 256)).toEqual([[0, 0, 200, 100]]);
  });
});

describe('blazeface face detector', () => {
  let detector: FaceDetector;
  beforeAll(async () => {
    detector = await createFaceDetector();
  });

  it('finds the one face of a single-person photo, with six landmarks on it', async () => {
    const faces = await detector.detect(await decodeImage(humanAsset('screenshot-faceid.jpg')));
    expect(faces).toHaveLength(1);
    const [{ box, score, landmarks }] = faces;
    expect(score).toBeGreaterThan(0.8);
    expect(box.map(Math.round)).toEqual(FACES[5].box.map((v) => expect.closeTo(v, -1)));
    expect(landmarks).toHaveLength(6);
    for (const [x, y] of landmarks)
      expect(x >= box[0] - 5 && x <= box[2] + 5 && y >= box[1] - 5 && y <= box[3] + 5).toBe(true);
    // Eyes above nose above mouth.
    expect(Math.max(landmarks[0][1], landmarks[1][1])).toBeLessThan(landmarks[2][1]);
    expect(landmarks[2][1]).toBeLessThan(landmarks[3][1]);
  });

  it('finds several faces in a group photo', async () => {
    const group = cropImage(await decodeImage(humanAsset('samples.jpg')), [0, 200, 1280, 1158]);
    const faces = await detector.detect(group);
    expect(faces.length).toBeGreaterThanOrEqual(5);
    // Faces are in the upper part of the picture, where the heads are.
    expect(faces.filter((f) => f.box[1] < group.height / 2).length).toBeGreaterThanOrEqual(5);
  });

  it('finds 40 px faces in a 1080p frame by tiling, which the whole-frame pass misses', async () => {
    const { frame, centres } = await smallFacesFrame();
    const near = (faces: { box: Box }[], [x, y]: [number, number]) =>
      faces.find(({ box }) => Math.abs((box[0] + box[2]) / 2 - x) < 12 && Math.abs((box[1] + box[3]) / 2 - y) < 12);
    const tiled = await detector.detect(frame);
    for (const c of centres) {
      const face = near(tiled, c);
      expect(face, `face at ${c}`).toBeDefined();
      expect(face!.box[2] - face!.box[0]).toBeGreaterThan(25);
      expect(face!.box[2] - face!.box[0]).toBeLessThan(60);
    }
    const whole = await detector.detect(frame, { tile: false });
    expect(centres.filter((c) => near(whole, c)).length).toBeLessThan(2);
  });

  it('searches a region of interest, and extra regions such as person boxes, answering in image pixels', async () => {
    const image = await decodeImage(humanAsset('screenshot-facedetect.jpg'));
    const right = await detector.detect(image, { roi: { x: 0.6, y: 0.45, width: 0.4, height: 0.25 } });
    expect(right.length).toBe(2); // the two faces at x 494 and 656
    expect(right.every((f) => f.box[0] >= 480)).toBe(true);
    // The thumbnails at the top hold faces of about 20 px: too small for the whole 800 px picture,
    // found when their thumbnail is searched as a region (as a person box would be).
    const inThumbnail = (f: { box: Box }) => f.box[0] >= 0 && f.box[2] <= 110 && f.box[1] >= 90 && f.box[3] <= 250;
    const plain = await detector.detect(image);
    expect(plain.filter(inThumbnail)).toHaveLength(0);
    const withRegion = await detector.detect(image, { regions: [[0, 90, 110, 250]] });
    expect(withRegion.filter(inThumbnail).length).toBeGreaterThanOrEqual(1);
    expect(withRegion.length).toBeGreaterThan(plain.length);
  });
});
