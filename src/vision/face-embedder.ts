// Face crops aligned on the eyes, faceres embeddings (L2-normalised), a 0..1 quality score, and the face analyzer.
import ort from 'onnxruntime-node';
import type { Box, Region, RgbImage } from '../domain/frame.js';
import { decodeEmbeddings } from './decoders/embedding.js';
import { type InputSpec, inputSpecOf, tensorShape, toInputTensor } from './decoders/letterbox.js';
import { type FaceBox, type FaceDetectorOptions, createFaceDetector } from './face-detector.js';
import { boundsOf } from './geometry.js';
import { type Point, cropImage, resizeImage, warpQuad } from './image.js';
import { DEFAULT_MANIFEST, modelFor } from './models/manifest.js';
import { ensureModel } from './models/model-cache.js';
import { type OnnxSession, loadOnnxModel } from './onnx-session.js';

export interface Face {
  box: Box;
  score: number;
  landmarks: [number, number][];
  /** 0..1: geometric mean of size, sharpness and frontal pose; see faceQuality. */
  quality: number;
  /** Unit length; compare with a dot product (cosine). */
  embedding: Float32Array;
}

export interface FaceEmbedderOptions {
  /** Manifest model name (task 'face-embed', decode embedding). Default 'faceres'. */
  model?: string;
  manifestFile?: string;
  threads?: number;
}

export interface EmbeddedFace {
  embedding: Float32Array;
  quality: number;
  /** The aligned crop the embedder saw (model input size). */
  crop: RgbImage;
}

export interface FaceEmbedder {
  /** One result per face, in order. */
  embed(image: RgbImage, faces: readonly FaceBox[]): Promise<EmbeddedFace[]>;
}

/**
 * The crop is the detector box enlarged 1.4 times and made square, as Human cuts the faceres
 * input from blazeface boxes (the 97.05% verification figure in FACTS was measured that way).
 */
const CROP_SCALE = 1.4;

export async function createFaceEmbedder(opts: FaceEmbedderOptions = {}): Promise<FaceEmbedder> {
  const name = opts.model ?? 'faceres';
  const manifestFile = opts.manifestFile ?? DEFAULT_MANIFEST;
  const entry = modelFor(name, manifestFile, { task: 'face-embed', decodes: ['embedding'], role: 'a face embedder' });
  const output = entry.output;
  const spec = inputSpecOf(entry);
  const { path } = await ensureModel(name, { manifestFile });
  const session = await loadOnnxModel(path, {
    threads: opts.threads,
    expectInputs: [{ name: entry.input.tensor, rank: 4 }],
    expectOutputs: [{ name: output.embedding, rank: 2, dims: { 1: output.dims } }],
  });
  const ctx: EmbedCtx = { session, spec, input: entry.input.tensor, output: output.embedding, dims: output.dims };
  await runEmbedder(ctx, [
    { data: Buffer.alloc(spec.width * spec.height * 3, 128), width: spec.width, height: spec.height },
  ]);
  return {
    async embed(image, faces) {
      const crops = await Promise.all(faces.map((f) => alignedCrop(image, f, spec.width, spec.height)));
      const embeddings = crops.length ? await runEmbedder(ctx, crops) : [];
      return faces.map((f, i) => ({ embedding: embeddings[i], quality: faceQuality(f, crops[i]), crop: crops[i] }));
    },
  };
}

interface EmbedCtx {
  session: OnnxSession;
  spec: InputSpec;
  input: string;
  output: string;
  dims: number;
}

/**
 * One run per crop. Batching saved nothing here (5 faces: 71 ms batched, 14 ms each alone), and
 * every new batch size makes ORT plan its memory again (230+ ms the first two times).
 */
async function runEmbedder(ctx: EmbedCtx, crops: RgbImage[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const crop of crops) {
    const input = new ort.Tensor('float32', toInputTensor(crop, ctx.spec), tensorShape(ctx.spec));
    const result = (await ctx.session.run({ [ctx.input]: input }, [ctx.output]))[ctx.output];
    out.push(...decodeEmbeddings(result.data as Float32Array, ctx.dims, 1));
  }
  return out;
}

/** Angle of the line through the eyes (blazeface landmarks 0 and 1), left-to-right in the image. */
export function eyeAngle(landmarks: readonly Point[]): number {
  const [a, b] = landmarks[0][0] <= landmarks[1][0] ? [landmarks[0], landmarks[1]] : [landmarks[1], landmarks[0]];
  return Math.atan2(b[1] - a[1], b[0] - a[0]);
}

/**
 * The face square rotated so the eyes are level, warped to width x height. Faces much larger
 * than the output are shrunk first: bilinear warping from far larger images aliases.
 */
