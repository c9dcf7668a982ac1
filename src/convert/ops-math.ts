// Element-wise, reduction and matrix ops: layout-free, so they run on the NHWC tensors as TF defines them.
import type { ConvertContext, OpSpec } from './context.js';
import { emitActivation, FUSED_ATTRS, planFused } from './fused.js';
import { DType } from './onnx-builder.js';
import type { TfNode } from './tfjs-model.js';

function binary(onnxOp: string): OpSpec {
  return {
    attrs: [],
    convert: (ctx, node) => void ctx.g.add(onnxOp, [ctx.input(node, 0), ctx.input(node, 1)], [ctx.out(node)]),
  };
}

function unary(onnxOp: string): OpSpec {
  return { attrs: [], convert: (ctx, node) => void ctx.g.add(onnxOp, [ctx.input(node, 0)], [ctx.out(node)]) };
}

/** Activations sharing the fused-op code, so Relu6 and friends map the same way fused or not. */
function activation(kind: string, attrs: string[] = []): OpSpec {
  return {
    attrs,
    convert: (ctx, node, a) => void emitActivation(ctx, node, a, kind, ctx.input(node, 0), ctx.out(node), 1),
  };
}

function isFloat(ctx: ConvertContext, node: TfNode, t: string): boolean {
  return ctx.onnxType(node, t) === DType.float;
}

const floorDiv: OpSpec = {
  attrs: [],
  convert(ctx, node, a) {
    const g = ctx.g;
    const [x, y, out] = [ctx.input(node, 0), ctx.input(node, 1), ctx.out(node)];
    if (isFloat(ctx, node, a.type('T'))) {
      g.add('Floor', [g.add('Div', [x, y], [g.fresh(out)])], [out]);
      return;
    }
    // ONNX integer Div truncates; subtracting the floor-modulo first makes the division exact.
    const mod = g.add('Mod', [x, y], [g.fresh(out)], { fmod: { i: 0 } });
    g.add('Div', [g.add('Sub', [x, mod], [g.fresh(out)]), y], [out]);
  },
};

const floorMod: OpSpec = {
  attrs: [],
  convert(ctx, node, a) {
    const g = ctx.g;
    const [x, y, out] = [ctx.input(node, 0), ctx.input(node, 1), ctx.out(node)];
    // ONNX Mod with fmod=0 (sign of the divisor, like TF) is defined for integers only.
    if (!isFloat(ctx, node, a.type('T'))) {
      g.add('Mod', [x, y], [out], { fmod: { i: 0 } });
      return;
    }
    const q = g.add('Floor', [g.add('Div', [x, y], [g.fresh(out)])], [g.fresh(out)]);
    g.add('Sub', [x, g.add('Mul', [y, q], [g.fresh(out)])], [out]);
  },
};

const realDiv: OpSpec = {
  attrs: [],
  convert(ctx, node, a) {
    // TF's Div on integers floors; ONNX's truncates. Only the float case is the same op.
    if (!isFloat(ctx, node, a.type('T'))) a.fail('T', 'integer Div (use FloorDiv)');
    ctx.g.add('Div', [ctx.input(node, 0), ctx.input(node, 1)], [ctx.out(node)]);
  },
};

const cast: OpSpec = {
  attrs: ['DstT', 'Truncate'],
  convert(ctx, node, a) {
    if (a.bool('Truncate', false)) a.fail('Truncate', 'true');
    ctx.g.add('Cast', [ctx.input(node, 0)], [ctx.out(node)], { to: { i: ctx.onnxType(node, a.type('DstT')) } });
  },
};

/** Opset 13 reductions: ReduceSum takes axes as an input, the others as an attribute. */
function reduce(onnxOp: string): OpSpec {
  return {
    attrs: ['keep_dims'],
    convert(ctx, node, a) {
      const axes = Array.from(ctx.requireConst(node, 1, 'reduction indices').data);
      const keepdims = { i: a.bool('keep_dims', false) ? 1 : 0 };
      const x = ctx.input(node, 0);
      if (onnxOp === 'ReduceSum')
        ctx.g.add(onnxOp, [x, ctx.g.int64(`${node.name}$axes`, axes)], [ctx.out(node)], { keepdims });
      else ctx.g.add(onnxOp, [x], [ctx.out(node)], { axes: { ints: axes }, keepdims });
    },
  };
}

function matmul(fused: boolean): OpSpec {
  return {
    attrs: ['transpose_a', 'transpose_b', ...(fused ? FUSED_ATTRS : [])],
    convert(ctx, node, a) {
      const g = ctx.g;
      const out = ctx.out(node);
      const plan = fused ? planFused(a, 2) : { pre: 'none' as const, activation: null };
      if (plan.pre === 'FusedBatchNorm') a.fail('fused_ops', 'FusedBatchNorm after MatMul');
      const inputs = [ctx.input(node, 0), ctx.input(node, 1)];
      if (plan.pre === 'BiasAdd') inputs.push(ctx.input(node, 2));
      const attrs = {
        transA: { i: a.bool('transpose_a', false) ? 1 : 0 },
        transB: { i: a.bool('transpose_b', false) ? 1 : 0 },
      };
      const y = g.add('Gemm', inputs, [plan.activation ? g.fresh(out) : out], attrs);
      if (plan.activation) emitActivation(ctx, node, a, plan.activation, y, out, plan.pre === 'BiasAdd' ? 3 : 2);
    },
  };
}

const biasAdd: OpSpec = {
  attrs: ['data_format'],
  convert(ctx, node, a) {
    a.expect('data_format', ['NHWC'], a.str);
    // The bias runs along the last (channel) axis of NHWC: plain trailing-axis broadcasting.
    ctx.g.add('Add', [ctx.input(node, 0), ctx.input(node, 1)], [ctx.out(node)]);
  },
};

const softmax: OpSpec = {
  attrs: [],
  // TF normalises over the last axis; opset 13's Softmax does too (its default axis is -1).
  convert: (ctx, node) => void ctx.g.add('Softmax', [ctx.input(node, 0)], [ctx.out(node)], { axis: { i: -1 } }),
};

const rsqrt: OpSpec = {
  attrs: [],
  convert(ctx, node) {
    const out = ctx.out(node);
    ctx.g.add('Reciprocal', [ctx.g.add('Sqrt', [ctx.input(node, 0)], [ctx.g.fresh(out)])], [out]);
  },
};

const square: OpSpec = {
  attrs: [],
  convert: (ctx, node) => void ctx.g.add('Mul', [ctx.input(node, 0), ctx.input(node, 0)], [ctx.out(node)]),
};

export const mathOps: Record<string, OpSpec> = {
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: biasAdd,
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: realDiv,
  Div: realDiv,
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Pow: binary('Pow'),
  FloorDiv: floorDiv,
  FloorMod: floorMod,
  Equal: { attrs: ['incompatible_shape_error'], convert: binary('Equal').convert },
  Less: binary('Less'),
  Greater: binary('Greater'),
  Relu: activation('Relu'),
  Relu6: activation('Relu6'),
  Elu: activation('Elu'),
  Sigmoid: activation('Sigmoid'),
  Tanh: activation('Tanh'),
  LeakyRelu: activation('LeakyRelu', ['alpha']),
  Prelu: activation('Prelu'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Rsqrt: rsqrt,
  Square: square,
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Softplus: unary('Softplus'),
  Softmax: softmax,
  Cast: cast,
  Mean: reduce('ReduceMean'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  Sum: reduce('ReduceSum'),
  Prod: reduce('ReduceProd'),
  MatMul: matmul(false),
  _FusedMatMul: matmul(true),
};
