// ONNX graph (IR 8, opset 13) of @vladmandic/face-api's 128-d face recognition net, built from its named weights.
//
// The architecture is face-api's `FaceRecognitionNet.forwardInput` (a dlib-style ResNet-34 cut down to
// 29 conv layers): the weights file names tensors but holds no graph, so the graph is written out here.
//
// Input `input`: float32 RGB pixels in 0..255, [N,150,150,3] (layout 'nhwc', the default) or
// [N,3,150,150] ('nchw'). To get face-api's own descriptors, prepare the face crop as face-api does
// (faceApiRecognitionInput in faceapi-preprocess.ts): zero-pad it to a square with the image centred,
// then resize to 150x150 with TFJS's bilinear resize (align corners off, half-pixel centres off).
// The graph itself subtracts face-api's mean RGB (122.782, 117.001, 104.298) and divides by 255.
// Output `descriptor`: [N,128], not normalised; face-api compares descriptors by euclidean distance
// (0.6 is its usual same-person limit), cosine similarity works as well.
import { ConversionError } from './errors.js';
import {
  faceApiManifestPath,
  defaultFaceApiModelDir,
  loadFaceApiWeights,
  type FaceApiWeights,
} from './faceapi-weights.js';
import { DType, GraphBuilder } from './onnx-builder.js';

/** Bumped whenever the built graph changes, so cached builds are rebuilt. */
export const FACEAPI_BUILDER_VERSION = 'faceapi-recognition-1';

export const FACEAPI_RECOGNITION = {
  input: 'input',
  output: 'descriptor',
  size: 150,
  dims: 128,
  /** Subtracted from 0..255 pixels inside the graph, before dividing by 255 (face-api's `normalize`). */
  meanRgb: [122.782, 117.001, 104.298],
} as const;

export interface FaceApiOnnxOptions {
  /** Layout of the graph input (default 'nhwc', as face-api and the other manifest models take it). */
  layout?: 'nhwc' | 'nchw';
}

/** Residual stages after the stem, in face-api's order; `down` blocks halve the side and may double the channels. */
const BLOCKS: { name: string; channels: number; down: boolean }[] = [
  { name: 'conv32_1', channels: 32, down: false },
  { name: 'conv32_2', channels: 32, down: false },
  { name: 'conv32_3', channels: 32, down: false },
  { name: 'conv64_down', channels: 64, down: true },
  { name: 'conv64_1', channels: 64, down: false },
  { name: 'conv64_2', channels: 64, down: false },
  { name: 'conv64_3', channels: 64, down: false },
  { name: 'conv128_down', channels: 128, down: true },
  { name: 'conv128_1', channels: 128, down: false },
  { name: 'conv128_2', channels: 128, down: false },
  { name: 'conv256_down', channels: 256, down: true },
  { name: 'conv256_1', channels: 256, down: false },
  { name: 'conv256_2', channels: 256, down: false },
  { name: 'conv256_down_out', channels: 256, down: true },
];

/** A tensor flowing through the graph: its name, channel count and (square) side, known statically. */
interface Flow {
  name: string;
  channels: number;
  side: number;
}

/**
 * Builds the ONNX model from face-api's `face_recognition_model` weights in `weightsDir` (default: the
 * installed package's model/ folder). Throws ConversionError naming any missing, misshapen or unused weight.
 */
