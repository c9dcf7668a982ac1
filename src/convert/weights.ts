// Decodes a TFJS weights manifest (float32/int32/bool, float16- and uint8/uint16-quantised) into named typed arrays.
import { ConversionError } from './errors.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** A constant tensor in TensorFlow's own layout and type. */
export interface ConstTensor {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * `buffer` is every group's files concatenated in manifest order, which is how TFJS itself lays
 * the weights out: offsets run on across group boundaries.
 */
export function decodeWeights(groups: WeightGroup[], buffer: Uint8Array): Map<string, ConstTensor> {
  const out = new Map<string, ConstTensor>();
  let offset = 0;
  for (const spec of groups.flatMap((g) => g.weights)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const bytesPer = q ? QUANT_BYTES[q.dtype] : DTYPE_BYTES[spec.dtype];
    if (!bytesPer)
      throw new ConversionError(`weight '${spec.name}': unsupported dtype ${q ? `quantised ${q.dtype}` : spec.dtype}`);
    const byteLength = size * bytesPer;
    if (offset + byteLength > buffer.byteLength) {
      throw new ConversionError(
        `weight '${spec.name}' runs past the end of the weight files (${buffer.byteLength} bytes)`,
      );
    }
    // Copy into an aligned buffer: the slice's offset is arbitrary, typed-array views need alignment.
    const bytes = buffer.slice(offset, offset + byteLength);
    offset += byteLength;
    out.set(spec.name, {
      dtype: tensorDtype(spec),
      shape: spec.shape,
      data: q ? dequantise(spec, bytes, size) : plain(spec, bytes),
    });
  }
  return out;
}

function tensorDtype(spec: WeightSpec): ConstTensor['dtype'] {
  if (spec.dtype === 'float32' || spec.dtype === 'int32' || spec.dtype === 'bool') return spec.dtype;
  throw new ConversionError(`weight '${spec.name}': unsupported dtype ${spec.dtype}`);
}

function plain(spec: WeightSpec, bytes: Uint8Array): ConstTensor['data'] {
  if (spec.dtype === 'float32') return new Float32Array(bytes.buffer);
  if (spec.dtype === 'int32') return new Int32Array(bytes.buffer);
  return bytes;
}

function dequantise(spec: WeightSpec, bytes: Uint8Array, size: number): ConstTensor['data'] {
  const q = spec.quantization!;
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32')
      throw new ConversionError(`weight '${spec.name}': float16 quantisation of ${spec.dtype}`);
    return float16ToFloat32(new Uint16Array(bytes.buffer));
  }
  const codes = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer);
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  if (spec.dtype === 'float32') {
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = codes[i] * scale + min;
    return values;
  }
  if (spec.dtype === 'int32') {
    // TFJS rounds dequantised integers; truncation would turn 2.9999 into 2.
    const values = new Int32Array(size);
    for (let i = 0; i < size; i++) values[i] = Math.round(codes[i] * scale + min);
    return values;
  }
  throw new ConversionError(`weight '${spec.name}': ${q.dtype} quantisation of ${spec.dtype}`);
}

/** IEEE 754 half -> single, including subnormals, infinities and NaN. */
export function float16ToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}
