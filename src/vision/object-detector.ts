// Object detection with any manifest model of task 'objects' (centernet or YOLO decode): letterbox, run, decode, filter.
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import type { Box, Region, RgbImage } from '../domain/frame.js';
import { decodeCenternet } from './decoders/centernet.js';
import {
  type InputSpec,
  inputSpecOf,
  placeImage,
  regionToBox,
  shiftBox,
  tensorShape,
  toInputTensor,
} from './decoders/letterbox.js';
import type { ClassedBox } from './decoders/nms.js';
import { type YoloLayout, decodeYolo } from './decoders/yolo.js';
import { cropImage } from './image.js';
import { DEFAULT_MANIFEST, ManifestError, modelFor, type ModelEntry, resolveSource } from './models/manifest.js';
import { ensureModel } from './models/model-cache.js';
import { type OnnxSession, loadOnnxModel } from './onnx-session.js';

export interface Detection {
  label: string;
  score: number;
  /** In the input image's pixels (not the ROI's, not the model's). */
  box: Box;
}

/** What a patrol pipeline cares about by default: people and road vehicles. */
export const DEFAULT_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;

export interface ObjectDetectorOptions {
  /** Manifest model name (task 'objects', decode centernet or yolo). Default 'centernet'. */
  model?: string;
  /** Manifest file. Default models/manifest.yaml. */
  manifestFile?: string;
  /** ORT intra-op threads. Default 1 (one core per camera pipeline, FACTS "Video"). */
  threads?: number;
  /**
   * Labels to report. Default DEFAULT_CLASSES, or every label when the model knows none of them
   * (a custom model with its own classes needs no extra option).
   */
  classes?: string[];
  /** Boxes narrower or shorter than this many image pixels are dropped. Default 0. */
  minSize?: number;
}

export interface DetectOptions {
  /** Search only this part of the image (fractions); boxes still come back in image pixels. */
  roi?: Region;
  /** Default: the manifest entry's thresholds.score (centernet 0.25), else 0.25. */
  scoreThreshold?: number;
}

export interface ObjectDetector {
  /** The manifest entry's name. */
  readonly model: string;
  /** Every label the model knows, by class index. */
  readonly labels: readonly string[];
  /** Detections best first. */
  detect(image: RgbImage, opts?: DetectOptions): Promise<Detection[]>;
}

const DEFAULT_SCORE = 0.25;
const DEFAULT_IOU = 0.5;

export async function createObjectDetector(opts: ObjectDetectorOptions = {}): Promise<ObjectDetector> {
  const name = opts.model ?? 'centernet';
  const manifestFile = opts.manifestFile ?? DEFAULT_MANIFEST;
  const entry = modelFor(name, manifestFile, {
    task: 'objects',
    decodes: ['centernet', 'yolo'],
    role: 'an object detector',
  });
  const output = entry.output;
  const outputName = output.decode === 'centernet' ? output.detections : output.output;
  const spec = inputSpecOf(entry);
  const labels = readLabels(entry, manifestFile);
  const { path } = await ensureModel(name, { manifestFile });
  const session = await loadOnnxModel(path, {
    threads: opts.threads,
    expectInputs: [
      {
        name: entry.input.tensor,
        rank: 4,
        dims:
          spec.layout === 'nhwc' ? { 1: spec.height, 2: spec.width, 3: 3 } : { 1: 3, 2: spec.height, 3: spec.width },
      },
    ],
    expectOutputs: [{ name: outputName, rank: 3, dims: output.decode === 'centernet' ? { 2: 6 } : {} }],
  });
  const ctx: DetectorContext = {
    entry,
    spec,
    session,
    labels,
    outputName,
    keep: keptClasses(labels, opts.classes, name),
    minSize: opts.minSize ?? 0,
    score: entry.thresholds.score ?? DEFAULT_SCORE,
    iou: entry.thresholds.iou ?? DEFAULT_IOU,
    yoloLayout: layoutOption(output),
  };
  // The first run allocates ORT's buffers; doing it here keeps that out of the first frame.
  await detectIn(ctx, { data: Buffer.alloc(64 * 64 * 3, 114), width: 64, height: 64 }, {});
  return { model: name, labels, detect: (image, detectOpts) => detectIn(ctx, image, detectOpts ?? {}) };
}

interface DetectorContext {
  entry: ModelEntry;
  spec: InputSpec;
  session: OnnxSession;
  labels: string[];
  outputName: string;
  keep: Set<number>;
  minSize: number;
  score: number;
  iou: number;
  /** From the entry's `output.layout` when the manifest schema carries one; otherwise read off the output shape. */
  yoloLayout?: YoloLayout;
}

/** An explicit v5/v8 choice in the entry, for exports whose shape alone is ambiguous. */
function layoutOption(output: ModelEntry['output']): YoloLayout | undefined {
  const layout = (output as { layout?: unknown }).layout;
  return layout === 'v5' || layout === 'v8' ? layout : undefined;
}

function readLabels(entry: ModelEntry, manifestFile: string): string[] {
  if (!entry.labels)
    throw new ManifestError(`model '${entry.name}' has no labels: an object detector needs one label per class`);
  if (Array.isArray(entry.labels)) return entry.labels;
  return readFileSync(resolveSource(entry.labels, manifestFile), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

function keptClasses(labels: string[], wanted: string[] | undefined, model: string): Set<number> {
  if (wanted) {
    const unknown = wanted.filter((c) => !labels.includes(c));
    if (unknown.length)
      throw new ManifestError(
        `model '${model}' has no class ${unknown.map((c) => `'${c}'`).join(', ')} (it knows: ${labels.join(', ')})`,
      );
    return new Set(wanted.map((c) => labels.indexOf(c)));
  }
  const defaults = labels.flatMap((l, i) => ((DEFAULT_CLASSES as readonly string[]).includes(l) ? [i] : []));
  return new Set(defaults.length ? defaults : labels.map((_, i) => i));
}

async function detectIn(ctx: DetectorContext, image: RgbImage, opts: DetectOptions): Promise<Detection[]> {
  const region: Box = opts.roi ? regionToBox(image, opts.roi) : [0, 0, image.width, image.height];
  if (region[2] - region[0] < 2 || region[3] - region[1] < 2) return [];
  const sub = opts.roi ? cropImage(image, region) : image;
  const { image: placed, placement } = await placeImage(sub, ctx.spec);
  const input = new ort.Tensor('float32', toInputTensor(placed, ctx.spec), tensorShape(ctx.spec));
  const out = (await ctx.session.run({ [ctx.entry.input.tensor]: input }, [ctx.outputName]))[ctx.outputName];
  const data = out.data as Float32Array;
  const common = {
    scoreThreshold: opts.scoreThreshold ?? ctx.score,
    iouThreshold: ctx.iou,
    placement,
    imageSize: { width: sub.width, height: sub.height },
    keep: ctx.keep,
  };
  const found: ClassedBox[] =
    ctx.entry.output.decode === 'centernet'
      ? decodeCenternet(data, common)
      : decodeYolo(data, out.dims, {
          ...common,
          classes: ctx.labels.length,
          inputSize: ctx.spec,
          layout: ctx.yoloLayout,
        });
  return found
    .map((d) => ({
      label: ctx.labels[d.classIndex] ?? `class ${d.classIndex}`,
      score: d.score,
      box: shiftBox(d.box, region[0], region[1]),
    }))
    .filter((d) => d.box[2] - d.box[0] >= ctx.minSize && d.box[3] - d.box[1] >= ctx.minSize);
}