export async function buildFaceApiRecognitionOnnx(
  weightsDir?: string,
  options: FaceApiOnnxOptions = {},
): Promise<Uint8Array> {
  const dir = weightsDir ?? defaultFaceApiModelDir();
  const w = await loadFaceApiWeights(dir);
  const g = new GraphBuilder();
  const layout = options.layout ?? 'nhwc';
  const { input, output, size, dims, meanRgb } = FACEAPI_RECOGNITION;

  g.inputs.push({
    name: input,
    dtype: DType.float,
    dims: layout === 'nhwc' ? [null, size, size, 3] : [null, 3, size, size],
  });
  let x = layout === 'nhwc' ? g.add('Transpose', [input], ['input_nchw'], { perm: { ints: [0, 3, 1, 2] } }) : input;
  x = g.add('Sub', [x, g.float('mean_rgb', [...meanRgb], [1, 3, 1, 1])], ['centred']);
  x = g.add('Div', [x, g.float('pixel_range', [255], [])], ['normalised']);

  let flow: Flow = convLayer(g, w, 'conv32_down', { name: x, channels: 3, side: size }, 32, {
    kernel: 7,
    stride: 2,
    pad: 0,
    relu: true,
  });
  const pooledSide = Math.floor((flow.side - 3) / 2) + 1;
  flow = {
    ...flow,
    side: pooledSide,
    name: g.add('MaxPool', [flow.name], ['stem_pool'], { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] } }),
  };

  for (const block of BLOCKS)
    flow = block.down ? residualDown(g, w, block.name, flow, block.channels) : residual(g, w, block.name, flow);

  const pooled = g.add('ReduceMean', [flow.name], ['global_avg'], { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  const fc = g.float('fc', [...w.tensor('fc', [flow.channels, dims])], [flow.channels, dims]);
  g.add('MatMul', [pooled, fc], [output]);
  g.outputs.push({ name: output, dtype: DType.float, dims: [null, dims] });
  w.assertAllUsed();

  return g.encode({
    name: 'vigil-faceapi-recognition',
    version: FACEAPI_BUILDER_VERSION,
    docString: `face-api FaceRecognitionNet from ${faceApiManifestPath(dir)}; input RGB 0..255 ${layout}, 150x150`,
  });
}

interface ConvSpec {
  kernel: number;
  stride: number;
  /** Zeros on every side: 0 for face-api's 'valid' convs, 1 for its 3x3 'same' convs at stride 1. */
  pad: number;
  relu: boolean;
}

/**
 * face-api's convLayer: conv + bias, then a per-channel scale layer (x * weights + biases), then maybe relu.
 * The scale is folded into the conv here (W * s, b * s + t), which ORT would do anyway at 'basic'
 * optimisation; folding at build time keeps the graph small whatever level a session uses.
 */
function convLayer(g: GraphBuilder, w: FaceApiWeights, prefix: string, x: Flow, out: number, spec: ConvSpec): Flow {
  const k = spec.kernel;
  const hwio = w.tensor(`${prefix}/conv/filters`, [k, k, x.channels, out]);
  const bias = w.tensor(`${prefix}/conv/bias`, [out]);
  const scale = w.tensor(`${prefix}/scale/weights`, [out]);
  const shift = w.tensor(`${prefix}/scale/biases`, [out]);

  const oihw = new Float32Array(hwio.length);
  for (let h = 0; h < k; h++)
    for (let v = 0; v < k; v++)
      for (let i = 0; i < x.channels; i++)
        for (let o = 0; o < out; o++) {
          oihw[((o * x.channels + i) * k + h) * k + v] = hwio[((h * k + v) * x.channels + i) * out + o] * scale[o];
        }
  const folded = Float32Array.from(bias, (b, o) => b * scale[o] + shift[o]);

  const filters = g.initializer({
    name: `${prefix}/filters`,
    dtype: DType.float,
    dims: [out, x.channels, k, k],
    data: oihw,
  });
  const b = g.initializer({ name: `${prefix}/bias`, dtype: DType.float, dims: [out], data: folded });
  const p = spec.pad;
  let name = g.add('Conv', [x.name, filters, b], [`${prefix}/conv`], {
    kernel_shape: { ints: [k, k] },
    strides: { ints: [spec.stride, spec.stride] },
    pads: { ints: [p, p, p, p] },
  });
  if (spec.relu) name = g.add('Relu', [name], [`${prefix}/relu`]);
  const side = Math.floor((x.side + 2 * p - k) / spec.stride) + 1;
  return { name, channels: out, side };
}

/** relu(x + conv2(relu(conv1(x)))): both 3x3 'same' convs at stride 1. */
function residual(g: GraphBuilder, w: FaceApiWeights, prefix: string, x: Flow): Flow {
  const a = convLayer(g, w, `${prefix}/conv1`, x, x.channels, { kernel: 3, stride: 1, pad: 1, relu: true });
  const b = convLayer(g, w, `${prefix}/conv2`, a, x.channels, { kernel: 3, stride: 1, pad: 1, relu: false });
  const sum = g.add('Add', [b.name, x.name], [`${prefix}/add`]);
  return { ...b, name: g.add('Relu', [sum], [`${prefix}/out`]) };
}

/**
 * face-api's residualDown: the conv branch starts with a 3x3 'valid' conv at stride 2; the shortcut is a
 * 2x2 average pool. When the two sides differ (odd inputs: 8 -> 3 vs 4, 4 -> 1 vs 2) face-api appends a
 * row and a column of zeros to the conv branch; when channels double it appends zero channels to the
 * shortcut. Both are Pads here, at the end of the axis, as face-api's concat puts them.
 */
function residualDown(g: GraphBuilder, w: FaceApiWeights, prefix: string, x: Flow, out: number): Flow {
  const a = convLayer(g, w, `${prefix}/conv1`, x, out, { kernel: 3, stride: 2, pad: 0, relu: true });
  let b = convLayer(g, w, `${prefix}/conv2`, a, out, { kernel: 3, stride: 1, pad: 1, relu: false });
  const poolSide = Math.floor(x.side / 2);
  let shortcut = g.add('AveragePool', [x.name], [`${prefix}/pool`], {
    kernel_shape: { ints: [2, 2] },
    strides: { ints: [2, 2] },
  });

  const grow = poolSide - b.side;
  // face-api concatenates exactly one row and one column; any other difference would fail its add.
  if (grow !== 0 && grow !== 1)
    throw new ConversionError(`${prefix}: conv side ${b.side} cannot be padded to the pooled side ${poolSide}`);
  if (grow) {
    const pads = g.int64(`${prefix}/pad_hw`, [0, 0, 0, 0, 0, 0, 1, 1]);
    b = { ...b, side: poolSide, name: g.add('Pad', [b.name, pads], [`${prefix}/conv_padded`]) };
  }
  if (out !== x.channels) {
    // face-api pads with zeros shaped like the pooled tensor, so only doubling is possible.
    if (out !== 2 * x.channels)
      throw new ConversionError(`${prefix}: ${x.channels} -> ${out} channels is not a doubling`);
    const pads = g.int64(`${prefix}/pad_c`, [0, 0, 0, 0, 0, out - x.channels, 0, 0]);
    shortcut = g.add('Pad', [shortcut, pads], [`${prefix}/pool_padded`]);
  }
  const sum = g.add('Add', [shortcut, b.name], [`${prefix}/add`]);
  return { name: g.add('Relu', [sum], [`${prefix}/out`]), channels: out, side: poolSide };
}
