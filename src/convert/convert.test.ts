// Unit tests of the converter on small hand-built graphs: refusals by name, weight decoding, op semantics.
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertGraph } from './convert.js';
import { UnsupportedAttributeError, UnsupportedOpError } from './errors.js';
import { depthwiseToOihw, hwioToOihw } from './ops-spatial.js';
import type { TfjsGraph, TfNode } from './tfjs-model.js';
import { decodeWeights, float16ToFloat32, type ConstTensor } from './weights.js';

const { onnx } = onnxProto;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const f32 = (shape: number[], values: number[]): ConstTensor => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from(values),
});
const i32 = (shape: number[], values: number[]): ConstTensor => ({
  dtype: 'int32',
  shape,
  data: Int32Array.from(values),
});

function placeholder(name: string, dims: number[], type = 'DT_FLOAT'): TfNode {
  return {
    name,
    op: 'Placeholder',
    attr: { dtype: { type }, shape: { shape: { dim: dims.map((d) => ({ size: String(d) })) } } },
  };
}

function graph(nodes: TfNode[], consts: Record<string, ConstTensor>, outputs: string[]): TfjsGraph {
  const constNodes = Object.keys(consts).map((name) => ({ name, op: 'Const', attr: {} }));
  return {
    nodes: [...constNodes, ...nodes],
    weights: new Map(Object.entries(consts)),
    outputNames: outputs,
    files: [],
  };
}

async function run(g: TfjsGraph, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(convertGraph(g));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('refusals', () => {
  it('names an unsupported op and its node', () => {
    const g = graph([placeholder('x', [1, 4]), { name: 'model/weird', op: 'NonMaxSuppressionV5', input: ['x'] }], {}, [
      'model/weird',
    ]);
    expect(() => convertGraph(g)).toThrow(UnsupportedOpError);
    expect(() => convertGraph(g)).toThrow("unsupported op 'NonMaxSuppressionV5' at node 'model/weird'");
  });

  it('ignores unsupported ops that no output depends on', () => {
    const g = graph(
      [
        placeholder('x', [1, 4]),
        { name: 'dead', op: 'NonMaxSuppressionV5', input: ['x'] },
        { name: 'y', op: 'Relu', input: ['x'] },
      ],
      {},
      ['y'],
    );
    expect(convertGraph(g).byteLength).toBeGreaterThan(0);
  });

  it('names an attribute the mapping does not understand', () => {
    const g = graph(
      [placeholder('x', [1, 4]), { name: 'act', op: 'Relu', input: ['x'], attr: { fancy_mode: { b: true } } }],
      {},
      ['act'],
    );
    expect(() => convertGraph(g)).toThrow(UnsupportedAttributeError);
    expect(() => convertGraph(g)).toThrow("unsupported attribute 'fancy_mode' on op 'Relu' at node 'act'");
  });

  it('names an attribute value the mapping cannot express', () => {
    const conv: TfNode = {
      name: 'conv',
      op: 'Conv2D',
      input: ['x', 'w'],
      attr: {
        data_format: { s: b64('NCHW') },
        padding: { s: b64('SAME') },
        strides: { list: { i: ['1', '1', '1', '1'] } },
      },
    };
    const g = graph([placeholder('x', [1, 3, 4, 4]), conv], { w: f32([1, 1, 3, 1], [1, 1, 1]) }, ['conv']);
    expect(() => convertGraph(g)).toThrow(
      "unsupported attribute 'data_format' on op 'Conv2D' at node 'conv': value \"NCHW\"",
    );
  });

  it('refuses a filter computed at run time', () => {
    const conv: TfNode = { name: 'conv', op: 'Conv2D', input: ['x', 'x'], attr: { padding: { s: b64('VALID') } } };
    const g = graph([placeholder('x', [1, 1, 1, 1]), conv], {}, ['conv']);
    expect(() => convertGraph(g)).toThrow("'input 1 (filter)' on op 'Conv2D' at node 'conv': must be a constant");
  });

  it('refuses an unknown fused activation', () => {
    const conv: TfNode = {
      name: 'conv',
      op: '_FusedConv2D',
      input: ['x', 'w', 'b'],
      attr: {
        padding: { s: b64('VALID') },
        num_args: { i: '1' },
        fused_ops: { list: { s: [b64('BiasAdd'), b64('Gelu')] } },
      },
    };
    const g = graph([placeholder('x', [1, 2, 2, 1]), conv], { w: f32([1, 1, 1, 1], [1]), b: f32([1], [0]) }, ['conv']);
    expect(() => convertGraph(g)).toThrow("'fused_ops' on op '_FusedConv2D' at node 'conv'");
  });
});

describe('weights', () => {
  it('decodes float16 including subnormals, infinities and NaN', () => {
    const halves = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x7c00, 0xfc00, 0x7e00, 0x8000]);
    const out = Array.from(float16ToFloat32(halves));
    expect(out.slice(0, 5)).toEqual([1, -2, 65504, 2 ** -24, Math.fround(0.333251953125)]);
    expect(out.slice(5, 7)).toEqual([Infinity, -Infinity]);
    expect(out[7]).toBeNaN();
    expect(Object.is(out[8], -0)).toBe(true);
  });

  it('dequantises uint8 and float16 weights laid end to end across groups', () => {
    const buffer = new Uint8Array([
      0, 128, 255, /* float16 1.5: */ 0x00, 0x3e, /* int32 7 */ 7, 0, 0, 0, /* uint8 int32 */ 3,
    ]);
    const weights = decodeWeights(
      [
        {
          paths: ['a.bin'],
          weights: [{ name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }],
        },
        {
          paths: ['b.bin'],
          weights: [
            { name: 'h', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } },
            { name: 'n', shape: [1], dtype: 'int32' },
            { name: 'qi', shape: [1], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.3333333, min: 0 } },
          ],
        },
      ],
      buffer,
    );
    expect(Array.from(weights.get('q')!.data)).toEqual([-1, 63, 126.5]);
    expect(Array.from(weights.get('h')!.data)).toEqual([1.5]);
    expect(Array.from(weights.get('n')!.data)).toEqual([7]);
    expect(Array.from(weights.get('qi')!.data)).toEqual([1]); // rounded, as TFJS does, not truncated to 0
  });

  it('says which weight runs past the end of the files', () => {
    expect(() =>
      decodeWeights([{ paths: ['a'], weights: [{ name: 'big', shape: [4], dtype: 'float32' }] }], new Uint8Array(8)),
    ).toThrow("weight 'big' runs past the end");
  });
});

