// The face-api landmark graphs (full and tiny) vs face-api itself (TFJS wasm) on real face crops: points, cache build, errors.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureModel } from '../vision/models/model-cache.js';
import { resolveSource } from '../vision/models/manifest.js';
import {
  buildFaceApiLandmarksOnnx,
  FACEAPI_LANDMARKS,
  faceApiLandmarkPoints,
  type LandmarkVariant,
} from './faceapi-landmarks.js';
import { faceApiNetInput } from './faceapi-preprocess.js';
import { loadFaceApiReference, type FaceApiReference } from './faceapi-reference.js';
import { defaultFaceApiModelDir, faceApiManifestPath, FACEAPI_LANDMARKS_MODEL } from './faceapi-weights.js';

const FACEMATCH = resolveSource({ npm: '@vladmandic/human/assets/screenshot-facematch.jpg' });
const SAMPLE1 = resolveSource({ npm: '@vladmandic/face-api/demo/sample1.jpg' });

type Region = { left: number; top: number; width: number; height: number };

/** Wide, tall and square crops, small (up-scaled) and large (down-scaled): the padding and resize both matter. */
const CROPS: { id: string; file: string; region: Region }[] = [
  { id: 'tile-man', file: FACEMATCH, region: { left: 121, top: 299, width: 78, height: 76 } },
  { id: 'tile-woman', file: FACEMATCH, region: { left: 761, top: 411, width: 78, height: 76 } },
  { id: 'sample1-left', file: SAMPLE1, region: { left: 394, top: 410, width: 216, height: 198 } },
  { id: 'sample1-middle', file: SAMPLE1, region: { left: 812, top: 452, width: 236, height: 217 } },
  { id: 'sample1-right', file: SAMPLE1, region: { left: 1450, top: 228, width: 219, height: 224 } },
];

/** Largest |onnx - face-api| allowed per point coordinate, in crop pixels; measured 3e-5 (full) and 3e-5 (tiny). */
const TOLERANCE_PX = 1e-3;

type Point = [number, number];

let reference: FaceApiReference;
const results: Record<LandmarkVariant, { id: string; onnx: Point[]; faceapi: Point[] }[]> = { full: [], tiny: [] };

async function crop(file: string, region: Region) {
  const { data, info } = await sharp(file).extract(region).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}

async function onnxPoints(session: ort.InferenceSession, image: Awaited<ReturnType<typeof crop>>): Promise<Point[]> {
  const { input, output, size } = FACEAPI_LANDMARKS;
  const out = await session.run({
    [input]: new ort.Tensor('float32', faceApiNetInput(image, size), [1, size, size, 3]),
  });
  return faceApiLandmarkPoints(out[output].data as Float32Array, image.width, image.height);
}

beforeAll(async () => {
  reference = await loadFaceApiReference();
  const { nets, tf } = reference.faceapi;
  const dir = defaultFaceApiModelDir();
  await Promise.all([nets.faceLandmark68Net.loadFromDisk(dir), nets.faceLandmark68TinyNet.loadFromDisk(dir)]);
  for (const variant of ['full', 'tiny'] as const) {
    const session = await ort.InferenceSession.create(await buildFaceApiLandmarksOnnx(undefined, variant), {
      intraOpNumThreads: 1,
    });
    const net = variant === 'full' ? nets.faceLandmark68Net : nets.faceLandmark68TinyNet;
    for (const c of CROPS) {
      const image = await crop(c.file, c.region);
      const t = tf.tensor3d(Float32Array.from(image.data), [image.height, image.width, 3], 'float32');
      // face-api gets the raw crop and pads and resizes it itself; ONNX gets faceApiNetInput's result.
      const theirs = (await net.detectLandmarks(t)) as { positions: { x: number; y: number }[] };
      t.dispose();
      results[variant].push({
        id: c.id,
        onnx: await onnxPoints(session, image),
        faceapi: theirs.positions.map((p): Point => [p.x, p.y]),
      });
    }
    await session.release();
  }
});

const centroid = (pts: Point[]): Point => [
  pts.reduce((s, p) => s + p[0], 0) / pts.length,
  pts.reduce((s, p) => s + p[1], 0) / pts.length,
];

