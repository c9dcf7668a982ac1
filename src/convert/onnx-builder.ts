// A small ONNX graph under construction (nodes, initializers, inputs, outputs) and its protobuf encoding.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const IR_VERSION = 8;
export const OPSET = 13;

/** ONNX element types used here (values of TensorProto.DataType). */
export const DType = { float: 1, uint8: 2, int32: 6, int64: 7, bool: 9 } as const;
export type DTypeCode = (typeof DType)[keyof typeof DType];

/** Attribute values; ints and floats are told apart explicitly because JavaScript numbers cannot. */
export type Attr = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] };

export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
}

export interface Initializer {
  name: string;
  dtype: DTypeCode;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

/** A graph input or output: dims of -1 (or null) become a symbolic dimension. */
export interface ValueInfo {
  name: string;
  dtype: DTypeCode;
  dims?: (number | null)[];
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, Initializer>();
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;

  /** Appends a node and returns its first output name. */
  add(op: string, inputs: string[], outputs: string[], attrs?: Record<string, Attr>, name?: string): string {
    this.nodes.push({ op, name: name ?? `${outputs[0]}/${op}`, inputs, outputs, attrs });
    return outputs[0];
  }

  /**
   * A fresh tensor name derived from `base`, readable in Netron. '$' cannot occur in TF node names,
   * so generated names never collide with the graph's own.
   */
  fresh(base: string): string {
    this.counter += 1;
    return `${base}$${this.counter}`;
  }

  initializer(init: Initializer): string {
    const existing = this.initializers.get(init.name);
    if (!existing) this.initializers.set(init.name, init);
    return init.name;
  }

  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.initializer({ name, dtype: DType.int64, dims, data: BigInt64Array.from(values.map((v) => BigInt(v))) });
  }

  float(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.initializer({ name, dtype: DType.float, dims, data: Float32Array.from(values) });
  }

  /** Drops nodes and initializers that no graph output depends on (e.g. transposes a later op made redundant). */
  prune(): void {
    const needed = new Set(this.outputs.map((o) => o.name));
    const kept: OnnxNode[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i];
      if (!node.outputs.some((o) => needed.has(o))) continue;
      kept.push(node);
      for (const input of node.inputs) if (input) needed.add(input);
    }
    this.nodes.splice(0, this.nodes.length, ...kept.reverse());
    for (const name of [...this.initializers.keys()]) if (!needed.has(name)) this.initializers.delete(name);
  }

  encode(producer: { name: string; version: string; docString?: string }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: producer.name,
      producerVersion: producer.version,
      docString: producer.docString ?? '',
      graph: {
        name: 'main',
        node: this.nodes.map(encodeNode),
        initializer: [...this.initializers.values()].map(encodeTensor),
        input: this.inputs.map(encodeValueInfo),
        output: this.outputs.map(encodeValueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function encodeNode(node: OnnxNode): onnxProto.onnx.INodeProto {
  const attribute = Object.entries(node.attrs ?? {}).map(([name, value]) => encodeAttr(name, value));
  return { opType: node.op, name: node.name, input: node.inputs, output: node.outputs, attribute };
}

function encodeAttr(name: string, value: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in value) return { name, type: T.INT, i: value.i };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('s' in value) return { name, type: T.STRING, s: new TextEncoder().encode(value.s) };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  return { name, type: T.FLOATS, floats: value.floats };
}

function encodeTensor(t: Initializer): onnxProto.onnx.ITensorProto {
  // raw_data is little-endian; typed arrays are too on every platform Node ships for.
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name: t.name, dataType: t.dtype, dims: t.dims, rawData: raw };
}

function encodeValueInfo(v: ValueInfo): onnxProto.onnx.IValueInfoProto {
  const shape = v.dims
    ? { dim: v.dims.map((d, i) => (d === null || d < 0 ? { dimParam: i === 0 ? 'batch' : `d${i}` } : { dimValue: d })) }
    : undefined;
  return { name: v.name, type: { tensorType: { elemType: v.dtype, shape } } };
}
