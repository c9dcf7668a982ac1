// ONNX graph (IR 8, opset 13) of @vladmandic/face-api's 68-point face landmark net (full or tiny), built from its named weights.
//
// The architecture is face-api's `FaceLandmark68Net` (FaceFeatureExtractor: four dense blocks of four
// convs, the first conv plain and the rest depthwise-separable, each block halving the side, then a 7x7
// average pool and a fully connected layer to 136) or `FaceLandmark68TinyNet` (three blocks of three
// convs, 14x14 pool). TF's 'same' padding at stride 2 puts the odd pixel at the end: explicit pads here.
//
// Input `input`: float32 RGB 0..255, [N,112,112,3] NHWC. face-api pads a crop to a centred square and
// resizes it with TFJS's legacy bilinear (faceApiNetInput(image, 112) reproduces that); a square crop
// already 112 px needs neither. The graph subtracts face-api's mean RGB and divides by 255.
// Output `landmarks`: [N,136], x and y of 68 points interleaved, as fractions of the input square's side.
import { ConversionError } from './errors.js';
import {
  defaultFaceApiModelDir,
  faceApiManifestPath,
  FACEAPI_LANDMARKS_MODEL,
  FACEAPI_LANDMARKS_TINY_MODEL,
  loadFaceApiWeights,
  type FaceApiWeights,
} from './faceapi-weights.js';
import { DType, GraphBuilder } from './onnx-builder.js';

/** Bumped whenever the built graph changes, so cached builds are rebuilt. */
export const FACEAPI_LANDMARKS_BUILDER_VERSION = 'faceapi-landmarks-1';

export const FACEAPI_LANDMARKS = {
  input: 'input',
  output: 'landmarks',
  size: 112,
  points: 68,
  meanRgb: [122.782, 117.001, 104.298],
} as const;

export type LandmarkVariant = 'full' | 'tiny';

/** Per variant: face-api's weights file, the channels of each dense block, and convs per block. */
const VARIANTS: Record<LandmarkVariant, { net: string; channels: number[]; convsPerBlock: number }> = {
  full: { net: FACEAPI_LANDMARKS_MODEL, channels: [32, 64, 128, 256], convsPerBlock: 4 },
  tiny: { net: FACEAPI_LANDMARKS_TINY_MODEL, channels: [32, 64, 128], convsPerBlock: 3 },
};

/** The variant whose weights a face-api net name (`face_landmark_68_model`, ...) holds, or null. */
export function landmarkVariantOf(net: string): LandmarkVariant | null {
  const found = Object.entries(VARIANTS).find(([, v]) => v.net === net);
  return found ? (found[0] as LandmarkVariant) : null;
}

interface Flow {
  name: string;
  channels: number;
  side: number;
}

/**
 * Builds the ONNX model from face-api's landmark weights in `weightsDir` (default: the installed
 * package's model/ folder). Throws ConversionError naming any missing, misshapen or unused weight.
 */
