// State shared by the op mappings while one graph converts: tensor names, constants, types, NCHW twins.
import { Attrs } from './attrs.js';
import { UnsupportedAttributeError } from './errors.js';
import { DType, GraphBuilder, type DTypeCode } from './onnx-builder.js';
import type { TfNode } from './tfjs-model.js';
import type { ConstTensor } from './weights.js';

/** One op's mapping. `attrs` lists what it reads or checks; any other non-bookkeeping attribute is refused. */
export interface OpSpec {
  attrs: string[];
  convert(ctx: ConvertContext, node: TfNode, a: Attrs): void;
}

/** NHWC -> NCHW and back: ONNX spatial ops only take channels-first. */
export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

const TF_TYPES: Record<string, DTypeCode> = {
  DT_FLOAT: DType.float,
  DT_INT32: DType.int32,
  DT_INT64: DType.int64,
  DT_UINT8: DType.uint8,
  DT_BOOL: DType.bool,
};

export class ConvertContext {
  readonly g = new GraphBuilder();
  /** ONNX element type of every tensor produced so far (graph outputs need it). */
  readonly types = new Map<string, DTypeCode>();
  /** NHWC tensor -> the NCHW tensor it was transposed from (or to), so chains of spatial ops skip the round trip. */
  private readonly nchwTwin = new Map<string, string>();

  constructor(readonly consts: Map<string, ConstTensor>) {}

  /** ONNX name of a TF tensor reference: 'x' and 'x:0' are output 0, 'x:1' keeps its suffix. */
  static tensorName(ref: string): string {
    return ref.replace(/:0$/, '');
  }

  /** Data inputs of a node (control dependencies, written '^x', carry no data). */
  dataInputs(node: TfNode): string[] {
    return (node.input ?? []).filter((i) => !i.startsWith('^'));
  }

  out(node: TfNode, index = 0): string {
    return index === 0 ? node.name : `${node.name}:${index}`;
  }

  onnxType(node: TfNode, tfType: string): DTypeCode {
    const code = TF_TYPES[tfType];
    if (code === undefined) throw new UnsupportedAttributeError(node.op, node.name, 'T', `element type ${tfType}`);
    return code;
  }

  /** The constant behind input `index`, or null when it is computed at run time. */
  constAt(node: TfNode, index: number): ConstTensor | null {
    const ref = this.dataInputs(node)[index];
    return ref === undefined ? null : (this.consts.get(ConvertContext.tensorName(ref)) ?? null);
  }

  /** A constant input the mapping needs at conversion time (axes, shapes, filters). */
  requireConst(node: TfNode, index: number, what: string): ConstTensor {
    const c = this.constAt(node, index);
    if (!c) throw new UnsupportedAttributeError(node.op, node.name, `input ${index} (${what})`, 'must be a constant');
    return c;
  }

  /** ONNX tensor for input `index`; constants become initializers on first use. */
  input(node: TfNode, index: number): string {
    const ref = this.dataInputs(node)[index];
    if (ref === undefined) throw new UnsupportedAttributeError(node.op, node.name, `input ${index}`, 'missing');
    const name = ConvertContext.tensorName(ref);
    const c = this.consts.get(name);
    if (c && !this.g.initializers.has(name)) {
      const dtype = c.dtype === 'float32' ? DType.float : c.dtype === 'int32' ? DType.int32 : DType.bool;
      this.g.initializer({ name, dtype, dims: c.shape, data: c.data });
      this.types.set(name, dtype);
    }
    return name;
  }

  /** Channels-first view of an NHWC tensor, reusing the one a spatial op already produced. */
  nchw(nhwc: string): string {
    const twin = this.nchwTwin.get(nhwc);
    if (twin) return twin;
    const t = this.g.add('Transpose', [nhwc], [`${nhwc}$nchw`], { perm: { ints: TO_NCHW } });
    this.nchwTwin.set(nhwc, t);
    return t;
  }

  /** Publishes a spatial op's NCHW result under its TF (NHWC) name. */
  fromNchw(nchw: string, nhwc: string): void {
    this.g.add('Transpose', [nchw], [nhwc], { perm: { ints: TO_NHWC } });
    this.nchwTwin.set(nhwc, nchw);
  }
}
