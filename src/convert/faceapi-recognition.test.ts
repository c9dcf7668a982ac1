// The face-api recognition graph vs face-api itself (TFJS wasm) on real face crops: descriptors, ordering, input, errors.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSource } from '../vision/models/manifest.js';
import { faceApiRecognitionInput } from './faceapi-preprocess.js';
import { buildFaceApiRecognitionOnnx, FACEAPI_RECOGNITION } from './faceapi-recognition.js';
import { loadFaceApiReference, type FaceApiReference } from './faceapi-reference.js';
import { defaultFaceApiModelDir, faceApiManifestPath } from './faceapi-weights.js';

const FACEMATCH = resolveSource({ npm: '@vladmandic/human/assets/screenshot-facematch.jpg' });
const SAMPLE1 = resolveSource({ npm: '@vladmandic/face-api/demo/sample1.jpg' });

/** A tile of the facematch screenshot's face grid (18 per row, 107 px tall, 5 px apart), inside its text overlays. */
const tile = (row: number, col: number) => ({
  left: Math.round((col * 1920) / 18) + 14,
  top: 283 + row * 112 + 16,
  width: 78,
  height: 76,
});

/**
 * Four photos of one man (the first row of Human's facematch demo) and six women: three grid tiles and
 * the three faces of face-api's sample1.jpg at the boxes face-api's own SSD + landmarks give. Small
 * non-square tiles exercise padding and up-scaling, the sample faces down-scaling.
 */
const CROPS: {
  id: string;
  person: string;
  file: string;
  region: { left: number; top: number; width: number; height: number };
}[] = [
  { id: 'man-a', person: 'man', file: FACEMATCH, region: tile(0, 1) },
  { id: 'man-b', person: 'man', file: FACEMATCH, region: tile(0, 3) },
  { id: 'man-c', person: 'man', file: FACEMATCH, region: tile(0, 5) },
  { id: 'man-d', person: 'man', file: FACEMATCH, region: tile(0, 8) },
  { id: 'blonde-tile', person: 'w1', file: FACEMATCH, region: tile(1, 6) },
  { id: 'brunette-tile', person: 'w2', file: FACEMATCH, region: tile(1, 7) },
  { id: 'blonde-tile-2', person: 'w3', file: FACEMATCH, region: tile(2, 2) },
  { id: 'sample1-left', person: 'w4', file: SAMPLE1, region: { left: 394, top: 410, width: 216, height: 198 } },
  { id: 'sample1-middle', person: 'w5', file: SAMPLE1, region: { left: 812, top: 452, width: 236, height: 217 } },
  { id: 'sample1-right', person: 'w6', file: SAMPLE1, region: { left: 1450, top: 228, width: 219, height: 224 } },
];

/** Largest |onnx - face-api| allowed per descriptor value (values run to about +-0.3); measured 3.3e-7 here (10 crops). */
const TOLERANCE = 1e-5;

interface Described {
  id: string;
  person: string;
  onnx: Float32Array;
  faceapi: Float32Array;
}

let reference: FaceApiReference;
let session: ort.InferenceSession;
let described: Described[];

async function embed(s: ort.InferenceSession, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const out = await s.run({ [FACEAPI_RECOGNITION.input]: new ort.Tensor('float32', input, dims) });
  return out[FACEAPI_RECOGNITION.output].data as Float32Array;
}

