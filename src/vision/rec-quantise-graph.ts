// Graph plumbing for rec-quantise.ts: float constants, BatchNorm folding, HardSwish, opset 9 to 14, node order.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Model = onnxProto.onnx.ModelProto;
type Graph = onnxProto.onnx.GraphProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
const DT = onnx.TensorProto.DataType;
/** Opset of the quantised graph: 13 for per-channel Q/DQ (`axis`), 14 for HardSwish. The rec graph is opset 9. */
const OPSET = 14;

/** Float constants by name, from Constant nodes and initializers. */
export class Constants {
  private readonly producers = new Map<string, Node>();
  private readonly initialisers = new Map<string, Tensor>();
  constructor(private readonly graph: Graph) {
    for (const n of graph.node) if (n.opType === 'Constant') this.producers.set(n.output?.[0] ?? '', n);
    for (const t of graph.initializer) this.initialisers.set(t.name ?? '', t);
  }

  tensor(name: string): Tensor | null {
    const t = this.initialisers.get(name) ?? this.producers.get(name)?.attribute?.find((a) => a.name === 'value')?.t;
    return t && t.dataType === DT.FLOAT ? t : null;
  }

  floats(name: string): Float32Array | null {
    const t = this.tensor(name);
    if (!t) return null;
    if (t.rawData?.length) return new Float32Array(Uint8Array.from(t.rawData).buffer);
    return t.floatData?.length ? Float32Array.from(t.floatData) : null;
  }

  dims(name: string): number[] | null {
    return this.tensor(name)?.dims?.map(Number) ?? null;
  }

  add(tensor: Tensor): string {
    this.graph.initializer.push(onnx.TensorProto.create(tensor));
    this.initialisers.set(tensor.name ?? '', tensor);
    return tensor.name ?? '';
  }
}

export const attr = (n: Node, name: string) => n.attribute?.find((a) => a.name === name);