export async function buildFaceApiLandmarksOnnx(
  weightsDir?: string,
  variant: LandmarkVariant = 'full',
): Promise<Uint8Array> {
  const dir = weightsDir ?? defaultFaceApiModelDir();
  const spec = VARIANTS[variant];
  const w = await loadFaceApiWeights(dir, spec.net, 'face landmark net');
  const g = new GraphBuilder();
  const { input, output, size, points, meanRgb } = FACEAPI_LANDMARKS;

  g.inputs.push({ name: input, dtype: DType.float, dims: [null, size, size, 3] });
  let x = g.add('Transpose', [input], ['input_nchw'], { perm: { ints: [0, 3, 1, 2] } });
  x = g.add('Sub', [x, g.float('mean_rgb', [...meanRgb], [1, 3, 1, 1])], ['centred']);
  x = g.add('Div', [x, g.float('pixel_range', [255], [])], ['normalised']);

  let flow: Flow = { name: x, channels: 3, side: size };
  spec.channels.forEach((channels, i) => {
    flow = denseBlock(g, w, `dense${i}`, flow, channels, spec.convsPerBlock, i === 0);
  });

  // face-api's average pool covers the whole map (7x7 full, 14x14 tiny) and leaves one value per channel.
  const pooled = g.add('ReduceMean', [flow.name], ['pooled'], { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  const fc = g.float(
    'fc/weights',
    [...w.tensor('fc/weights', [flow.channels, 2 * points])],
    [flow.channels, 2 * points],
  );
  const bias = g.float('fc/bias', [...w.tensor('fc/bias', [2 * points])], [2 * points]);
  g.add('Add', [g.add('MatMul', [pooled, fc], ['fc']), bias], [output]);
  g.outputs.push({ name: output, dtype: DType.float, dims: [null, 2 * points] });
  w.assertAllUsed();

  return g.encode({
    name: 'vigil-faceapi-landmarks',
    version: FACEAPI_LANDMARKS_BUILDER_VERSION,
    docString: `face-api FaceLandmark68${variant === 'tiny' ? 'Tiny' : ''}Net from ${faceApiManifestPath(dir, spec.net)}; input RGB 0..255 nhwc, 112x112`,
  });
}

/**
 * face-api's dense block: out1 = relu(conv0(x)) at stride 2, then each further conv reads the relu of
 * the sum of all outputs so far (out1 + ... + out_k), and the block returns the relu of the whole sum.
 */
function denseBlock(
  g: GraphBuilder,
  w: FaceApiWeights,
  prefix: string,
  x: Flow,
  out: number,
  convs: number,
  first: boolean,
): Flow {
  const out1 = first ? plainConv(g, w, `${prefix}/conv0`, x, out) : separableConv(g, w, `${prefix}/conv0`, x, out, 2);
  const outs = [{ ...out1, name: g.add('Relu', [out1.name], [`${prefix}/conv0/relu`]) }];
  let sum = outs[0].name;
  for (let k = 1; k < convs; k++) {
    const from = k === 1 ? outs[0] : { ...outs[0], name: g.add('Relu', [sum], [`${prefix}/in${k}`]) };
    outs.push(separableConv(g, w, `${prefix}/conv${k}`, from, out, 1));
    sum = g.add('Add', [sum, outs[k].name], [`${prefix}/sum${k}`]);
  }
  return { name: g.add('Relu', [sum], [`${prefix}/out`]), channels: out, side: outs[0].side };
}

/** TF 'same' padding: begin and end pads, the odd pixel at the end. */
function samePads(side: number, kernel: number, stride: number): { begin: number; end: number; side: number } {
  const outSide = Math.ceil(side / stride);
  const total = Math.max((outSide - 1) * stride + kernel - side, 0);
  const begin = Math.floor(total / 2);
  return { begin, end: total - begin, side: outSide };
}

/** HWIO (TF) to OIHW (ONNX). */
function toOihw(hwio: Float32Array, k: number, inC: number, outC: number): Float32Array {
  const oihw = new Float32Array(hwio.length);
  for (let h = 0; h < k; h++)
    for (let v = 0; v < k; v++)
      for (let i = 0; i < inC; i++)
        for (let o = 0; o < outC; o++) oihw[((o * inC + i) * k + h) * k + v] = hwio[((h * k + v) * inC + i) * outC + o];
  return oihw;
}

function conv(
  g: GraphBuilder,
  prefix: string,
  x: string,
  weights: { data: Float32Array; dims: number[] },
  bias: Float32Array | null,
  opts: { stride: number; pads: { begin: number; end: number }; group?: number },
): string {
  const filters = g.initializer({ name: `${prefix}/filters`, dtype: DType.float, ...weights });
  const inputs = [x, filters];
  if (bias) inputs.push(g.float(`${prefix}/bias`, [...bias]));
  const { begin, end } = opts.pads;
  return g.add('Conv', inputs, [`${prefix}/conv`], {
    kernel_shape: { ints: [weights.dims[2], weights.dims[3]] },
    strides: { ints: [opts.stride, opts.stride] },
    pads: { ints: [begin, begin, end, end] },
    group: { i: opts.group ?? 1 },
  });
}

/** face-api's first conv: 3x3 at stride 2, 'same', plus bias. */
function plainConv(g: GraphBuilder, w: FaceApiWeights, prefix: string, x: Flow, out: number): Flow {
  const hwio = w.tensor(`${prefix}/filters`, [3, 3, x.channels, out]);
  const bias = w.tensor(`${prefix}/bias`, [out]);
  const pads = samePads(x.side, 3, 2);
  const data = toOihw(hwio, 3, x.channels, out);
  const name = conv(g, prefix, x.name, { data, dims: [out, x.channels, 3, 3] }, bias, { stride: 2, pads });
  return { name, channels: out, side: pads.side };
}

/** TF separableConv2d ('same') + bias: a 3x3 depthwise conv (one filter per channel) then a 1x1 pointwise conv. */
function separableConv(g: GraphBuilder, w: FaceApiWeights, prefix: string, x: Flow, out: number, stride: number): Flow {
  const c = x.channels;
  const depthwise = w.tensor(`${prefix}/depthwise_filter`, [3, 3, c, 1]);
  const pointwise = w.tensor(`${prefix}/pointwise_filter`, [1, 1, c, out]);
  const bias = w.tensor(`${prefix}/bias`, [out]);
  const pads = samePads(x.side, 3, stride);
  if (pads.side < 1) throw new ConversionError(`${prefix}: input side ${x.side} is too small`);
  const dw = conv(g, `${prefix}/depthwise`, x.name, { data: toOihw(depthwise, 3, c, 1), dims: [c, 1, 3, 3] }, null, {
    stride,
    pads,
    group: c,
  });
  const pw = conv(g, `${prefix}/pointwise`, dw, { data: toOihw(pointwise, 1, c, out), dims: [out, c, 1, 1] }, bias, {
    stride: 1,
    pads: { begin: 0, end: 0 },
  });
  return { name: pw, channels: out, side: pads.side };
}

/**
 * The 68 points in the pixels of a `width` x `height` crop, from one row of the graph's output, as
 * face-api's postProcess places them: the crop was padded to a centred square before the net saw it.
 */
export function faceApiLandmarkPoints(row: ArrayLike<number>, width: number, height: number): [number, number][] {
  const side = Math.max(width, height);
  const padX = width < height ? (height - width) / 2 : 0;
  const padY = height < width ? (width - height) / 2 : 0;
  return Array.from({ length: FACEAPI_LANDMARKS.points }, (_, i): [number, number] => [
    row[2 * i] * side - padX,
    row[2 * i + 1] * side - padY,
  ]);
}
