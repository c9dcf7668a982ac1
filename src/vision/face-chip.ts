// The watchlist's face analyzer: blazeface, a dlib-style face chip, face-api's 128-d net on the chip and its mirror.
//
// face-api's recognition net was trained on dlib face chips: the face levelled on the eyes and
// surrounded by a wide margin. Cut that way from blazeface boxes (side 1.5 x the box, centre 0.15 x
// the box height below the box's, eyes level, black outside the image) and averaged with the mirror
// image, it ranked the right identity first for 98% of probes on the public faceapi evaluation set (8 people, 40 photos),
// against 67% for the bare box and 86% for the embedder's default 1.4 crop (`vigil faces eval`).
//
// Measured since (bench/faces-alignment.ts, 2026-12-03): over the faceapi close crops, the same 8 people
// in the group scenes beside them and 180-odd strangers from npm photos, this box chip keeps 72% of
// same-person pairs at 1% false accepts; the square from face-api's 68 landmarks (face-api's net run on
// the blazeface box, then keypointSquare's geometry) keeps 99.5%, and blazeface's keypoints alone 85%.
// The 68-point landmark net is not yet in this path: it needs an ONNX build like faceapi-recognition's.
import ort from 'onnxruntime-node';
import type { Box, Region, RgbImage } from '../domain/frame.js';
import { decodeEmbeddings } from './decoders/embedding.js';
import { eyeAngle, faceQuality, laplacianVariance, type Face, type FaceAnalyzer } from './face-embedder.js';
import { createFaceDetector, type FaceBox } from './face-detector.js';
import { cropImage, resizeImage } from './image.js';
import { DEFAULT_MANIFEST, findModel, loadManifest, ManifestError } from './models/manifest.js';
import { ensureModel } from './models/model-cache.js';
import { loadOnnxModel, type OnnxSession } from './onnx-session.js';

/** Side of the chip relative to the blazeface box width, and where its centre sits below the box's. */
export const CHIP_SCALE = 1.5;
export const CHIP_SHIFT = 0.15;

/** A face with what enrolment checks: its width in pixels, the chip's sharpness, and the chip itself. */
export interface ChipFace extends Face {
  width: number;
  sharpness: number;
  chip: RgbImage;
}

/** A detected face with its quality, before (or without) the embedding. */
export type FaceSighting = Omit<ChipFace, 'embedding' | 'chip'>;

export interface ChipAnalyzer extends FaceAnalyzer {
  /** Manifest name of the embedder, stored with every embedding. */
  readonly model: string;
  readonly dim: number;
  /** detect() then embed() on every face. */
  faces(image: RgbImage, opts?: { roi?: Region; tile?: boolean; regions?: Box[] }): Promise<ChipFace[]>;
  /** Faces and their quality only (about 5 ms per searched region): the caller chooses which to embed. */
  detect(image: RgbImage, opts?: { roi?: Region; tile?: boolean; regions?: Box[] }): Promise<FaceSighting[]>;
  /** The chip and its embedding (two runs of the net, about 20 ms) for one detected face. */
  embed(image: RgbImage, face: FaceSighting): Promise<ChipFace>;
}

export interface ChipAnalyzerOptions {
  /** Manifest name (task face-embed with a square RGB input). Default 'faceapi-recognition'. */
  model?: string;
  manifestFile?: string;
  threads?: number;
  /** Chip side over the blazeface box width. Default CHIP_SCALE. */
  chipScale?: number;
  /** Chip centre below the box centre, in box heights. Default CHIP_SHIFT. */
  chipShift?: number;
}

