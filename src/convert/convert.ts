// TFJS graph model -> ONNX (IR 8, opset 13): orders the graph, dispatches each node to its op mapping, encodes.
import path from 'node:path';
import { Attrs } from './attrs.js';
import { ConvertContext, type OpSpec } from './context.js';
import { ConversionError, UnsupportedAttributeError, UnsupportedOpError } from './errors.js';
import { DType } from './onnx-builder.js';
import { mathOps } from './ops-math.js';
import { mergeClips } from './optimise.js';
import { shapeOps } from './ops-shape.js';
import { spatialOps } from './ops-spatial.js';
import { loadTfjsGraph, type TfjsGraph, type TfNode } from './tfjs-model.js';

/** Bumped whenever a mapping changes its output, so cached conversions are rebuilt. */
export const CONVERTER_VERSION = '1';

export interface ConvertProgress {
  done: number;
  total: number;
  node: string;
}

export interface ConvertOptions {
  /** Called after each node; conversions take a second or two, callers throttle their own output. */
  onProgress?: (p: ConvertProgress) => void;
}

export const OPS: Record<string, OpSpec> = { ...spatialOps, ...mathOps, ...shapeOps };

/** Type attributes and grappler bookkeeping: they describe, never change, what the op computes. */
const BOOKKEEPING = new Set([
  'T',
  'Tidx',
  'Tshape',
  'Tdim',
  'Taxis',
  'Tindices',
  'Tparams',
  'Tpaddings',
  'Tmultiples',
  'Tperm',
  'SrcT',
  'use_cudnn_on_gpu',
]);
const BOOL_OUTPUT = new Set(['Equal', 'Less', 'Greater']);

export async function convertTfjsGraph(modelJsonPath: string, opts: ConvertOptions = {}): Promise<Uint8Array> {
  return convertGraph(await loadTfjsGraph(modelJsonPath), { ...opts, source: path.basename(modelJsonPath) });
}

export function convertGraph(graph: TfjsGraph, opts: ConvertOptions & { source?: string } = {}): Uint8Array {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const outputs = graph.outputNames ?? danglingOutputs(graph.nodes);
  const order = topoOrder(outputs, byName);
  for (const node of order) checkSupported(node);

  const ctx = new ConvertContext(graph.weights);
  order.forEach((node, i) => {
    convertNode(ctx, node);
    opts.onProgress?.({ done: i + 1, total: order.length, node: node.name });
  });
  for (const name of outputs) {
    const dtype = ctx.types.get(name);
    if (dtype === undefined) throw new ConversionError(`output '${name}' was not produced by the graph`);
    ctx.g.outputs.push({ name, dtype });
  }
  mergeClips(ctx.g);
  ctx.g.prune();
  return ctx.g.encode({ name: 'vigil-tfjs-to-onnx', version: CONVERTER_VERSION, docString: opts.source });
}

function checkSupported(node: TfNode): void {
  if (node.op === 'Const' || node.op === 'Placeholder') return;
  const spec = OPS[node.op];
  if (!spec) throw new UnsupportedOpError(node.op, node.name);
  for (const attr of Object.keys(node.attr ?? {})) {
    if (BOOKKEEPING.has(attr) || attr.startsWith('_') || spec.attrs.includes(attr)) continue;
    throw new UnsupportedAttributeError(node.op, node.name, attr, 'not understood by the mapping');
  }
}

function convertNode(ctx: ConvertContext, node: TfNode): void {
  const a = new Attrs(node);
  if (node.op === 'Const') {
    if (!ctx.consts.has(node.name))
      throw new ConversionError(`constant '${node.name}' has no entry in the weights manifest`);
    return; // becomes an initializer when a consumer asks for it
  }
  if (node.op === 'Placeholder') {
    const dtype = ctx.onnxType(node, a.type('dtype'));
    const dims = a.shape('shape');
    ctx.g.inputs.push({ name: node.name, dtype, dims: dims ?? undefined });
    ctx.types.set(node.name, dtype);
    return;
  }
  OPS[node.op].convert(ctx, node, a);
  const out = ctx.out(node);
  if (ctx.types.has(out)) return;
  if (BOOL_OUTPUT.has(node.op)) ctx.types.set(out, DType.bool);
  else if (node.op === 'Cast') ctx.types.set(out, ctx.onnxType(node, a.type('DstT')));
  else ctx.types.set(out, ctx.onnxType(node, a.type('T', a.type('Tparams', 'DT_FLOAT'))));
}

/** Nodes nothing consumes (except constants): the outputs of a model that ships no signature. */
function danglingOutputs(nodes: TfNode[]): string[] {
  const consumed = new Set(
    nodes.flatMap((n) => (n.input ?? []).map((i) => ConvertContext.tensorName(i.replace(/^\^/, '')))),
  );
  return nodes.filter((n) => n.op !== 'Const' && !consumed.has(n.name)).map((n) => n.name);
}

/** Depth-first post-order from the outputs: only what the outputs need is converted (or refused). */
function topoOrder(outputs: string[], byName: Map<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: { node: TfNode; next: number }[] = [];
  const push = (ref: string) => {
    const name = ConvertContext.tensorName(ref).replace(/:\d+$/, '');
    const node = byName.get(name);
    if (!node) throw new ConversionError(`tensor '${ref}' refers to no node in the graph`);
    const s = state.get(name);
    if (s === 'visiting') throw new ConversionError(`cycle through node '${name}' (control flow is not supported)`);
    if (s === 'done') return;
    state.set(name, 'visiting');
    stack.push({ node, next: 0 });
  };
  for (const out of outputs) {
    push(out);
    // Iterative, so deep graphs (hundreds of layers) cannot overflow the call stack.
    while (stack.length) {
      const top = stack[stack.length - 1];
      // Control dependencies ('^x') order side effects; a frozen inference graph has none that matter.
      const inputs = (top.node.input ?? []).filter((i) => !i.startsWith('^'));
      if (top.next < inputs.length) push(inputs[top.next++]);
      else {
        stack.pop();
        state.set(top.node.name, 'done');
        order.push(top.node);
      }
    }
  }
  return order;
}
