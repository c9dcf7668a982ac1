// Load-time rewrite of the PP-OCRv4 rec graph: scalar affines folded into convs, hardswish in two ops, the classifier cut to plate classes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

export interface RecRewriteOptions {
  /**
   * CTC classes to keep, in output order (class 0, blank, must come first). The classifier's
   * weights and bias are cut to these columns, so the softmax is taken over them alone: the
   * probability other classes had is shared out among the kept ones. Default: all classes.
   */
  keepClasses?: readonly number[];
}

export interface RecRewriteReport {
  /** Conv + Mul(scalar) + Add(scalar) chains whose affine went into the conv's weights and bias. */
  foldedAfter: number;
  /** Mul(scalar) + Add(scalar) chains before a conv, folded into it (a 1x1 conv) or left as one Add. */
  foldedBefore: number;
  /** x * clip(x + 3, 0, 6) / 6 chains written as x * HardSigmoid(x). */
  hardswish: number;
  /** Output classes after the cut. */
  classes: number;
}

/**
 * The rec model as exported by paddle2onnx spends a third of its time in 765 small nodes: every
 * conv is followed by a learnable scalar affine, a hardswish of four ops and another affine.
 * ORT folds none of them (its Conv+Mul fusion wants the constant as the second operand), so
 * they are folded here. All rewrites are exact up to float rounding.
 */
export function rewriteRecModel(
  bytes: Uint8Array,
  opts: RecRewriteOptions = {},
): { bytes: Uint8Array; report: RecRewriteReport } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const g = new GraphIndex(graph.node);
  const report: RecRewriteReport = { foldedAfter: 0, foldedBefore: 0, hardswish: 0, classes: 0 };
  for (const conv of g.nodes.filter((n) => n.opType === 'Conv')) {
    if (foldAffineAfter(g, conv)) report.foldedAfter++;
    if (foldAffineBefore(g, conv)) report.foldedBefore++;
  }
  for (const div of g.nodes.filter((n) => n.opType === 'Div')) if (rewriteHardswish(g, div)) report.hardswish++;
  report.classes = opts.keepClasses ? cutClassifier(g, graph, opts.keepClasses) : 0;
  // Constants whose readers were folded away go too (ORT warns about each one left).
  const read = new Set(g.nodes.filter((n) => !g.dropped.has(n)).flatMap((n) => n.input ?? []));
  graph.node = g.nodes.filter((n) => !g.dropped.has(n) && (n.opType !== 'Constant' || read.has(n.output?.[0] ?? '')));
  return { bytes: onnx.ModelProto.encode(model).finish(), report };
}

/** Producers and consumers of every tensor, and the float values of Constant nodes. */
class GraphIndex {
  readonly producer = new Map<string, Node>();
  readonly consumers = new Map<string, Node[]>();
  readonly dropped = new Set<Node>();
  private fresh = 0;
  constructor(readonly nodes: Node[]) {
    for (const n of nodes) {
      for (const o of n.output ?? []) this.producer.set(o, n);
      for (const i of n.input ?? []) this.consumers.set(i, [...(this.consumers.get(i) ?? []), n]);
    }
  }

  /** The only node reading `name`, or null. */
  soleConsumer(name: string): Node | null {
    const c = this.consumers.get(name) ?? [];
    return c.length === 1 ? c[0] : null;
  }

  constantOf(name: string): Tensor | null {
    const n = this.producer.get(name);
    if (n?.opType !== 'Constant' || this.dropped.has(n)) return null;
    const t = n.attribute?.find((a) => a.name === 'value')?.t;
    return t && t.dataType === onnx.TensorProto.DataType.FLOAT ? t : null;
  }

  floats(name: string): Float32Array | null {
    const t = this.constantOf(name);
    if (!t?.rawData || t.rawData.length % 4) return null;
    // A copy: rawData may be a Node Buffer over the whole file, at any byte offset.
    return new Float32Array(Uint8Array.from(t.rawData).buffer);
  }

  scalar(name: string): number | null {
    const v = this.floats(name);
    return v && v.length === 1 ? v[0] : null;
  }

  /** The scalar operand of a binary op and the name of its other operand. */
  scalarOperand(n: Node): { value: number; other: string } | null {
    const [a, b] = n.input ?? [];
    const va = this.scalar(a);
    if (va !== null) return { value: va, other: b };
    const vb = this.scalar(b);
    return vb !== null ? { value: vb, other: a } : null;
  }