export async function createChipAnalyzer(opts: ChipAnalyzerOptions = {}): Promise<ChipAnalyzer> {
  const name = opts.model ?? 'faceapi-recognition';
  const manifestFile = opts.manifestFile ?? DEFAULT_MANIFEST;
  const entry = findModel(loadManifest(manifestFile), name);
  const { input, output } = entry;
  if (
    entry.task !== 'face-embed' ||
    output.decode !== 'embedding' ||
    input.width !== input.height ||
    input.layout !== 'nhwc' ||
    input.colour !== 'rgb'
  ) {
    throw new ManifestError(`model '${name}': the face chip needs a face-embed model with a square NHWC RGB input`);
  }
  const size = input.width as number;
  const norm = input.normalise;
  const [detector, { path }] = await Promise.all([
    createFaceDetector({ manifestFile, threads: opts.threads }),
    ensureModel(name, { manifestFile }),
  ]);
  const session = await loadOnnxModel(path, {
    threads: opts.threads,
    expectInputs: [{ name: input.tensor, rank: 4 }],
    expectOutputs: [{ name: output.embedding, rank: 2, dims: { 1: output.dims } }],
  });
  const embedOne = async (chip: RgbImage, mirror: boolean): Promise<Float32Array> => {
    const data = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const from = (y * size + (mirror ? size - 1 - x : x)) * 3;
        for (let c = 0; c < 3; c++)
          data[(y * size + x) * 3 + c] = (chip.data[from + c] / norm.divide - norm.mean[c]) / norm.std[c];
      }
    }
    const result = await (session as OnnxSession).run(
      { [input.tensor]: new ort.Tensor('float32', data, [1, size, size, 3]) },
      [output.embedding],
    );
    return decodeEmbeddings(result[output.embedding].data as Float32Array, output.dims, 1)[0];
  };
  await embedOne({ data: Buffer.alloc(size * size * 3, 128), width: size, height: size }, false);
  const analyzer: ChipAnalyzer = {
    model: name,
    dim: output.dims,
    async detect(image, faceOpts) {
      return (await detector.detect(image, faceOpts)).map((f) => {
        // Sharpness from the box itself: the chip's black margins (faces at the image edge) read as edges.
        const boxCrop = cropImage(image, f.box);
        return {
          box: f.box,
          score: f.score,
          landmarks: f.landmarks.map(([x, y]): [number, number] => [x, y]),
          quality: faceQuality(f, boxCrop),
          width: f.box[2] - f.box[0],
          sharpness: laplacianVariance(boxCrop),
        };
      });
    },
    async embed(image, face) {
      const chip = await faceChip(image, face, size, { scale: opts.chipScale, shift: opts.chipShift });
      return { ...face, embedding: meanUnit([await embedOne(chip, false), await embedOne(chip, true)]), chip };
    },
    async faces(image, faceOpts) {
      const out: ChipFace[] = [];
      for (const f of await analyzer.detect(image, faceOpts)) out.push(await analyzer.embed(image, f));
      return out;
    },
  };
  return analyzer;
}

