// Int8 (QDQ) variant of the rewritten rec graph: per-channel int8 weights, uint8 activations at calibrated scales.
//
// Measured 2026-12-04 (2-core AMD EPYC, AVX512-VNNI, onnxruntime-node 1.30, 1 intra-op thread, machine shared
// with other benchmarks; fp32 and int8 sessions in one process, runs interleaved, 400-500 each, medians):
//   input 1x3x48x128: fp32 4.75-4.82 ms, int8 3.21-3.24 ms (0.67-0.68x); 48x176: 6.38-6.90 vs 4.30-4.55 (0.66-0.68x);
//   48x212 (a CCPD crop, widened): 7.88 vs 5.18 ms (0.66x). The 3 ms a crop goal is not reached: what is left is
//   float work between the int8 kernels (DQ, HardSigmoid, Mul, Q, layout transposes), which ORT cannot fuse.
// `npm run bench plates` (int8) vs `npm run bench plates -- --rec=fp32`: CCPD crops 486/500 exact both (int8 loses
// 2, gains 2); CCPD frames 7/8, 8/8, 8/8 at 1280/960/640 both, same reads; rendered set 176 vs 178 of 228 exact,
// province 197 both; two-row crops 26 vs 28 of 36, stills 27 and 28 both.
// Tried: every conv but the stem quantised (same speed, 5 crops lost and 5 gained, a CCPD frame lost at 960 and 640);
// min/max ranges (482/500) against a 1e-4 percentile cut (486); MatMuls left in float (0.70-0.71x instead of 0.68x).
// Commands: scratch scripts timing sessions interleaved (not kept), `npm run bench plates [-- --rec=fp32]`.
import onnxProto from 'onnx-proto';
import {
  attr,
  Constants,
  dropUnread,
  floatTensor,
  foldNorms,
  fuseHardSwish,
  topological,
  upgradeOpset,
} from './rec-quantise-graph.js';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.GraphProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
const DT = onnx.TensorProto.DataType;

/** The float range a tensor takes on the calibration plates. */
export interface ActivationRange {
  min: number;
  max: number;
}
export type ActivationRanges = Readonly<Record<string, ActivationRange>>;

export interface RecQuantiseOptions {
  /**
   * Leave the stem in float: the conv that reads the image and the depthwise conv after it, whose
   * input (the stem's output before any activation) spans +-25 with outliers. Quantised, that one
   * conv alone turned 28 of 419 CTC steps on rendered plates. Default true.
   */
  floatStem?: boolean;
  /**
   * Leave depthwise convs (group > 1) in float. Default true: int8 runs them no faster here (MLAS
   * has no VNNI depthwise kernel), and in float 2 of 500 CCPD crops read differently instead of 5.
   */
  floatDepthwise?: boolean;
  /** Conv and MatMul node names also left in float (for sensitivity tests). Default none. */
  floatNodes?: readonly string[];
  /**
   * Give MatMuls with a constant 2-d weight (the SVTR neck and the classifier) int8 weights per
   * column and a quantised input; their output stays float. Default true (0.72x -> 0.65x the fp32 time).
   */
  matmuls?: boolean;
}

export interface RecQuantiseReport {
  /** Convs given int8 weights and quantised input and output. */
  convs: number;
  /** MatMuls given int8 weights and a quantised input (ORT makes them MatMulIntegerToFloat). */
  matmuls: number;
  /** BatchNormalization nodes folded into the conv before them (so the output Q sits after the affine). */
  foldedNorms: number;
  /**
   * x * HardSigmoid(x) pairs after quantised convs written as one HardSwish: the DQ before them then
   * has one reader (ORT gives each reader of a DQ its own copy; it expands HardSwish back after fusion).
   */
  hardSwish: number;
}

/** The tensors whose ranges quantisation needs (every quantised conv's input and output), and a model that outputs them. */
export function calibrationModel(
  bytes: Uint8Array,
  opts: RecQuantiseOptions = {},
): { bytes: Uint8Array; tensors: string[] } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as Graph;
  const c = new Constants(graph);
  foldNorms(graph, c);
  dropUnread(graph);
  const tensors = [
    ...new Set([
      ...selectConvs(graph, c, opts).flatMap((n) => [n.input?.[0] ?? '', n.output?.[0] ?? '']),
      ...selectMatMuls(graph, c, opts).map((n) => n.input?.[0] ?? ''),
    ]),
  ];
  for (const name of tensors) {
    graph.output.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DT.FLOAT } } }));
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), tensors };
}

