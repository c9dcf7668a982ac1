// Face detection with blazeface: whole image plus overlapping tiles (small faces), merged by NMS, in image pixels.
import ort from 'onnxruntime-node';
import type { Box, Region, RgbImage } from '../domain/frame.js';
import { blazeAnchors, decodeBlazeface } from './decoders/blazeface.js';
import {
  type InputSpec,
  inputSpecOf,
  placeImage,
  regionToBox,
  tensorShape,
  toInputTensor,
  unplacePoint,
} from './decoders/letterbox.js';
import { type KeypointBox, nms } from './decoders/nms.js';
import { type Point, cropImage, padImage, resizeImage } from './image.js';
import { DEFAULT_MANIFEST, ManifestError, modelFor, type ModelEntry } from './models/manifest.js';
import { ensureModel } from './models/model-cache.js';
import { type OnnxSession, loadOnnxModel } from './onnx-session.js';

/** A face in image pixels; landmarks are blazeface's six: two eyes, nose, mouth, two ear tragions. */
export interface FaceBox {
  box: Box;
  score: number;
  landmarks: Point[];
}

export interface FaceDetectorOptions {
  /** Manifest model name (task 'face-detect', decode blazeface). Default 'blazeface'. */
  model?: string;
  manifestFile?: string;
  /** ORT intra-op threads. Default 1. */
  threads?: number;
  /** Default: the manifest entry's thresholds.score (0.5). */
  scoreThreshold?: number;
  /**
   * Image pixels per model input in the finest tiles (the image is scaled by 256/tileSize and cut
   * into overlapping 256 px tiles). Default 640: a 40 px face becomes 16 px, and blazeface found
   * clean faces down to 10-12 px at its input but missed one of six pasted 30-34 px faces in a 1080p
   * frame (all six from 40 px up). Whole-frame 1080p alone (scale 0.13) finds none under ~120 px.
   */
  tileSize?: number;
}

export interface FaceDetectOptions {
  /** Search only this part of the image (fractions); boxes still come back in image pixels. */
  roi?: Region;
  /** Also search overlapping tiles of a finer scale (small faces). Default: when the searched area is wider or taller than one tile. */
  tile?: boolean;
  /** Extra areas to search at their own resolution, e.g. the heads of person detections (image pixels). */
  regions?: Box[];
}

export interface FaceDetector {
  detect(image: RgbImage, opts?: FaceDetectOptions): Promise<FaceBox[]>;
}

/**
 * Tiles overlap by this share of the model input (64 px at 256), so every face the whole-image
 * pass is too coarse for lies wholly inside some tile.
 */
const TILE_OVERLAP = 0.25;
/** Tile detections this close (share of the tile) to an inner tile edge are cut faces; a neighbour tile holds them whole. */
const EDGE_MARGIN = 0.02;
/** Each coarser level of the pyramid is this much smaller, until the whole-image pass covers the rest. */
const LEVEL_STEP = 2.5;

export async function createFaceDetector(opts: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const name = opts.model ?? 'blazeface';
  const manifestFile = opts.manifestFile ?? DEFAULT_MANIFEST;
  const entry = modelFor(name, manifestFile, { task: 'face-detect', decodes: ['blazeface'], role: 'a face detector' });
  const output = entry.output;
  const spec = inputSpecOf(entry);
  if (spec.width !== spec.height) throw new ManifestError(`model '${name}': blazeface anchors need a square input`);
  const { path } = await ensureModel(name, { manifestFile });
  const session = await loadOnnxModel(path, {
    threads: opts.threads,
    expectInputs: [{ name: entry.input.tensor, rank: 4 }],
    expectOutputs: [...output.scores, ...output.boxes].map((n) => ({ name: n, rank: 3 })),
  });
  const ctx: Ctx = {
    entry,
    spec,
    session,
    scores: output.scores,
    boxes: output.boxes,
    anchors: blazeAnchors({ inputSize: spec.width, strides: output.strides, anchorsPerCell: output.anchorsPerCell }),
    score: opts.scoreThreshold ?? entry.thresholds.score ?? 0.5,
    iou: entry.thresholds.iou ?? 0.3,
    tileSize: opts.tileSize ?? 640,
  };
  const blank: RgbImage = { data: Buffer.alloc(32 * 32 * 3), width: 32, height: 32 };
  await search(ctx, blank, [0, 0, 32, 32], { scale: 1, dx: 0, dy: 0 }, null);
  return { detect: (image, detectOpts) => detectFaces(ctx, image, detectOpts ?? {}) };
}

