// Spatial ops (convolutions, pooling, resizing): NHWC in TF, run in NCHW in ONNX between two transposes.
import type { Attrs } from './attrs.js';
import { ConvertContext, type OpSpec } from './context.js';
import { emitActivation, FUSED_ATTRS, planFused } from './fused.js';
import { DType, type Attr } from './onnx-builder.js';
import type { ConstTensor } from './weights.js';

const CONV_ATTRS = ['data_format', 'strides', 'dilations', 'padding', 'explicit_paddings'];

/** Stride/dilation/padding attributes shared by Conv and the pools, in ONNX's spatial-only form. */
function windowAttrs(a: Attrs, withDilations: boolean): Record<string, Attr> {
  a.expect('data_format', ['NHWC'], a.str);
  const strides = a.ints('strides', [1, 1, 1, 1]);
  if (strides.length !== 4 || strides[0] !== 1 || strides[3] !== 1)
    a.fail('strides', `[${strides}] (batch and channel strides must be 1)`);
  const out: Record<string, Attr> = { strides: { ints: [strides[1], strides[2]] } };
  if (withDilations) {
    const d = a.ints('dilations', [1, 1, 1, 1]);
    if (d.length !== 4 || d[0] !== 1 || d[3] !== 1) a.fail('dilations', `[${d}]`);
    out.dilations = { ints: [d[1], d[2]] };
  }
  const padding = a.str('padding');
  // TF's SAME puts the odd pixel after (bottom/right), which is ONNX's SAME_UPPER.
  if (padding === 'SAME') out.auto_pad = { s: 'SAME_UPPER' };
  else if (padding === 'VALID') out.pads = { ints: [0, 0, 0, 0] };
  else if (padding === 'EXPLICIT') {
    const p = a.ints('explicit_paddings');
    if (p.length !== 8 || p[0] || p[1] || p[6] || p[7]) a.fail('explicit_paddings', `[${p}]`);
    out.pads = { ints: [p[2], p[4], p[3], p[5]] };
  } else a.fail('padding', padding);
  if (padding !== 'EXPLICIT' && a.ints('explicit_paddings', []).length)
    a.fail('explicit_paddings', 'given without EXPLICIT padding');
  return out;
}

/** HWIO -> OIHW. */
export function hwioToOihw(f: ConstTensor): Float32Array {
  const [kh, kw, ci, co] = f.shape;
  const src = f.data as Float32Array;
  const dst = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) dst[((o * ci + i) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * co + o];
  return dst;
}

/** Depthwise [kh, kw, Cin, m] -> [Cin*m, 1, kh, kw]: TF numbers output channels c*m + j, as ONNX groups do. */
export function depthwiseToOihw(f: ConstTensor): Float32Array {
  const [kh, kw, ci, m] = f.shape;
  const src = f.data as Float32Array;
  const dst = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < ci; c++)
        for (let j = 0; j < m; j++) dst[((c * m + j) * kh + y) * kw + x] = src[((y * kw + x) * ci + c) * m + j];
  return dst;
}

