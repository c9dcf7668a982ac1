// Converted Human models vs TFJS (wasm backend) on real photos shipped in @vladmandic/human: outputs within tolerance.
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decoderOutputs, findModel, loadManifest, resolveSource } from '../vision/models/manifest.js';
import { convertTfjsGraph } from './convert.js';
import { initTfjsWasm, loadTfjsReference } from './tfjs-reference.js';

const human = (p: string) => resolveSource({ npm: `@vladmandic/human/${p}` });

interface ParityCase {
  model: 'centernet' | 'blazeface' | 'faceres';
  /** A region of a photo, resized to the model's input the way the pipeline feeds it. */
  image: {
    file: string;
    region: { left: number; top: number; width: number; height: number };
    fit: 'contain' | 'fill';
    pad: number;
  };
  size: number;
  normalise: (pixel: number) => number;
  /**
   * Per output, the largest |onnx - tfjs| / (1 + |tfjs|) allowed: absolute for values near zero, relative
   * for large ones (blazeface logits reach 1e4 on padding, where float32 itself only holds ~1e-3).
   * Each is 3-10x what was measured here (in the comment), to leave room for other CPUs' summation order.
   */
  tolerance: Record<string, number>;
}

const CASES: ParityCase[] = [
  {
    model: 'blazeface',
    // Three faces (a man, two women) from the face-detect demo screenshot, letterboxed as the detector is fed.
    image: {
      file: 'assets/screenshot-facedetect.jpg',
      region: { left: 0, top: 342, width: 480, height: 158 },
      fit: 'contain',
      pad: 0,
    },
    size: 256,
    normalise: (v) => v / 127.5 - 1,
    // Measured: 1.4e-5, 3.0e-6, 1.4e-4, 7.0e-5 (max abs 3.4e-3, on logits up to 1.1e4 in the padding).
    tolerance: { Identity: 1e-4, Identity_1: 2e-5, Identity_2: 1e-3, Identity_3: 5e-4 },
  },
  {
    model: 'faceres',
    image: {
      file: 'assets/screenshot-facedetect.jpg',
      region: { left: 8, top: 342, width: 150, height: 158 },
      fit: 'fill',
      pad: 0,
    },
    size: 224,
    normalise: (v) => v,
    // Measured: 2.4e-6, 5.0e-8, 1.8e-7 (max abs 3.7e-6 on the descriptor).
    tolerance: { 'global_pooling/Mean': 2e-5, 'age_pred/Softmax': 5e-7, 'gender_pred/Sigmoid': 2e-6 },
  },
  {
    model: 'centernet',
    // The group photo in the samples sheet (people, a bar, lamps), letterboxed with grey 114.
    image: {
      file: 'assets/samples.jpg',
      region: { left: 0, top: 200, width: 1280, height: 958 },
      fit: 'contain',
      pad: 114,
    },
    size: 512,
    normalise: (v) => v,
    // Measured: 1.2e-4, 7.1e-7, 4.4e-6 (max abs 1.9e-3 on wh, in input pixels up to ~200).
    tolerance: { 'tower_0/wh': 5e-4, 'tower_0/keypoints': 5e-6, 'tower_0/detections': 5e-5 },
  },
];

async function loadInput(c: ParityCase): Promise<Float32Array> {
  const { data } = await sharp(human(c.image.file))
    .extract(c.image.region)
    .resize(c.size, c.size, { fit: c.image.fit, background: { r: c.image.pad, g: c.image.pad, b: c.image.pad } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, c.normalise);
}

function compare(a: Float32Array, b: Float32Array): { abs: number; scaled: number } {
  let [abs, scaled] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    [abs, scaled] = [Math.max(abs, d), Math.max(scaled, d / (1 + Math.abs(b[i])))];
  }
  return { abs, scaled };
}

interface Outputs {
  inputName: string;
  onnx: Record<string, Float32Array>;
  tfjs: Record<string, Float32Array>;
}

async function runBoth(c: ParityCase): Promise<Outputs> {
  const bytes = await convertTfjsGraph(human(`models/${c.model}.json`));
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const reference = await loadTfjsReference(human(`models/${c.model}.json`));
  try {
    const input = await loadInput(c);
    const shape = [1, c.size, c.size, 3];
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
    const onnx = Object.fromEntries(session.outputNames.map((n) => [n, result[n].data as Float32Array]));
    return { inputName: session.inputNames[0], onnx, tfjs: reference.run(input, shape, [...session.outputNames]) };
  } finally {
    reference.dispose();
    await session.release();
  }
}

describe('converted models match TFJS on real photos', () => {
  beforeAll(() => initTfjsWasm());

  for (const c of CASES) {
    describe(c.model, () => {
      let out: Outputs;
      beforeAll(async () => {
        out = await runBoth(c);
      });

      it('has the outputs TFJS has, each within tolerance', () => {
        expect(Object.keys(out.onnx).sort()).toEqual(Object.keys(c.tolerance).sort());
        for (const [name, tol] of Object.entries(c.tolerance)) {
          expect(out.onnx[name].length, name).toBe(out.tfjs[name].length);
          const { abs, scaled } = compare(out.onnx[name], out.tfjs[name]);
          console.info(
            `${c.model} ${name}: max |onnx - tfjs| ${abs.toExponential(2)}, scaled ${scaled.toExponential(2)} (limit ${tol})`,
          );
          expect(scaled, name).toBeLessThanOrEqual(tol);
        }
      });

      it('has the input and decoder outputs the manifest names', () => {
        const entry = findModel(loadManifest(), c.model);
        expect(out.inputName).toBe(entry.input.tensor);
        for (const name of decoderOutputs(entry)) expect(Object.keys(out.onnx)).toContain(name);
      });

      if (c.model === 'centernet') it('ranks the same top detections', () => checkDetections(out));
      if (c.model === 'blazeface') it('sees the three faces', () => checkFaces(out));
      if (c.model === 'faceres') it('gives the same descriptor direction', () => checkDescriptor(out));
    });
  }
});

/** Rows of [1,100,6] (x1, y1, x2, y2, score, class), best first: the top ten must agree row by row. */
function checkDetections(out: Outputs): void {
  const rows = (d: Float32Array) => Array.from({ length: 10 }, (_, i) => Array.from(d.subarray(i * 6, i * 6 + 6)));
  const [onnx, tfjs] = [rows(out.onnx['tower_0/detections']), rows(out.tfjs['tower_0/detections'])];
  expect(onnx.map((r) => r[5])).toEqual(tfjs.map((r) => r[5]));
  for (let i = 0; i < 10; i++) for (let k = 0; k < 5; k++) expect(onnx[i][k]).toBeCloseTo(tfjs[i][k], 2);
  // A real photo of a group: people must be among the confident detections (COCO class 0).
  expect(onnx.filter((r) => r[5] === 0 && r[4] >= 0.25).length).toBeGreaterThanOrEqual(3);
}

/** Score logits at stride 16 (512 anchors) and 32 (384): three faces give at least three confident anchors. */
function checkFaces(out: Outputs): void {
  const logits = [...out.onnx.Identity, ...out.onnx.Identity_1];
  const confident = logits.filter((l) => 1 / (1 + Math.exp(-l)) > 0.5).length;
  expect(confident).toBeGreaterThanOrEqual(3);
}

function checkDescriptor(out: Outputs): void {
  const [a, b] = [out.onnx['global_pooling/Mean'], out.tfjs['global_pooling/Mean']];
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.999999);
}