interface Ctx {
  entry: ModelEntry;
  spec: InputSpec;
  session: OnnxSession;
  scores: string[];
  boxes: string[];
  anchors: Float32Array;
  score: number;
  iou: number;
  tileSize: number;
}

/** How a searched picture maps to the input image: image = picture / scale + (dx, dy). */
interface ToImage {
  scale: number;
  dx: number;
  dy: number;
}

async function detectFaces(ctx: Ctx, image: RgbImage, opts: FaceDetectOptions): Promise<FaceBox[]> {
  const area: Box = opts.roi ? regionToBox(image, opts.roi) : [0, 0, image.width, image.height];
  const [ax, ay, ax2, ay2] = area;
  if (ax2 - ax < 8 || ay2 - ay < 8) return [];
  const sub = opts.roi ? cropImage(image, area) : image;
  const found = await search(ctx, sub, [0, 0, sub.width, sub.height], { scale: 1, dx: ax, dy: ay }, null);
  const tiled = opts.tile ?? Math.max(sub.width, sub.height) > ctx.tileSize;
  if (tiled) {
    const side = ctx.spec.width;
    // Downscale once per level and cut model-sized tiles from it: one resize per level, not per tile.
    for (const scale of pyramid(sub, side / ctx.tileSize, side)) {
      const level = await resizeImage(sub, Math.round(sub.width * scale), Math.round(sub.height * scale), 'linear');
      const whole: Box = [0, 0, level.width, level.height];
      for (const t of tiles(whole, side))
        found.push(...(await search(ctx, level, t, { scale: level.width / sub.width, dx: ax, dy: ay }, whole)));
    }
  }
  for (const r of opts.regions ?? [])
    found.push(...(await search(ctx, image, squareAround(r, area), { scale: 1, dx: 0, dy: 0 }, null)));
  if (found.length === 0 && !tiled) {
    // A face filling the picture (a close crop, an enrolment photo) scores low without margins
    // around it: leonard5 of the faceapi set 0.45 as is, 0.82 inside a margin of its edge pixels.
    // Shrunk first, so the margin is cheap to add.
    const side = ctx.spec.width;
    const k = Math.min(1, (side * 2) / 3 / Math.max(sub.width, sub.height));
    const small = await resizeImage(
      sub,
      Math.max(1, Math.round(sub.width * k)),
      Math.max(1, Math.round(sub.height * k)),
      'linear',
    );
    const [px, py] = [Math.round((side - small.width) / 2), Math.round((side - small.height) / 2)];
    const padded = padImage(small, px, py);
    const scale = small.width / sub.width;
    const to = { scale, dx: ax - px / scale, dy: ay - py / scale };
    found.push(...(await search(ctx, padded, [0, 0, padded.width, padded.height], to, null)));
  }
  // Across passes a face is found at several scales; keep the most confident sighting.
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return nms(found, ctx.iou).map((f) => ({
    ...f,
    box: [
      clip(f.box[0], image.width),
      clip(f.box[1], image.height),
      clip(f.box[2], image.width),
      clip(f.box[3], image.height),
    ],
  }));
}

/** Scales finer than the whole-image pass, from `finest` down, while the picture still spans more than 1.5 inputs. */
function pyramid(image: RgbImage, finest: number, side: number): number[] {
  const scales: number[] = [];
  for (let s = Math.min(1, finest); Math.max(image.width, image.height) * s > 1.5 * side; s /= LEVEL_STEP)
    scales.push(s);
  return scales;
}