async function crop(file: string, region: (typeof CROPS)[number]['region']) {
  const { data, info } = await sharp(file).extract(region).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const euclidean = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
const cosine = (a: Float32Array, b: Float32Array) => {
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  return dot / Math.sqrt(na * nb);
};

beforeAll(async () => {
  reference = await loadFaceApiReference();
  session = await ort.InferenceSession.create(await buildFaceApiRecognitionOnnx(), { intraOpNumThreads: 1 });
  described = [];
  for (const c of CROPS) {
    const image = await crop(c.file, c.region);
    // face-api gets the raw crop and pads and resizes it itself; ONNX gets faceApiRecognitionInput's result.
    const faceapi = await reference.describe(Float32Array.from(image.data), image.width, image.height);
    const onnx = await embed(session, faceApiRecognitionInput(image), [1, 150, 150, 3]);
    described.push({ id: c.id, person: c.person, onnx, faceapi });
  }
});

afterAll(() => session?.release());

describe('face-api recognition ONNX vs face-api on TFJS wasm', () => {
  it('gives the same 128-d descriptors within tolerance', () => {
    const diffs = described.map((d) => maxAbsDiff(d.onnx, d.faceapi));
    console.info(
      `face-api recognition: max |onnx - face-api| ${Math.max(...diffs).toExponential(2)} over ${diffs.length} crops (limit ${TOLERANCE})`,
    );
    for (const [i, d] of described.entries()) {
      expect(d.onnx.length, d.id).toBe(FACEAPI_RECOGNITION.dims);
      expect(diffs[i], d.id).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('keeps every same-person pair closer than every pair across people, by euclidean distance and cosine', () => {
    for (const key of ['onnx', 'faceapi'] as const) {
      const pairs = described.flatMap((a, i) =>
        described.slice(i + 1).map((b) => ({ a, b, same: a.person === b.person })),
      );
      // Only the man has several photos; pairs between two women are left out (they might be one person).
      const scored = pairs.filter((p) => p.same || p.a.person === 'man' || p.b.person === 'man');
      const dist = scored.map((p) => ({ ...p, d: euclidean(p.a[key], p.b[key]), c: cosine(p.a[key], p.b[key]) }));
      const same = dist.filter((p) => p.same);
      const other = dist.filter((p) => !p.same);
      expect(same.length).toBe(6);
      expect(Math.max(...same.map((p) => p.d)), key).toBeLessThan(Math.min(...other.map((p) => p.d)));
      expect(Math.min(...same.map((p) => p.c)), key).toBeGreaterThan(Math.max(...other.map((p) => p.c)));
      // face-api's customary same-person limit is a euclidean distance of 0.6.
      expect(Math.max(...same.map((p) => p.d)), key).toBeLessThan(0.6);
    }
  });

  it('ranks every other crop in the same order as face-api, from each crop', () => {
    for (const probe of described) {
      const others = described.filter((d) => d !== probe);
      const order = (key: 'onnx' | 'faceapi') =>
        [...others].sort((x, y) => euclidean(probe[key], x[key]) - euclidean(probe[key], y[key])).map((d) => d.id);
      expect(order('onnx'), probe.id).toEqual(order('faceapi'));
    }
  });

  it('prepares the input exactly as face-api pads and resizes it (tall, wide, and down-scaled crops)', async () => {
    const { tf, padToSquare } = reference.faceapi;
    for (const c of [CROPS[0], CROPS[7], CROPS[9]]) {
      const image = await crop(c.file, c.region);
      const theirs = tf.tidy(() => {
        const square = padToSquare(
          tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 3], 'float32'),
          true,
        );
        return tf.image.resizeBilinear(square, [150, 150], false, false).dataSync() as Float32Array;
      });
      // Bit for bit: both sides compute in float32 step for step, and wasm arithmetic is the same on every CPU.
      expect(maxAbsDiff(faceApiRecognitionInput(image), theirs), c.id).toBe(0);
    }
  });

  it('gives the same descriptors with an NCHW input and for a batch', async () => {
    const nchw = await ort.InferenceSession.create(await buildFaceApiRecognitionOnnx(undefined, { layout: 'nchw' }), {
      intraOpNumThreads: 1,
    });
    try {
      const images = await Promise.all([CROPS[1], CROPS[8]].map((c) => crop(c.file, c.region)));
      const batch = new Float32Array(2 * 150 * 150 * 3);
      images.forEach((img, i) => batch.set(faceApiRecognitionInput(img, undefined, 'nchw'), i * 150 * 150 * 3));
      const out = await embed(nchw, batch, [2, 3, 150, 150]);
      expect(maxAbsDiff(out.subarray(0, 128), described[1].onnx)).toBeLessThan(1e-6);
      expect(maxAbsDiff(out.subarray(128), described[8].onnx)).toBeLessThan(1e-6);
    } finally {
      await nchw.release();
    }
  });
});

describe('buildFaceApiRecognitionOnnx errors', () => {
  let dir: string;
  const manifest = () =>
    JSON.parse(readFileSync(faceApiManifestPath(defaultFaceApiModelDir()), 'utf8')) as {
      weights: { name: string; shape: number[] }[];
    }[];
  const writeManifest = (groups: unknown) => writeFileSync(faceApiManifestPath(dir), JSON.stringify(groups));

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-faceapi-'));
    copyFileSync(
      path.join(defaultFaceApiModelDir(), 'face_recognition_model.bin'),
      path.join(dir, 'face_recognition_model.bin'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing weights manifest', async () => {
    await expect(buildFaceApiRecognitionOnnx(path.join(dir, 'nowhere'))).rejects.toThrow(
      /weights manifest not found: .*nowhere/,
    );
  });

  it('names a missing weight', async () => {
    const groups = manifest();
    groups[0].weights.find((w) => w.name === 'conv64_2/conv1/conv/bias')!.name = 'conv64_2/conv1/conv/biases';
    writeManifest(groups);
    await expect(buildFaceApiRecognitionOnnx(dir)).rejects.toThrow(
      "face-api weight 'conv64_2/conv1/conv/bias' is missing",
    );
  });

  it('names a weight of the wrong shape', async () => {
    const groups = manifest();
    groups[0].weights.find((w) => w.name === 'fc')!.shape = [128, 256];
    writeManifest(groups);
    await expect(buildFaceApiRecognitionOnnx(dir)).rejects.toThrow("face-api weight 'fc' in");
    await expect(buildFaceApiRecognitionOnnx(dir)).rejects.toThrow('has shape [128,256], expected [256,128]');
  });

  it('names weights the net does not use', async () => {
    const groups = manifest();
    groups[0].weights.push({
      name: 'conv512_1/conv1/conv/bias',
      shape: [0],
      dtype: 'float32',
    } as (typeof groups)[0]['weights'][0]);
    writeManifest(groups);
    await expect(buildFaceApiRecognitionOnnx(dir)).rejects.toThrow(/does not use: conv512_1\/conv1\/conv\/bias/);
  });
});