  /** A new Constant node, placed first (constants have no inputs), returning its output name. */
  addConstant(base: string, values: Float32Array, dims: number[]): string {
    const name = `${base}$rec${++this.fresh}`;
    const tensor = { dataType: onnx.TensorProto.DataType.FLOAT, dims, rawData: new Uint8Array(values.buffer.slice(0)) };
    const node: Node = {
      opType: 'Constant',
      name,
      input: [],
      output: [name],
      attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor }],
    };
    this.nodes.unshift(node);
    this.producer.set(name, node);
    return name;
  }

  /** Makes every reader of `from` read `to` instead. */
  rewire(from: string, to: string): void {
    for (const c of this.consumers.get(from) ?? []) c.input = (c.input ?? []).map((i) => (i === from ? to : i));
    this.consumers.set(to, [...(this.consumers.get(to) ?? []), ...(this.consumers.get(from) ?? [])]);
    this.consumers.delete(from);
  }
}

const isScalarOp = (g: GraphIndex, n: Node | null, op: string): n is Node =>
  n?.opType === op && g.scalarOperand(n) !== null;

/** Conv weights and bias as arrays, or null when they are not constants of the expected shape. */
function convParams(g: GraphIndex, conv: Node): { w: Float32Array; b: Float32Array; dims: number[] } | null {
  const [, wName, bName] = conv.input ?? [];
  const w = g.floats(wName);
  const dims = g.constantOf(wName)?.dims?.map(Number);
  if (!w || !dims || dims.length !== 4) return null;
  const b = bName ? g.floats(bName) : new Float32Array(dims[0]);
  return b && b.length === dims[0] ? { w, b, dims } : null;
}

function setConvParams(g: GraphIndex, conv: Node, w: Float32Array, b: Float32Array, dims: number[]): void {
  const name = conv.name ?? 'conv';
  conv.input = [conv.input?.[0] ?? '', g.addConstant(`${name}.w`, w, dims), g.addConstant(`${name}.b`, b, [dims[0]])];
}

/** conv -> Mul(a) -> Add(c): a*(W*x + B) + c, so W' = aW and B' = aB + c. */
function foldAffineAfter(g: GraphIndex, conv: Node): boolean {
  const out = conv.output?.[0] ?? '';
  const mul = g.soleConsumer(out);
  if (!isScalarOp(g, mul, 'Mul')) return false;
  const add = g.soleConsumer(mul.output?.[0] ?? '');
  if (!isScalarOp(g, add, 'Add')) return false;
  const params = convParams(g, conv);
  if (!params) return false;
  const a = (g.scalarOperand(mul) as { value: number }).value;
  const c = (g.scalarOperand(add) as { value: number }).value;
  setConvParams(
    g,
    conv,
    params.w.map((v) => v * a),
    params.b.map((v) => v * a + c),
    params.dims,
  );
  g.dropped.add(mul).add(add);
  g.rewire(add.output?.[0] ?? '', out);
  return true;
}

/**
 * Mul(a) -> Add(c) -> conv: the conv of a*x + c. A 1x1 conv without padding takes both (W' = aW,
 * B' = B + c * sum W); one that pads sees zeros at the border, where a*x + c = 0 means x = -c/a,
 * so it keeps one Add(c/a) before weights scaled by a.
 */
function foldAffineBefore(g: GraphIndex, conv: Node): boolean {
  const add = g.producer.get(conv.input?.[0] ?? '');
  if (!add || !isScalarOp(g, add, 'Add') || g.soleConsumer(add.output?.[0] ?? '') !== conv) return false;
  const addOp = g.scalarOperand(add) as { value: number; other: string };
  const mul = g.producer.get(addOp.other);
  if (!mul || !isScalarOp(g, mul, 'Mul') || g.soleConsumer(mul.output?.[0] ?? '') !== add) return false;
  const mulOp = g.scalarOperand(mul) as { value: number; other: string };
  const params = convParams(g, conv);
  const [a, c] = [mulOp.value, addOp.value];
  if (!params || a === 0) return false;
  const { w, b, dims } = params;
  const pads = conv.attribute?.find((x) => x.name === 'pads')?.ints?.map(Number) ?? [];
  const pointwise = dims[2] === 1 && dims[3] === 1 && pads.every((p) => p === 0);
  const perOut = w.length / dims[0];
  const bias = pointwise
    ? b.map((v, o) => v + c * w.subarray(o * perOut, (o + 1) * perOut).reduce((s, x) => s + x, 0))
    : b;
  setConvParams(
    g,
    conv,
    w.map((v) => v * a),
    bias,
    dims,
  );
  g.dropped.add(mul);
  if (pointwise) {
    g.dropped.add(add);
    conv.input = [mulOp.other, ...(conv.input ?? []).slice(1)];
  } else {
    add.input = [mulOp.other, g.addConstant(`${add.name ?? 'add'}.c`, Float32Array.of(c / a), [1])];
  }
  return true;
}

/** Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(., 6) becomes Mul(x, HardSigmoid(x; 1/6, 1/2)). */
function rewriteHardswish(g: GraphIndex, div: Node): boolean {
  const six = g.scalarOperand(div);
  const mul = g.producer.get(div.input?.[0] ?? '');
  if (six?.value !== 6 || g.scalar(div.input?.[1] ?? '') !== 6 || mul?.opType !== 'Mul') return false;
  const [m0, m1] = mul.input ?? [];
  const clip = [g.producer.get(m0), g.producer.get(m1)].find((n) => n?.opType === 'Clip');
  const x = clip === g.producer.get(m0) ? m1 : m0;
  const attr = (name: string) => clip?.attribute?.find((a) => a.name === name)?.f ?? 0;
  if (!clip || (clip.input ?? []).length !== 1 || attr('min') !== 0 || attr('max') !== 6) return false;
  const add = g.producer.get(clip.input?.[0] ?? '');
  const three = add && isScalarOp(g, add, 'Add') ? g.scalarOperand(add) : null;
  if (!add || three?.value !== 3 || three.other !== x) return false;
  if (g.soleConsumer(add.output?.[0] ?? '') !== clip || g.soleConsumer(mul.output?.[0] ?? '') !== div) return false;
  const F = onnx.AttributeProto.AttributeType.FLOAT;
  const hs = `${clip.output?.[0] ?? 'clip'}$hardsigmoid`;
  // The HardSigmoid takes the Clip's place (its output name kept), the Mul takes the Div's output.
  Object.assign(clip, {
    opType: 'HardSigmoid',
    input: [x],
    output: [hs],
    attribute: [
      { name: 'alpha', type: F, f: 1 / 6 },
      { name: 'beta', type: F, f: 0.5 },
    ],
  });
  mul.input = [x, hs];
  mul.output = [div.output?.[0] ?? ''];
  g.dropped.add(add).add(div);
  return true;
}

/** Cuts the last MatMul + Add (bias) before the output's Softmax to the kept columns; returns their count. */
function cutClassifier(g: GraphIndex, graph: onnxProto.onnx.GraphProto, keep: readonly number[]): number {
  const softmax = g.producer.get(graph.output[0]?.name ?? '');
  const add = g.producer.get(softmax?.input?.[0] ?? '');
  const matmul = add && g.producer.get(add.input?.[0] ?? '');
  const [, wName] = matmul?.input ?? [];
  const w = g.floats(wName ?? '');
  const b = g.floats(add?.input?.[1] ?? '');
  const dims = g.constantOf(wName ?? '')?.dims?.map(Number);
  if (softmax?.opType !== 'Softmax' || matmul?.opType !== 'MatMul' || !w || !b || !dims || dims[1] !== b.length) {
    throw new Error('rec graph: no MatMul + Add + Softmax classifier at the output');
  }
  const [rows, cols] = dims;
  if (keep[0] !== 0 || keep.some((k) => k < 0 || k >= cols))
    throw new Error('rec graph: keepClasses must start with 0 (blank) and lie within the classes');
  const cut = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) keep.forEach((k, j) => (cut[r * keep.length + j] = w[r * cols + k]));
  (matmul as Node).input = [(matmul as Node).input?.[0] ?? '', g.addConstant('classifier.w', cut, [rows, keep.length])];
  (add as Node).input = [
    (add as Node).input?.[0] ?? '',
    g.addConstant(
      'classifier.b',
      Float32Array.from(keep, (k) => b[k]),
      [keep.length],
    ),
  ];
  const dim = graph.output[0].type?.tensorType?.shape?.dim;
  if (dim?.length) dim[dim.length - 1] = { dimValue: keep.length };
  return keep.length;
}