export async function alignedCrop(image: RgbImage, face: FaceBox, width: number, height: number): Promise<RgbImage> {
  const [x1, y1, x2, y2] = face.box;
  const half = (CROP_SCALE * Math.max(x2 - x1, y2 - y1)) / 2;
  const angle = face.landmarks.length >= 2 ? eyeAngle(face.landmarks) : 0;
  const [ux, uy] = [Math.cos(angle) * half, Math.sin(angle) * half];
  const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
  // TL, TR, BR, BL of the square whose top edge runs parallel to the eye line.
  let quad: Point[] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ].map(([u, v]): Point => [cx + u * ux - v * uy, cy + u * uy + v * ux]);
  let source = image;
  const shrink = Math.max(width, height) / (2 * half);
  if (shrink < 0.7) {
    const b = boundsOf(quad);
    const region = cropImage(image, [Math.floor(b[0]), Math.floor(b[1]), Math.ceil(b[2]), Math.ceil(b[3])]);
    if (region.width > 1 && region.height > 1) {
      const [ox, oy] = [Math.max(0, Math.floor(b[0])), Math.max(0, Math.floor(b[1]))];
      source = await resizeImage(
        region,
        Math.max(1, Math.round(region.width * shrink)),
        Math.max(1, Math.round(region.height * shrink)),
        'linear',
      );
      const [sx, sy] = [source.width / region.width, source.height / region.height];
      quad = quad.map(([x, y]): Point => [(x - ox) * sx, (y - oy) * sy]);
    }
  }
  return warpQuad(source, quad, width, height);
}

/** Below this face width (pixels) an embedding is close to noise; at GOOD_FACE and above size stops mattering. */
const MIN_FACE = 20;
const GOOD_FACE = 100;
/** Variance of the Laplacian at which sharpness scores 0.5 (grey, 112 px crop of the face's centre). */
const SHARPNESS_HALF = 60;

/**
 * Quality in 0..1, the geometric mean of three parts, so one bad part pulls it down hard:
 * size (face width between MIN_FACE and GOOD_FACE), sharpness (variance of the Laplacian of the
 * grey aligned crop, v / (v + SHARPNESS_HALF)), and pose (1 for a frontal face: the nose midway
 * between the eyes and between the ears, falling to 0 towards a profile).
 */
export function faceQuality(face: FaceBox, crop: RgbImage): number {
  const width = face.box[2] - face.box[0];
  const size = Math.min(1, Math.max(0, (width - MIN_FACE) / (GOOD_FACE - MIN_FACE)));
  const v = laplacianVariance(crop);
  const sharp = v / (v + SHARPNESS_HALF);
  const pose = poseScore(face.landmarks);
  return Math.cbrt(size * sharp * pose);
}

/** 1 - yaw asymmetry: how far the nose sits from the middle of the eyes and of the ears, along the eye line. */
export function poseScore(landmarks: readonly Point[]): number {
  if (landmarks.length < 6) return 1;
  const angle = eyeAngle(landmarks);
  const along = ([x, y]: Point) => x * Math.cos(angle) + y * Math.sin(angle);
  const nose = along(landmarks[2]);
  const asym = (a: Point, b: Point) => {
    const [da, db] = [Math.abs(nose - along(a)), Math.abs(nose - along(b))];
    return da + db > 0 ? Math.abs(da - db) / (da + db) : 1;
  };
  // Eyes are the steadier landmarks; ear tragions vanish behind the head first, so weigh them less.
  const yaw = 0.65 * asym(landmarks[0], landmarks[1]) + 0.35 * asym(landmarks[4], landmarks[5]);
  // Quadratic: a slight turn (asymmetry 0.4 at about 25 degrees) costs little, a profile (0.8+) everything.
  return Math.max(0, 1 - (yaw / 0.8) ** 2);
}

/** Variance of the 4-neighbour Laplacian over the central half of a grey 112 px version of the crop. */
export function laplacianVariance(crop: RgbImage): number {
  const n = 112;
  const grey = new Float32Array(n * n);
  // Nearest sampling of the crop at 112 px: the crop is already smooth from its own resampling.
  for (let y = 0; y < n; y++) {
    const sy = Math.min(crop.height - 1, Math.floor(((y + 0.5) * crop.height) / n));
    for (let x = 0; x < n; x++) {
      const sx = Math.min(crop.width - 1, Math.floor(((x + 0.5) * crop.width) / n));
      const o = (sy * crop.width + sx) * 3;
      grey[y * n + x] = 0.299 * crop.data[o] + 0.587 * crop.data[o + 1] + 0.114 * crop.data[o + 2];
    }
  }
  // The centre holds the face; the crop's margins are hair and background, sharp or not.
  const [from, to] = [Math.round(n / 4), Math.round((3 * n) / 4)];
  let sum = 0,
    sumSq = 0,
    count = 0;
  for (let y = from; y < to; y++) {
    for (let x = from; x < to; x++) {
      const i = y * n + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - n] + grey[i + n] - 4 * grey[i];
      sum += lap;
      sumSq += lap * lap;
      count++;
    }
  }
  const mean = sum / count;
  return sumSq / count - mean * mean;
}

export interface FaceAnalyzerOptions {
  detector?: FaceDetectorOptions;
  embedder?: FaceEmbedderOptions;
}

export interface FaceAnalyzer {
  faces(image: RgbImage, opts?: { roi?: Region; tile?: boolean; regions?: Box[] }): Promise<Face[]>;
}

/** Detection (whole image and tiles) then an aligned embedding and a quality score per face. */
export async function createFaceAnalyzer(opts: FaceAnalyzerOptions = {}): Promise<FaceAnalyzer> {
  const detector = await createFaceDetector(opts.detector);
  const embedder = await createFaceEmbedder(opts.embedder);
  return {
    async faces(image, faceOpts) {
      const found = await detector.detect(image, faceOpts);
      const embedded = await embedder.embed(image, found);
      return found.map((f, i) => ({
        box: f.box,
        score: f.score,
        landmarks: f.landmarks.map(([x, y]): [number, number] => [x, y]),
        quality: embedded[i].quality,
        embedding: embedded[i].embedding,
      }));
    },
  };
}