describe('filter layouts', () => {
  it('moves HWIO to OIHW', () => {
    // kh=1, kw=2, ci=2, co=3: value = 100*x + 10*i + o
    const src = [0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112];
    const out = hwioToOihw(f32([1, 2, 2, 3], src));
    // o=1, i=1, x=0 -> 11; o=2, i=0, x=1 -> 102
    expect(out[(1 * 2 + 1) * 2 + 0]).toBe(11);
    expect(out[(2 * 2 + 0) * 2 + 1]).toBe(102);
  });

  it('numbers depthwise output channels c*m + j', () => {
    // kh=kw=1, cin=2, m=2: value = 10*c + j
    const out = depthwiseToOihw(f32([1, 1, 2, 2], [0, 1, 10, 11]));
    expect(Array.from(out)).toEqual([0, 1, 10, 11]);
  });
});

describe('op semantics through onnxruntime', () => {
  it('keeps TF floor division and modulo on negative integers', async () => {
    const nodes: TfNode[] = [
      placeholder('a', [4], 'DT_INT32'),
      { name: 'div', op: 'FloorDiv', input: ['a', 'b'], attr: { T: { type: 'DT_INT32' } } },
      { name: 'mod', op: 'FloorMod', input: ['a', 'b'], attr: { T: { type: 'DT_INT32' } } },
    ];
    const out = await run(graph(nodes, { b: i32([], [3]) }, ['div', 'mod']), {
      a: new ort.Tensor('int32', Int32Array.from([-7, -1, 5, 6]), [4]),
    });
    expect(Array.from(out.div.data as Int32Array)).toEqual([-3, -1, 1, 2]);
    expect(Array.from(out.mod.data as Int32Array)).toEqual([2, 2, 2, 0]);
  });

  it('maps StridedSlice masks, TopK indices and SAME depthwise convolution', async () => {
    const nodes: TfNode[] = [
      placeholder('x', [1, 4, 4, 1]),
      {
        name: 'dw',
        op: 'DepthwiseConv2dNative',
        input: ['x', 'k'],
        attr: {
          padding: { s: b64('SAME') },
          strides: { list: { i: ['1', '2', '2', '1'] } },
          data_format: { s: b64('NHWC') },
        },
      },
      { name: 'flat', op: 'Reshape', input: ['dw', 'shape'] },
      { name: 'top', op: 'TopKV2', input: ['flat', 'k2'], attr: { sorted: { b: true } } },
      {
        name: 'last',
        op: 'StridedSlice',
        input: ['x', 'begin', 'end', 'step'],
        attr: {
          begin_mask: { i: '1' },
          end_mask: { i: '1' },
          shrink_axis_mask: { i: '8' },
          ellipsis_mask: { i: '0' },
          new_axis_mask: { i: '0' },
        },
      },
    ];
    const consts = {
      k: f32(
        [3, 3, 1, 2],
        Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? 1 : 0.5)),
      ),
      shape: i32([2], [1, -1]),
      k2: i32([], [2]),
      begin: i32([4], [0, 1, 0, 0]),
      end: i32([4], [0, 3, 4, 1]),
      step: i32([4], [1, 1, 2, 1]),
    };
    const x = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const out = await run(graph(nodes, consts, ['dw', 'top:1', 'last']), {
      x: new ort.Tensor('float32', x, [1, 4, 4, 1]),
    });
    // 3x3 SAME, stride 2 on 4x4: one pixel of padding, which TF puts after (bottom/right) = SAME_UPPER.
    // Window sums: (0,0) 54, (0,1) 3+4+7+8+11+12=45, (1,0) 9+10+11+13+14+15=72, (1,1) 11+12+15+16=54.
    expect(Array.from(out.dw.data as Float32Array)).toEqual([54, 27, 45, 22.5, 72, 36, 54, 27]);
    // Ties go to the lower index, in TF and ONNX alike.
    expect(out['top:1'].type).toBe('int32');
    expect(Array.from(out['top:1'].data as Int32Array)).toEqual([4, 0]);
    // Rows 1..2, every second column, channel axis shrunk away.
    expect(out.last.dims).toEqual([1, 2, 2]);
    expect(Array.from(out.last.data as Float32Array)).toEqual([5, 7, 9, 11]);
  });

  it('keeps an unknown batch dimension dynamic through a bilinear resize', async () => {
    const nodes: TfNode[] = [
      placeholder('x', [-1, 2, 2, 1]),
      {
        name: 'up',
        op: 'ResizeBilinear',
        input: ['x', 'size'],
        attr: { align_corners: { b: false }, half_pixel_centers: { b: false } },
      },
    ];
    const x = Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
    const out = await run(graph(nodes, { size: i32([2], [4, 4]) }, ['up']), {
      x: new ort.Tensor('float32', x, [3, 2, 2, 1]),
    });
    expect(out.up.dims).toEqual([3, 4, 4, 1]);
    // TF's legacy sampling (source = destination * 0.5, clamped at the edge) is ONNX's 'asymmetric'.
    expect(Array.from(out.up.data as Float32Array).slice(0, 16)).toEqual([
      0, 0.5, 1, 1, 1, 1.5, 2, 2, 2, 2.5, 3, 3, 2, 2.5, 3, 3,
    ]);
    expect((out.up.data as Float32Array)[16]).toBe(10);
  });

  it('merges Relu -> Minimum -> Maximum into one clip with the same values', async () => {
    const nodes: TfNode[] = [
      placeholder('x', [5]),
      { name: 'r', op: 'Relu', input: ['x'] },
      { name: 'lo', op: 'Minimum', input: ['r', 'six'] },
      { name: 'hi', op: 'Maximum', input: ['lo', 'zero'] },
    ];
    const g = graph(nodes, { six: f32([], [6]), zero: f32([], [0]) }, ['hi']);
    const model = onnx.ModelProto.decode(convertGraph(g));
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['Clip']);
    const out = await run(g, { x: new ort.Tensor('float32', Float32Array.from([-3, 0, 2.5, 6, 9]), [5]) });
    expect(Array.from(out.hi.data as Float32Array)).toEqual([0, 0, 2.5, 6, 6]);
  });
});
