// Grappler's fused ops (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul): bias/batch-norm + activation.
import type { Attrs } from './attrs.js';
import type { ConvertContext } from './context.js';
import type { TfNode } from './tfjs-model.js';

export const FUSED_ATTRS = ['fused_ops', 'num_args', 'epsilon', 'leakyrelu_alpha'];

export interface FusedPlan {
  /** 'BiasAdd' feeds the op's own bias input; 'FusedBatchNorm' needs a BatchNormalization after it. */
  pre: 'none' | 'BiasAdd' | 'FusedBatchNorm';
  activation: string | null;
  /** Index of the first extra argument (bias, or scale/offset/mean/variance) among the node's inputs. */
  argsFrom: number;
}

const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Prelu']);

export function planFused(a: Attrs, argsFrom: number): FusedPlan {
  const ops = a.strs('fused_ops', []);
  const numArgs = a.int('num_args', 0);
  let pre: FusedPlan['pre'] = 'none';
  let rest = ops;
  if (ops[0] === 'BiasAdd' || ops[0] === 'FusedBatchNorm') {
    pre = ops[0];
    rest = ops.slice(1);
  }
  if (rest.length > 1 || (rest.length === 1 && !ACTIVATIONS.has(rest[0]))) a.fail('fused_ops', `[${ops.join(', ')}]`);
  const activation = rest[0] ?? null;
  const expected = (pre === 'BiasAdd' ? 1 : pre === 'FusedBatchNorm' ? 4 : 0) + (activation === 'Prelu' ? 1 : 0);
  if (numArgs !== expected)
    a.fail('num_args', `${numArgs} extra inputs for [${ops.join(', ')}] (expected ${expected})`);
  if (pre === 'FusedBatchNorm' && a.float('epsilon', 0) <= 0) a.fail('epsilon', 'batch norm needs a positive epsilon');
  return { pre, activation, argsFrom };
}

/**
 * Emits the activation on `x` into `out`. `channelAxis` says where channels sit (1 for NCHW conv output,
 * -1 for matmul) so a PReLU slope broadcasts over the right axis.
 */
export function emitActivation(
  ctx: ConvertContext,
  node: TfNode,
  a: Attrs,
  kind: string,
  x: string,
  out: string,
  alphaInput?: number,
  channelsFirst = false,
): string {
  const g = ctx.g;
  switch (kind) {
    case 'Relu':
    case 'Sigmoid':
    case 'Tanh':
    case 'Elu':
      return g.add(kind, [x], [out]);
    case 'Relu6':
      return g.add('Clip', [x, g.float('$f32/0', [0], []), g.float('$f32/6', [6], [])], [out]);
    case 'LeakyRelu':
      return g.add('LeakyRelu', [x], [out], {
        alpha: { f: a.float('leakyrelu_alpha', a.has('alpha') ? a.float('alpha') : 0.2) },
      });
    case 'Prelu': {
      const alpha = ctx.requireConst(node, alphaInput!, 'prelu alpha');
      const c = alpha.data.length;
      // TF's slope is per channel on the last axis; in NCHW it must broadcast as [C, 1, 1].
      const dims = channelsFirst ? [c, 1, 1] : [c];
      const name = g.float(`${node.name}$alpha`, Array.from(alpha.data as Float32Array), dims);
      return g.add('PRelu', [x, name], [out]);
    }
    default:
      return a.fail('fused_ops', `activation ${kind}`);
  }
}
