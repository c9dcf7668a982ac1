// Face analyzer: aligned faceres embeddings and quality on photos shipped in @vladmandic/human.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../domain/frame.js';
import { cosineSimilarity } from './decoders/embedding.js';
import { type FaceDetector, createFaceDetector } from './face-detector.js';
import {
  type FaceAnalyzer,
  type FaceEmbedder,
  createFaceAnalyzer,
  createFaceEmbedder,
  eyeAngle,
  laplacianVariance,
  poseScore,
} from './face-embedder.js';
import { cropImage, decodeImage } from './image.js';
import { resolveSource } from './models/manifest.js';

const humanAsset = (file: string) => resolveSource({ npm: `@vladmandic/human/assets/${file}` });
const FACEID = humanAsset('screenshot-faceid.jpg');

describe('face analyzer', () => {
  let analyzer: FaceAnalyzer;
  beforeAll(async () => {
    analyzer = await createFaceAnalyzer();
  });

  it('gives a single-face photo exactly one face of good quality, with a unit 1024-d embedding', async () => {
    const faces = await analyzer.faces(await decodeImage(FACEID));
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face.quality).toBeGreaterThan(0.7);
    expect(face.quality).toBeLessThanOrEqual(1);
    expect(face.embedding).toHaveLength(1024);
    expect(Math.hypot(...face.embedding)).toBeCloseTo(1, 5);
    expect(face.landmarks).toHaveLength(6);
  });

  it('embeds two photos of the same man closer than him and four different women', async () => {
    // Human's author appears in the face-id demo and first in the face-detect demo's row of five.
    const [man] = await analyzer.faces(await decodeImage(FACEID));
    const row = await analyzer.faces(await decodeImage(humanAsset('screenshot-facedetect.jpg')), {
      roi: { x: 0, y: 0.47, width: 1, height: 0.23 },
    });
    expect(row).toHaveLength(5);
    const sorted = [...row].sort((a, b) => a.box[0] - b.box[0]);
    const same = cosineSimilarity(man.embedding, sorted[0].embedding);
    const different = sorted.slice(1).map((f) => cosineSimilarity(man.embedding, f.embedding));
    expect(same).toBeGreaterThan(0.5);
    expect(same).toBeGreaterThan(Math.max(...different) + 0.15);
  });

  it('gives a group photo several faces, each with an embedding', async () => {
    const group = cropImage(await decodeImage(humanAsset('samples.jpg')), [0, 200, 1280, 1158]);
    const faces = await analyzer.faces(group);
    expect(faces.length).toBeGreaterThanOrEqual(5);
    for (const f of faces) {
      expect(f.embedding).toHaveLength(1024);
      expect(f.quality).toBeGreaterThanOrEqual(0);
      expect(f.quality).toBeLessThanOrEqual(1);
    }
  });
});

describe('alignment and quality', () => {
  let detector: FaceDetector;
  let embedder: FaceEmbedder;
  let original: RgbImage;
  beforeAll(async () => {
    [detector, embedder] = await Promise.all([createFaceDetector(), createFaceEmbedder()]);
    original = await decodeImage(FACEID);
  });
  const decode = async (pipeline: ReturnType<typeof sharp>) => decodeImage(await pipeline.png().toBuffer());
  const embedOne = async (image: RgbImage) => {
    const [face] = await detector.detect(image);
    const [result] = await embedder.embed(image, [face]);
    return { face, ...result };
  };

  it('levels the eyes of a tilted head, which keeps its embedding close to the upright one', async () => {
    const upright = await embedOne(original);
    const tilted = await decode(
      sharp(FACEID).extract({ left: 0, top: 100, width: 200, height: 220 }).rotate(30, { background: '#000' }),
    );
    const [face] = await detector.detect(tilted);
    expect((eyeAngle(face.landmarks) * 180) / Math.PI).toBeCloseTo(30, -1);
    const [aligned] = await embedder.embed(tilted, [face]);
    const [unaligned] = await embedder.embed(tilted, [{ ...face, landmarks: [] }]);
    const alignedSim = cosineSimilarity(aligned.embedding, upright.embedding);
    // Measured 0.92 aligned against 0.85 cut straight.
    expect(alignedSim).toBeGreaterThan(0.85);
    expect(alignedSim).toBeGreaterThan(cosineSimilarity(unaligned.embedding, upright.embedding) + 0.03);
  });

  it('scores blurred and small faces lower', async () => {
    const sharpFace = await embedOne(original);
    const blurred = await embedOne(await decode(sharp(FACEID).blur(3)));
    const small = await embedOne(await decode(sharp(FACEID).resize(240)));
    expect(blurred.quality).toBeLessThan(sharpFace.quality - 0.2);
    expect(small.quality).toBeLessThan(sharpFace.quality - 0.2);
  });

  it('measures pose from landmark symmetry and sharpness from the Laplacian', () => {
    // eyes, nose, mouth, ears of a frontal face, then the same with the nose and ears swung to one side
    const frontal: [number, number][] = [
      [40, 40],
      [60, 40],
      [50, 50],
      [50, 60],
      [25, 45],
      [75, 45],
    ];
    const turned: [number, number][] = [
      [40, 40],
      [60, 40],
      [62, 50],
      [58, 60],
      [45, 45],
      [64, 45],
    ];
    expect(poseScore(frontal)).toBeCloseTo(1);
    expect(poseScore(turned)).toBeLessThan(0.2);
    const flat: RgbImage = { data: Buffer.alloc(64 * 64 * 3, 128), width: 64, height: 64 };
    expect(laplacianVariance(flat)).toBe(0);
    const checker: RgbImage = { data: Buffer.alloc(64 * 64 * 3), width: 64, height: 64 };
    for (let i = 0; i < 64 * 64; i++) if (((i % 64) + Math.floor(i / 64)) % 2) checker.data.fill(255, i * 3, i * 3 + 3);
    expect(laplacianVariance(checker)).toBeGreaterThan(1000);
  });
});