/** Overlapping square tiles covering the area, evenly spread so none hangs past the edge. */
export function tiles(area: Box, size: number): Box[] {
  const [x1, y1, x2, y2] = area;
  const axis = (from: number, to: number): [number, number][] => {
    const length = to - from;
    if (length <= size) return [[from, to]];
    const n = Math.ceil((length - size * TILE_OVERLAP) / (size * (1 - TILE_OVERLAP)));
    const step = (length - size) / (n - 1);
    return Array.from({ length: n }, (_, i): [number, number] => [
      Math.round(from + i * step),
      Math.round(from + i * step) + size,
    ]);
  };
  return axis(y1, y2).flatMap(([ty1, ty2]) => axis(x1, x2).map(([tx1, tx2]): Box => [tx1, ty1, tx2, ty2]));
}

/** A square around a box, clamped to the area (blazeface letterboxes anyway; a square wastes no input). */
function squareAround(b: Box, area: Box): Box {
  const side = Math.max(b[2] - b[0], b[3] - b[1]);
  const cx = (b[0] + b[2]) / 2;
  const cy = (b[1] + b[3]) / 2;
  return [
    Math.max(area[0], cx - side / 2),
    Math.max(area[1], cy - side / 2),
    Math.min(area[2], cx + side / 2),
    Math.min(area[3], cy + side / 2),
  ];
}

/**
 * Runs blazeface on one box of a picture and maps faces to the input image. With `within` set
 * (tiling), faces touching an edge of the box that is not an edge of `within` are dropped: they
 * are cut, and the overlap puts them whole into the neighbouring tile.
 */
async function search(ctx: Ctx, picture: RgbImage, box: Box, to: ToImage, within: Box | null): Promise<FaceBox[]> {
  const sub = cropImage(picture, box);
  if (sub.width < 8 || sub.height < 8) return [];
  const [ox, oy] = [Math.max(0, Math.floor(box[0])), Math.max(0, Math.floor(box[1]))];
  const { image: placed, placement } = await placeImage(sub, ctx.spec);
  const input = new ort.Tensor('float32', toInputTensor(placed, ctx.spec), tensorShape(ctx.spec));
  const out = await ctx.session.run({ [ctx.entry.input.tensor]: input }, [...ctx.scores, ...ctx.boxes]);
  const heads = (names: string[]) => names.map((n) => out[n].data as Float32Array);
  let raw = decodeBlazeface(heads(ctx.scores), heads(ctx.boxes), ctx.anchors, {
    scoreThreshold: ctx.score,
    iouThreshold: ctx.iou,
  });
  if (within) {
    const m = EDGE_MARGIN * ctx.spec.width;
    const [ex1, ey1] = unplacePoint([m, m], placement);
    const [ex2, ey2] = unplacePoint([ctx.spec.width - m, ctx.spec.height - m], placement);
    const inner = [ox > within[0], oy > within[1], ox + sub.width < within[2], oy + sub.height < within[3]];
    raw = raw.filter(({ box: b }) => {
      const [bx1, by1] = unplacePoint([b[0], b[1]], placement);
      const [bx2, by2] = unplacePoint([b[2], b[3]], placement);
      return (
        !(inner[0] && bx1 < ex1) && !(inner[1] && by1 < ey1) && !(inner[2] && bx2 > ex2) && !(inner[3] && by2 > ey2)
      );
    });
  }
  const toImage = (p: Point): Point => {
    const [x, y] = unplacePoint(p, placement);
    return [(x + ox) / to.scale + to.dx, (y + oy) / to.scale + to.dy];
  };
  return raw.map((f: KeypointBox): FaceBox => ({
    box: [...toImage([f.box[0], f.box[1]]), ...toImage([f.box[2], f.box[3]])],
    score: f.score,
    landmarks: f.landmarks.map(toImage),
  }));
}