function conv(depthwise: boolean, fused: boolean): OpSpec {
  return {
    attrs: [...CONV_ATTRS, ...(fused ? FUSED_ATTRS : [])],
    convert(ctx, node, a) {
      const g = ctx.g;
      const attrs = windowAttrs(a, true);
      const filter = ctx.requireConst(node, 1, 'filter');
      if (filter.shape.length !== 4) a.fail('input 1 (filter)', `rank ${filter.shape.length}`);
      const [kh, kw, ci, co] = filter.shape;
      const weight = g.initializer({
        name: `${ConvertContext.tensorName(ctx.dataInputs(node)[1])}$oihw`,
        dtype: DType.float,
        dims: depthwise ? [ci * co, 1, kh, kw] : [co, ci, kh, kw],
        data: depthwise ? depthwiseToOihw(filter) : hwioToOihw(filter),
      });
      if (depthwise) attrs.group = { i: ci };
      const plan = fused ? planFused(a, 2) : { pre: 'none' as const, activation: null, argsFrom: 2 };
      const inputs = [ctx.nchw(ctx.input(node, 0)), weight];
      if (plan.pre === 'BiasAdd') inputs.push(ctx.input(node, 2));
      const out = ctx.out(node);
      let y = g.add('Conv', inputs, [g.fresh(out)], attrs);
      if (plan.pre === 'FusedBatchNorm') {
        const stats = [2, 3, 4, 5].map((i) => ctx.input(node, i));
        y = g.add('BatchNormalization', [y, ...stats], [g.fresh(out)], { epsilon: { f: a.float('epsilon') } });
      }
      if (plan.activation) {
        const alphaAt = plan.pre === 'BiasAdd' ? 3 : plan.pre === 'FusedBatchNorm' ? 6 : 2;
        y = emitActivation(ctx, node, a, plan.activation, y, g.fresh(out), alphaAt, true);
      }
      ctx.fromNchw(y, out);
    },
  };
}

function pool(onnxOp: 'MaxPool' | 'AveragePool'): OpSpec {
  return {
    attrs: ['data_format', 'strides', 'padding', 'explicit_paddings', 'ksize'],
    convert(ctx, node, a) {
      const attrs = windowAttrs(a, false);
      const k = a.ints('ksize');
      if (k.length !== 4 || k[0] !== 1 || k[3] !== 1) a.fail('ksize', `[${k}]`);
      // TF's SAME average excludes the padding from the count, as ONNX's default count_include_pad=0 does.
      attrs.kernel_shape = { ints: [k[1], k[2]] };
      const out = ctx.out(node);
      ctx.fromNchw(ctx.g.add(onnxOp, [ctx.nchw(ctx.input(node, 0))], [ctx.g.fresh(out)], attrs), out);
    },
  };
}

function resize(mode: 'linear' | 'nearest'): OpSpec {
  return {
    attrs: ['align_corners', 'half_pixel_centers'],
    convert(ctx, node, a) {
      const g = ctx.g;
      const size = ctx.requireConst(node, 1, 'size');
      const alignCorners = a.bool('align_corners', false);
      const halfPixel = a.bool('half_pixel_centers', false);
      if (alignCorners && halfPixel) a.fail('half_pixel_centers', 'together with align_corners');
      const attrs: Record<string, Attr> = { mode: { s: mode } };
      if (mode === 'linear') {
        attrs.coordinate_transformation_mode = {
          s: alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric',
        };
      } else {
        attrs.coordinate_transformation_mode = {
          s: alignCorners ? 'align_corners' : halfPixel ? 'tf_half_pixel_for_nn' : 'asymmetric',
        };
        attrs.nearest_mode = { s: alignCorners ? 'round_prefer_ceil' : 'floor' };
      }
      const x = ctx.nchw(ctx.input(node, 0));
      const out = ctx.out(node);
      // Resize wants sizes for every axis; batch and channels come from the input so the batch may vary.
      const shape = g.add('Shape', [x], [g.fresh(`${out}/shape`)]);
      const nc = g.add('Slice', [shape, g.int64('$i64/0', [0]), g.int64('$i64/2', [2])], [g.fresh(`${out}/nc`)]);
      const hw = g.int64(`${out}$hw`, Array.from(size.data));
      const sizes = g.add('Concat', [nc, hw], [g.fresh(`${out}/sizes`)], { axis: { i: 0 } });
      ctx.fromNchw(g.add('Resize', [x, '', '', sizes], [g.fresh(out)], attrs), out);
    },
  };
}

export const spatialOps: Record<string, OpSpec> = {
  Conv2D: conv(false, false),
  _FusedConv2D: conv(false, true),
  DepthwiseConv2dNative: conv(true, false),
  FusedDepthwiseConv2dNative: conv(true, true),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  ResizeBilinear: resize('linear'),
  ResizeNearestNeighbor: resize('nearest'),
};
