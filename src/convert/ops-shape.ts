// Shape and indexing ops (Reshape, Concat, slices, gathers, TopK, Pad): constant arguments become int64 inputs.
import type { ConvertContext, OpSpec } from './context.js';
import { DType } from './onnx-builder.js';
import type { TfNode } from './tfjs-model.js';

/** Beyond any real extent: Slice clamps it, and it survives the number -> int64 conversion exactly. */
const BIG = Number.MAX_SAFE_INTEGER;

function ints(ctx: ConvertContext, node: TfNode, index: number, what: string): number[] {
  return Array.from(ctx.requireConst(node, index, what).data);
}

const reshape: OpSpec = {
  attrs: [],
  convert(ctx, node, a) {
    const shape = ints(ctx, node, 1, 'shape');
    // In TF a 0 means an empty axis; in ONNX (without allowzero) it means "copy the input's".
    if (shape.includes(0)) a.fail('input 1 (shape)', `[${shape}] has a zero dimension`);
    ctx.g.add('Reshape', [ctx.input(node, 0), ctx.g.int64(`${node.name}$shape_i64`, shape)], [ctx.out(node)]);
  },
};

const concat: OpSpec = {
  attrs: ['N'],
  convert(ctx, node) {
    const n = ctx.dataInputs(node).length - 1;
    const axis = ints(ctx, node, n, 'axis')[0];
    const inputs = Array.from({ length: n }, (_, i) => ctx.input(node, i));
    ctx.g.add('Concat', inputs, [ctx.out(node)], { axis: { i: axis } });
  },
};

const expandDims: OpSpec = {
  attrs: [],
  convert(ctx, node) {
    // TF's negative dim counts from the end of the output, exactly like Unsqueeze's axes.
    const axes = ctx.g.int64(`${node.name}$axes`, ints(ctx, node, 1, 'dim'));
    ctx.g.add('Unsqueeze', [ctx.input(node, 0), axes], [ctx.out(node)]);
  },
};

const squeeze: OpSpec = {
  attrs: ['squeeze_dims'],
  convert(ctx, node, a) {
    const dims = a.ints('squeeze_dims', []);
    const inputs = [ctx.input(node, 0)];
    if (dims.length) inputs.push(ctx.g.int64(`${node.name}$axes`, dims));
    ctx.g.add('Squeeze', inputs, [ctx.out(node)]);
  },
};

function pad(withValue: boolean): OpSpec {
  return {
    attrs: ['mode'],
    convert(ctx, node, a) {
      const p = ints(ctx, node, 1, 'paddings');
      const rank = p.length / 2;
      // TF gives [[before, after] per axis]; ONNX wants all befores, then all afters.
      const pads = [
        ...Array.from({ length: rank }, (_, i) => p[2 * i]),
        ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]),
      ];
      const mode = a.str('mode', 'CONSTANT');
      if (mode !== 'CONSTANT' && mode !== 'REFLECT') a.fail('mode', mode);
      const inputs = [ctx.input(node, 0), ctx.g.int64(`${node.name}$pads`, pads)];
      if (withValue) inputs.push(ctx.input(node, 2));
      ctx.g.add('Pad', inputs, [ctx.out(node)], { mode: { s: mode.toLowerCase() } });
    },
  };
}

const stridedSlice: OpSpec = {
  attrs: ['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask', 'Index'],
  convert(ctx, node, a) {
    if (a.int('ellipsis_mask', 0)) a.fail('ellipsis_mask', String(a.int('ellipsis_mask')));
    if (a.int('new_axis_mask', 0)) a.fail('new_axis_mask', String(a.int('new_axis_mask')));
    const begin = ints(ctx, node, 1, 'begin');
    const end = ints(ctx, node, 2, 'end');
    const strides = ctx.dataInputs(node).length > 3 ? ints(ctx, node, 3, 'strides') : begin.map(() => 1);
    const [bm, em, sm] = [a.int('begin_mask', 0), a.int('end_mask', 0), a.int('shrink_axis_mask', 0)];
    const starts: number[] = [];
    const ends: number[] = [];
    const shrink: number[] = [];
    for (let i = 0; i < begin.length; i++) {
      const step = strides[i];
      if (step === 0) a.fail('input 3 (strides)', 'zero stride');
      if (sm & (1 << i)) {
        // A shrunk axis takes exactly one element; begin -1 means the last one, so its end is "past the end".
        starts.push(begin[i]);
        ends.push(begin[i] === -1 ? BIG : begin[i] + 1);
        shrink.push(i);
        continue;
      }
      starts.push(bm & (1 << i) ? (step > 0 ? 0 : BIG) : begin[i]);
      ends.push(em & (1 << i) ? (step > 0 ? BIG : -BIG) : end[i]);
    }
    const g = ctx.g;
    const out = ctx.out(node);
    const axes = begin.map((_, i) => i);
    const sliceInputs = [
      ctx.input(node, 0),
      g.int64(`${node.name}$starts`, starts),
      g.int64(`${node.name}$ends`, ends),
      g.int64(`${node.name}$axes`, axes),
      g.int64(
        `${node.name}$steps`,
        strides.map((s, i) => (sm & (1 << i) ? 1 : s)),
      ),
    ];
    const sliced = g.add('Slice', sliceInputs, [shrink.length ? g.fresh(out) : out]);
    if (shrink.length) g.add('Squeeze', [sliced, g.int64(`${node.name}$shrink`, shrink)], [out]);
  },
};

const gather: OpSpec = {
  attrs: ['batch_dims'],
  convert(ctx, node, a) {
    if (a.int('batch_dims', 0) !== 0) a.fail('batch_dims', String(a.int('batch_dims')));
    const axis = ints(ctx, node, 2, 'axis')[0];
    ctx.g.add('Gather', [ctx.input(node, 0), ctx.input(node, 1)], [ctx.out(node)], { axis: { i: axis } });
  },
};

const topK: OpSpec = {
  attrs: ['sorted'],
  convert(ctx, node, a) {
    const g = ctx.g;
    const k = ints(ctx, node, 1, 'k');
    const [values, indices] = [ctx.out(node, 0), ctx.out(node, 1)];
    const attrs = { axis: { i: -1 }, largest: { i: 1 }, sorted: { i: a.bool('sorted', true) ? 1 : 0 } };
    const raw = g.fresh(indices);
    g.add('TopK', [ctx.input(node, 0), g.int64(`${node.name}$k`, k)], [values, raw], attrs);
    // TF's indices are int32 and the ops downstream were typed for that; ONNX's are int64.
    g.add('Cast', [raw], [indices], { to: { i: DType.int32 } });
    ctx.types.set(indices, DType.int32);
  },
};

const identity: OpSpec = {
  attrs: [],
  convert: (ctx, node) => void ctx.g.add('Identity', [ctx.input(node, 0)], [ctx.out(node)]),
};

export const shapeOps: Record<string, OpSpec> = {
  Reshape: reshape,
  ConcatV2: concat,
  ExpandDims: expandDims,
  Squeeze: squeeze,
  Pad: pad(false),
  PadV2: pad(true),
  MirrorPad: pad(false),
  StridedSlice: stridedSlice,
  GatherV2: gather,
  TopKV2: topK,
  Identity: identity,
};