/** The rec model with each selected conv as DQ -> Conv -> Q, which ORT fuses into QLinearConv. */
export function quantiseRecModel(
  bytes: Uint8Array,
  ranges: ActivationRanges,
  opts: RecQuantiseOptions = {},
): { bytes: Uint8Array; report: RecQuantiseReport } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as Graph;
  const c = new Constants(graph);
  const foldedNorms = foldNorms(graph, c);
  const hardSwish = fuseHardSwish(graph);
  const q = new Quantiser(graph, ranges, c);
  const convs = selectConvs(graph, c, opts);
  for (const conv of convs) q.conv(conv);
  const matmuls = selectMatMuls(graph, c, opts);
  for (const matmul of matmuls) q.matmul(matmul);
  dropUnread(graph);
  upgradeOpset(model);
  graph.node = topological(graph.node, graph);
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    report: { convs: convs.length, matmuls: matmuls.length, foldedNorms, hardSwish },
  };
}

/** Convs with constant 4-d weights, in graph order, less the stem (unless asked) and those named. */
function selectConvs(graph: Graph, c: Constants, opts: RecQuantiseOptions): Node[] {
  const inputs = new Set(graph.input.map((i) => i.name));
  const stem = graph.node.find((n) => n.opType === 'Conv' && inputs.has(n.input?.[0] ?? ''));
  const inFloat = (n: Node) =>
    ((opts.floatStem ?? true) && (n === stem || n.input?.[0] === stem?.output?.[0])) ||
    ((opts.floatDepthwise ?? true) && Number(attr(n, 'group')?.i ?? 1) > 1) ||
    (opts.floatNodes ?? []).includes(n.name ?? '');
  return graph.node.filter((n) => n.opType === 'Conv' && c.dims(n.input?.[1] ?? '')?.length === 4 && !inFloat(n));
}

/** MatMuls whose second input is a constant matrix (the SVTR neck's linears and the classifier). */
function selectMatMuls(graph: Graph, c: Constants, opts: RecQuantiseOptions): Node[] {
  if (opts.matmuls === false) return [];
  return graph.node.filter(
    (n) =>
      n.opType === 'MatMul' &&
      c.dims(n.input?.[1] ?? '')?.length === 2 &&
      !(opts.floatNodes ?? []).includes(n.name ?? ''),
  );
}

/** uint8 scale and zero point of one tensor. */
interface Activation {
  scale: number;
  zero: number;
}

/** Symmetric int8 per slice along `axis` of a 2-d view [outer, inner] (axis 0: per row, 1: per column). */
function int8PerChannel(w: Float32Array, rows: number, cols: number, axis: 0 | 1) {
  const n = axis === 0 ? rows : cols;
  const channel = (i: number) => (axis === 0 ? Math.floor(i / cols) : i % cols);
  const max = new Float32Array(n);
  w.forEach((v, i) => (max[channel(i)] = Math.max(max[channel(i)], Math.abs(v))));
  const scale = max.map((m) => (m > 0 ? m / 127 : 1));
  const q = Int8Array.from(w, (v, i) => Math.max(-127, Math.min(127, Math.round(v / scale[channel(i)]))));
  return { q, scale };
}

/** Inserts the Q/DQ nodes; a tensor read by several quantised nodes is quantised once. */
class Quantiser {
  private readonly dequantised = new Map<string, string>();
  private fresh = 0;
  constructor(
    private readonly graph: Graph,
    private readonly ranges: ActivationRanges,
    private readonly c: Constants,
  ) {}

  /** uint8, asymmetric, over the calibrated range widened to hold 0 (zero padding must be exact). */
  private activation(name: string): Activation {
    const r = this.ranges[name];
    if (!r) throw new Error(`rec quantise: no calibrated range for ${name}`);
    const [lo, hi] = [Math.min(0, r.min), Math.max(0, r.max)];
    const scale = hi > lo ? (hi - lo) / 255 : 1;
    return { scale, zero: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
  }

  private node(opType: string, input: string[], output: string[], axis?: number): void {
    const attribute =
      axis === undefined ? [] : [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }];
    this.graph.node.push({ opType, name: `${output[0]}$${opType}`, input, output, attribute });
  }