/** The unit-length mean of unit vectors. */
export function meanUnit(vectors: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  const out = new Float32Array(vectors[0].length);
  vectors.forEach((v, k) => {
    const w = weights?.[k] ?? 1;
    for (let i = 0; i < out.length; i++) out[i] += w * v[i];
  });
  const norm = Math.hypot(...out) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/** A square in image pixels, rotated by `angle` (radians, the eye line's slope): what a chip is cut from. */
export interface ChipSquare {
  cx: number;
  cy: number;
  side: number;
  angle: number;
}

/**
 * The chip square from the box: centred CHIP_SHIFT box heights below the box centre along the
 * face's own vertical (eye line levelled), side CHIP_SCALE box widths.
 */
export function boxSquare(face: FaceBox, geometry: { scale?: number; shift?: number } = {}): ChipSquare {
  const [x1, y1, x2, y2] = face.box;
  const angle = face.landmarks.length >= 2 ? eyeAngle(face.landmarks) : 0;
  const shift = geometry.shift ?? CHIP_SHIFT;
  return {
    cx: (x1 + x2) / 2 - Math.sin(angle) * shift * (y2 - y1),
    cy: (y1 + y2) / 2 + Math.cos(angle) * shift * (y2 - y1),
    side: (geometry.scale ?? CHIP_SCALE) * (x2 - x1),
    angle,
  };
}

/**
 * The chip square from blazeface's keypoints the way face-api aligns its own chips from 68 landmarks
 * (FaceLandmarks.alignDlib): side = the mean eye-to-mouth distance / 0.45 x `scale`, the centroid of
 * the eyes and mouth 43% of the side from the top and centred across; here also turned so the eyes
 * are level. Null when the keypoints are missing or degenerate.
 */
export function keypointSquare(face: FaceBox, scale = 1): ChipSquare | null {
  if (face.landmarks.length < 4) return null;
  const [e1, e2, , mouth] = face.landmarks;
  const eyeMouth =
    (Math.hypot(mouth[0] - e1[0], mouth[1] - e1[1]) + Math.hypot(mouth[0] - e2[0], mouth[1] - e2[1])) / 2;
  if (!(eyeMouth > 1)) return null;
  const angle = eyeAngle(face.landmarks);
  const side = (eyeMouth / 0.45) * scale;
  const [rx, ry] = [(e1[0] + e2[0] + mouth[0]) / 3, (e1[1] + e2[1] + mouth[1]) / 3];
  // The centroid sits 0.43 of the side from the top: the chip's centre is 0.07 of the side below it.
  const down = (0.5 - 0.43) * side;
  return { cx: rx - Math.sin(angle) * down, cy: ry + Math.cos(angle) * down, side, angle };
}

/** The chip: the square around the face (from the box), bilinear, black outside the image. */
export async function faceChip(
  image: RgbImage,
  face: FaceBox,
  size: number,
  geometry: { scale?: number; shift?: number } = {},
): Promise<RgbImage> {
  return warpSquare(image, boxSquare(face, geometry), size);
}

/**
 * The square warped to size x size, bilinear, black outside the image. Faces far larger than the
 * chip are shrunk first, as bilinear sampling from them aliases.
 */
export async function warpSquare(image: RgbImage, square: ChipSquare, size: number): Promise<RgbImage> {
  let { cx, cy, side } = square;
  const [cos, sin] = [Math.cos(square.angle), Math.sin(square.angle)];
  let source = image;
  if (side > 2.5 * size) {
    // The chip's axis-aligned bounds (the rotated square fits in a square of side * sqrt(2)).
    const r = (side * Math.SQRT2) / 2;
    const bounds: Box = [
      Math.max(0, Math.floor(cx - r)),
      Math.max(0, Math.floor(cy - r)),
      Math.min(image.width, Math.ceil(cx + r)),
      Math.min(image.height, Math.ceil(cy + r)),
    ];
    const region = cropImage(image, bounds);
    const shrink = (2 * size) / side;
    source = await resizeImage(
      region,
      Math.max(1, Math.round(region.width * shrink)),
      Math.max(1, Math.round(region.height * shrink)),
      'linear',
    );
    [cx, cy] = [((cx - bounds[0]) * source.width) / region.width, ((cy - bounds[1]) * source.height) / region.height];
    side *= source.width / region.width;
  }
  return sampleChip(source, cx, cy, side, cos, sin, size);
}

function sampleChip(
  img: RgbImage,
  cx: number,
  cy: number,
  side: number,
  cos: number,
  sin: number,
  size: number,
): RgbImage {
  const data = Buffer.alloc(size * size * 3);
  const k = side / size;
  const [w, h] = [img.width, img.height];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5 - size / 2) * k;
      const v = (y + 0.5 - size / 2) * k;
      const sx = cx + u * cos - v * sin - 0.5;
      const sy = cy + u * sin + v * cos - 0.5;
      if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) continue;
      const fx0 = Math.min(w - 1, Math.max(0, sx));
      const fy0 = Math.min(h - 1, Math.max(0, sy));
      const x0 = Math.floor(fx0);
      const y0 = Math.floor(fy0);
      const xa = Math.min(w - 1, x0 + 1);
      const ya = Math.min(h - 1, y0 + 1);
      const [fx, fy] = [fx0 - x0, fy0 - y0];
      for (let c = 0; c < 3; c++) {
        const top = img.data[(y0 * w + x0) * 3 + c] * (1 - fx) + img.data[(y0 * w + xa) * 3 + c] * fx;
        const bottom = img.data[(ya * w + x0) * 3 + c] * (1 - fx) + img.data[(ya * w + xa) * 3 + c] * fx;
        data[(y * size + x) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data, width: size, height: size };
}