/** Conv -> BatchNormalization with constant parameters: the affine goes into the conv's weights and bias. */
export function foldNorms(graph: Graph, c: Constants): number {
  const producer = new Map(graph.node.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const readers = (name: string) => graph.node.filter((n) => n.input?.includes(name));
  let folded = 0;
  for (const bn of graph.node.filter((n) => n.opType === 'BatchNormalization')) {
    const conv = producer.get(bn.input?.[0] ?? '');
    if (conv?.opType !== 'Conv' || readers(conv.output?.[0] ?? '').length !== 1) continue;
    const [, sName, bName, mName, vName] = bn.input ?? [];
    const [scale, shift, mean, variance] = [sName, bName, mName, vName].map((n) => c.floats(n));
    const w = c.floats(conv.input?.[1] ?? '');
    const dims = c.dims(conv.input?.[1] ?? '');
    if (!scale || !shift || !mean || !variance || !w || !dims) continue;
    const eps = attr(bn, 'epsilon')?.f ?? 1e-5;
    const out = dims[0];
    const b = conv.input?.[2] ? c.floats(conv.input[2]) : new Float32Array(out);
    if (!b) continue;
    const k = scale.map((s, o) => s / Math.sqrt(variance[o] + eps));
    const per = w.length / out;
    const base = conv.name ?? 'conv';
    const w2 = w.map((v, i) => v * k[Math.floor(i / per)]);
    const b2 = b.map((v, o) => (v - mean[o]) * k[o] + shift[o]);
    conv.input = [
      conv.input?.[0] ?? '',
      c.add(floatTensor(`${base}.w$bn`, w2, dims)),
      c.add(floatTensor(`${base}.b$bn`, b2, [out])),
    ];
    conv.output = [bn.output?.[0] ?? ''];
    graph.node = graph.node.filter((n) => n !== bn);
    folded++;
  }
  return folded;
}

export function floatTensor(name: string, values: Float32Array, dims: number[]): Tensor {
  return { name, dataType: DT.FLOAT, dims, rawData: new Uint8Array(values.buffer.slice(0)) };
}

/** Nodes ordered so each comes after the producers of its inputs (the Q/DQ nodes were appended). */
export function topological(nodes: Node[], graph: Graph): Node[] {
  const ready = new Set<string>([
    ...graph.input.map((i) => i.name ?? ''),
    ...graph.initializer.map((t) => t.name ?? ''),
    '',
  ]);
  const pending = [...nodes];
  const out: Node[] = [];
  while (pending.length) {
    const before = out.length;
    for (let i = 0; i < pending.length;) {
      if ((pending[i].input ?? []).every((x) => ready.has(x))) {
        const [n] = pending.splice(i, 1);
        out.push(n);
        for (const o of n.output ?? []) ready.add(o);
      } else i++;
    }
    if (out.length === before) throw new Error('rec quantise: the graph has a cycle or a missing input');
  }
  return out;
}

/** Constants and initializers nothing reads any more (ORT warns about each one). */
export function dropUnread(graph: Graph): void {
  const read = new Set(graph.node.flatMap((n) => n.input ?? []));
  graph.node = graph.node.filter((n) => n.opType !== 'Constant' || read.has(n.output?.[0] ?? ''));
  graph.initializer = graph.initializer.filter((t) => read.has(t.name ?? ''));
}

/**
 * Opset 9 to 14 for the operators the rec graph uses: Slice (10) and Squeeze (13) take their
 * attributes as inputs; Softmax (13) changed only for an axis other than the last, which it is here.
 */
export function upgradeOpset(model: Model): void {
  const graph = model.graph as Graph;
  const int64s = (name: string, values: number[]) => {
    graph.initializer.push(
      onnx.TensorProto.create({ name, dataType: DT.INT64, dims: [values.length], int64Data: values }),
    );
    return name;
  };
  for (const n of graph.node) {
    const base = n.name || n.output?.[0] || 'node';
    const ints = (name: string) => (attr(n, name)?.ints ?? []).map(Number);
    if (n.opType === 'Slice' && (n.input ?? []).length === 1) {
      n.input = [
        n.input?.[0] ?? '',
        ...(['starts', 'ends', 'axes'] as const).map((k) => int64s(`${base}.${k}`, ints(k))),
      ];
      n.attribute = [];
    } else if (n.opType === 'Squeeze' && attr(n, 'axes')) {
      n.input = [n.input?.[0] ?? '', int64s(`${base}.axes`, ints('axes'))];
      n.attribute = [];
    } else if (n.opType === 'Softmax') {
      const axis = Number(attr(n, 'axis')?.i ?? 1);
      if (axis !== -1 && axis !== 2 && axis !== 3) throw new Error(`rec quantise: Softmax ${base} over axis ${axis}`);
    }
  }
  const main = model.opsetImport.find((o) => !o.domain);
  if (main) main.version = OPSET;
}

/** Mul(x, HardSigmoid(x; 1/6, 1/2)) with the HardSigmoid read only there becomes HardSwish(x). */
export function fuseHardSwish(graph: Graph): number {
  const producer = new Map(graph.node.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const reads = new Map<string, number>();
  for (const n of graph.node) for (const i of n.input ?? []) reads.set(i, (reads.get(i) ?? 0) + 1);
  const dropped = new Set<Node>();
  for (const mul of graph.node.filter((n) => n.opType === 'Mul')) {
    const [a, b] = mul.input ?? [];
    const hs = [producer.get(a), producer.get(b)].find((n) => n?.opType === 'HardSigmoid');
    const x = hs === producer.get(a) ? b : a;
    if (!hs || hs.input?.[0] !== x || reads.get(hs.output?.[0] ?? '') !== 1) continue;
    const [alpha, beta] = [attr(hs, 'alpha')?.f ?? 0.2, attr(hs, 'beta')?.f ?? 0.5];
    if (Math.abs(alpha - 1 / 6) > 1e-6 || Math.abs(beta - 0.5) > 1e-6) continue;
    Object.assign(mul, { opType: 'HardSwish', input: [x], attribute: [] });
    dropped.add(hs);
  }
  graph.node = graph.node.filter((n) => !dropped.has(n));
  return dropped.size;
}