  private constant(t: Tensor): string {
    this.graph.initializer.push(onnx.TensorProto.create(t));
    return t.name ?? '';
  }

  /** Q -> DQ of `name` with its calibrated scale: [the DQ's output, the scale]. */
  private qdq(name: string, from: string, to: string): number {
    const { scale, zero } = this.activation(name);
    const base = `${name}$q${++this.fresh}`;
    const s = this.constant({ name: `${base}$scale`, dataType: DT.FLOAT, dims: [], floatData: [scale] });
    const z = this.constant({ name: `${base}$zero`, dataType: DT.UINT8, dims: [], int32Data: [zero] });
    this.node('QuantizeLinear', [from, s, z], [`${name}$u8`]);
    this.node('DequantizeLinear', [`${name}$u8`, s, z], [to]);
    return scale;
  }

  /** The name of `x` after a Q -> DQ pair (the same name if a quantised conv already wrote it so). */
  private quantised(x: string): string {
    let known = this.dequantised.get(x);
    if (!known) {
      known = `${x}$dq`;
      this.qdq(x, x, known);
      this.dequantised.set(x, known);
    }
    return known;
  }

  /** A DQ of int8 values (`dims`), per channel along `axis` (zero points 0), returning its output. */
  private weights(base: string, q: Int8Array, scale: Float32Array, dims: number[], axis: number): string {
    const n = scale.length;
    this.node(
      'DequantizeLinear',
      [
        this.constant({ name: `${base}$s8`, dataType: DT.INT8, dims, rawData: new Uint8Array(q.buffer) }),
        this.constant(floatTensor(`${base}$scale`, scale, [n])),
        this.constant({ name: `${base}$zero`, dataType: DT.INT8, dims: [n], rawData: new Uint8Array(n) }),
      ],
      [`${base}$dq`],
      axis,
    );
    return `${base}$dq`;
  }

  /** DQ(A) x DQ(B) with B int8 per column and no Q after: ORT runs it as MatMulIntegerToFloat. */
  matmul(matmul: Node): void {
    const [a, bName] = matmul.input ?? [];
    const [rows, cols] = this.c.dims(bName) as number[];
    const { q, scale } = int8PerChannel(this.c.floats(bName) as Float32Array, rows, cols, 1);
    const bdq = this.weights(`${matmul.name ?? `matmul${++this.fresh}`}.b`, q, scale, [rows, cols], 1);
    matmul.input = [this.quantised(a), bdq];
  }

  /** DQ(x), DQ(W), DQ(bias) -> Conv -> Q -> DQ: ORT runs it as QLinearConv. */
  conv(conv: Node): void {
    const [x, wName, bName] = conv.input ?? [];
    const y = conv.output?.[0] ?? '';
    const dims = this.c.dims(wName) as number[];
    const w = this.c.floats(wName) as Float32Array;
    const out = dims[0];
    const { q, scale: sw } = int8PerChannel(w, out, w.length / out, 0);
    const base = conv.name ?? `conv${++this.fresh}`;
    const inputs = [this.quantised(x), this.weights(`${base}.w`, q, sw, dims, 0)];
    const b = bName ? this.c.floats(bName) : null;
    if (b) {
      // Bias in int32 at the product scale, as QLinearConv adds it to the int32 accumulator.
      const sb = sw.map((s) => s * this.activation(x).scale);
      const bq = Int32Array.from(b, (v, o) => Math.round(v / sb[o]));
      this.node(
        'DequantizeLinear',
        [
          this.constant({ name: `${base}.b$s32`, dataType: DT.INT32, dims: [out], rawData: new Uint8Array(bq.buffer) }),
          this.constant(floatTensor(`${base}.b$scale`, sb, [out])),
          this.constant({ name: `${base}.b$zero`, dataType: DT.INT32, dims: [out], rawData: new Uint8Array(out * 4) }),
        ],
        [`${base}.b$dq`],
        0,
      );
      inputs.push(`${base}.b$dq`);
    }
    conv.input = inputs;
    // The conv writes a new name; Q -> DQ gives its readers the old one back.
    conv.output = [`${y}$f32`];
    this.qdq(y, `${y}$f32`, y);
    this.dequantised.set(y, y);
  }
}
