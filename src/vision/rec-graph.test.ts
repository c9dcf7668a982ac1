// The rewritten rec graph against the model as shipped: same probabilities, fewer nodes, classes cut as asked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeImage, toTensor } from './image.js';
import { defaultModelDir } from './plate-models.js';
import { renderPlateCrop } from './plate-render.js';
import { rewriteRecModel } from './rec-graph.js';

const REC = path.join(defaultModelDir(), 'ch_PP-OCRv4_rec_infer.onnx');
const NORM = {
  mean: [0.5, 0.5, 0.5] as [number, number, number],
  std: [0.5, 0.5, 0.5] as [number, number, number],
  bgr: true,
};
const create = (model: string | Uint8Array) =>
  ort.InferenceSession.create(model as Uint8Array, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });

async function probabilities(session: ort.InferenceSession, input: ort.Tensor): Promise<ort.Tensor> {
  return (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
}

describe('rewriteRecModel', () => {
  let input: ort.Tensor;
  let full: ort.Tensor;
  beforeAll(async () => {
    const crop = await resizeImage(await renderPlateCrop({ text: '京A12345', colour: 'blue' }), 160, 48);
    input = new ort.Tensor('float32', toTensor(crop, NORM), [1, 3, crop.height, crop.width]);
    full = await probabilities(await create(REC), input);
  });

  it('folds the affines and hardswishes and gives the same probabilities', async () => {
    const { bytes, report } = rewriteRecModel(readFileSync(REC));
    expect(report).toMatchObject({ foldedAfter: 28, foldedBefore: 25, hardswish: 28 });
    const out = await probabilities(await create(bytes), input);
    expect(out.dims).toEqual(full.dims);
    const a = full.data as Float32Array;
    const b = out.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-4);
  });

  it('cuts the classifier to the kept classes, renormalised over them', async () => {
    const keep = [0, 10, 20, 30];
    const { bytes, report } = rewriteRecModel(readFileSync(REC), { keepClasses: keep });
    expect(report.classes).toBe(4);
    const out = await probabilities(await create(bytes), input);
    const [, steps, classes] = full.dims;
    expect(out.dims).toEqual([1, steps, 4]);
    const a = full.data as Float32Array;
    const b = out.data as Float32Array;
    for (let t = 0; t < steps; t++) {
      const kept = keep.map((k) => a[t * classes + k]);
      const sum = kept.reduce((s, p) => s + p, 0);
      kept.forEach((p, j) => expect(b[t * 4 + j]).toBeCloseTo(p / sum, 3));
    }
  });
});