describe('face-api landmark ONNX vs face-api on TFJS wasm', () => {
  for (const variant of ['full', 'tiny'] as const) {
    it(`gives face-api's 68 points within ${TOLERANCE_PX} px (${variant})`, () => {
      let worst = 0;
      for (const r of results[variant]) {
        expect(r.onnx, r.id).toHaveLength(68);
        const diff = Math.max(
          ...r.onnx.map((p, i) => Math.max(Math.abs(p[0] - r.faceapi[i][0]), Math.abs(p[1] - r.faceapi[i][1]))),
        );
        worst = Math.max(worst, diff);
        expect(diff, r.id).toBeLessThanOrEqual(TOLERANCE_PX);
      }
      console.info(`face-api landmarks (${variant}): max |onnx - face-api| ${worst.toExponential(2)} px`);
    });
  }

  it('places the nose below the eyes and the mouth below the nose, along the face, on every crop (full net)', () => {
    for (const r of results.full) {
      const [leftEye, rightEye] = [centroid(r.onnx.slice(36, 42)), centroid(r.onnx.slice(42, 48))];
      const [nose, mouth] = [r.onnx[30], centroid(r.onnx.slice(48, 68))];
      const eyes = centroid([leftEye, rightEye]);
      // The face's own down: square to the eye line (sample1-right's head is tilted, so not the image's y).
      const down = (p: Point) =>
        (p[0] - eyes[0]) * -(rightEye[1] - leftEye[1]) + (p[1] - eyes[1]) * (rightEye[0] - leftEye[0]);
      expect(leftEye[0], r.id).toBeLessThan(rightEye[0]);
      expect(down(nose), r.id).toBeGreaterThan(0);
      expect(down(mouth), r.id).toBeGreaterThan(down(nose));
    }
  });
});

describe('faceapi-landmarks in the model cache', () => {
  let cacheDir: string;
  beforeAll(() => (cacheDir = mkdtempSync(path.join(tmpdir(), 'vigil-lm-cache-'))));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('is built from the manifest entry into the same graph, then served from the cache', async () => {
    const logs: string[] = [];
    const built = await ensureModel('faceapi-landmarks', { cacheDir, log: (l) => logs.push(l) });
    const source = resolveSource({ npm: '@vladmandic/face-api/model/face_landmark_68_model-weights_manifest.json' });
    expect(Buffer.from(readFileSync(built.path)).equals(await buildFaceApiLandmarksOnnx(path.dirname(source)))).toBe(
      true,
    );
    expect(await ensureModel('faceapi-landmarks', { cacheDir, log: (l) => logs.push(l) })).toEqual(built);
    expect(logs.filter((l) => l.includes('converted'))).toHaveLength(1);
  });
});

describe('buildFaceApiLandmarksOnnx errors', () => {
  let dir: string;
  const manifest = () =>
    JSON.parse(readFileSync(faceApiManifestPath(defaultFaceApiModelDir(), FACEAPI_LANDMARKS_MODEL), 'utf8')) as {
      weights: { name: string; shape: number[] }[];
    }[];
  const writeManifest = (groups: unknown) =>
    writeFileSync(faceApiManifestPath(dir, FACEAPI_LANDMARKS_MODEL), JSON.stringify(groups));

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-faceapi-lm-'));
    const bin = `${FACEAPI_LANDMARKS_MODEL}.bin`;
    copyFileSync(path.join(defaultFaceApiModelDir(), bin), path.join(dir, bin));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing weight', async () => {
    const groups = manifest();
    groups[0].weights.find((w) => w.name === 'dense2/conv1/bias')!.name = 'dense2/conv1/biases';
    writeManifest(groups);
    await expect(buildFaceApiLandmarksOnnx(dir)).rejects.toThrow("face-api weight 'dense2/conv1/bias' is missing");
  });

  it('names a weight of the wrong shape', async () => {
    const groups = manifest();
    groups[0].weights.find((w) => w.name === 'fc/weights')!.shape = [136, 256];
    writeManifest(groups);
    await expect(buildFaceApiLandmarksOnnx(dir)).rejects.toThrow('has shape [136,256], expected [256,136]');
  });

  it('names weights the net does not use', async () => {
    const groups = manifest();
    groups[0].weights.push({
      name: 'dense4/conv0/bias',
      shape: [0],
      dtype: 'float32',
    } as (typeof groups)[0]['weights'][0]);
    writeManifest(groups);
    await expect(buildFaceApiLandmarksOnnx(dir)).rejects.toThrow(/face landmark net does not use: dense4\/conv0\/bias/);
  });
});
