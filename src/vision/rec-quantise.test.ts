// The int8 rec graph: ORT fuses its Q/DQ pairs into int8 kernels, and it reads rendered plates as the float graph does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalisePlate } from '../domain/plate-text.js';
import { ctcCharset, greedyDecode } from './ctc-decode.js';
import { defaultModelDir } from './plate-models.js';
import { renderPlateCrop } from './plate-render.js';
import { calibrateRec } from './rec-calibrate.js';
import { rewriteRecModel } from './rec-graph.js';
import { recInput, widenSideways } from './rec-input.js';
import { int8RecModel } from './rec-int8.js';
import { quantiseRecModel } from './rec-quantise.js';

const dir = defaultModelDir();
const charset = ctcCharset(readFileSync(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8'));
const tmp = mkdtempSync(path.join(tmpdir(), 'rec-int8-'));
const create = (bytes: Uint8Array, optimised?: string) =>
  ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(optimised ? { optimizedModelFilePath: optimised } : {}),
  });

async function read(session: ort.InferenceSession, input: ort.Tensor) {
  const out = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
  const [, steps, classes] = out.dims;
  return normalisePlate(greedyDecode({ data: out.data as Float32Array, steps, classes }, charset).text);
}

describe('quantiseRecModel', () => {
  let float: Uint8Array;
  let int8: Uint8Array;
  beforeAll(async () => {
    float = rewriteRecModel(readFileSync(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'))).bytes;
    // A small calibration keeps the test quick; the default uses 48 plates.
    const ranges = await calibrateRec(float, { plates: 12 });
    const { bytes, report } = quantiseRecModel(float, ranges);
    expect(report).toMatchObject({ convs: 23, matmuls: 9, foldedNorms: 6 });
    int8 = bytes;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('fuses every quantised conv into QLinearConv and every MatMul into MatMulIntegerToFloat', async () => {
    const optimised = path.join(tmp, 'optimised.onnx');
    await create(int8, optimised);
    const ops = onnxProto.onnx.ModelProto.decode(readFileSync(optimised)).graph?.node?.map((n) => n.opType) ?? [];
    const count = (op: string) => ops.filter((o) => o === op).length;
    expect(count('QLinearConv')).toBe(23);
    expect(count('MatMulIntegerToFloat')).toBe(9);
    // Left in float: the stem conv and the 14 depthwise convs.
    expect(count('Conv')).toBe(15);
  });

  it('reads rendered plates as the float graph does', async () => {
    const [a, b] = [await create(float), await create(int8)];
    const plates = [
      { text: '京A12345', colour: 'blue' as const },
      { text: '粤B6C789', colour: 'yellow' as const, height: 30, blur: 0.6 },
      { text: '沪AD12345', colour: 'green' as const, height: 36, brightness: 0.6 },
    ];
    const reads = [];
    for (const spec of plates) {
      const input = await recInput(widenSideways(await renderPlateCrop(spec), 0.25));
      reads.push({ fp32: await read(a, input), int8: await read(b, input) });
    }
    expect(reads[0].fp32).toBe('京A12345');
    for (const r of reads) expect(r.int8).toBe(r.fp32);
  });

  it('caches the built model, and builds again for other calibration options', async () => {
    const builds: string[] = [];
    const opts = { cacheDir: tmp, log: (line: string) => builds.push(line), calibration: { plates: 6 } };
    const first = await int8RecModel(float, opts);
    const again = await int8RecModel(float, opts);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(builds).toHaveLength(1);
    await int8RecModel(float, { ...opts, calibration: { plates: 7 } });
    expect(builds).toHaveLength(2);
  });
});
