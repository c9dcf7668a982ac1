// The watchlist's face analyzer: blazeface, face-api's 68 landmarks, a dlib-style chip squared from them, face-api's 128-d net on the chip and its mirror.
//
// face-api's recognition net was trained on dlib face chips: the face levelled on the eyes and
// surrounded by a wide margin, its size and place set by the eyes and the mouth. Squared from face-api's
// 68 landmarks (landmarkSquare in chip-square.ts, eyes levelled) the chip keeps 99.5% of same-person
// pairs at 1% false accepts; cut from the blazeface box (side 1.5 x the box, centre 0.15 x the box height
// below the box's) it kept 72.1% (bench/faces-alignment.ts, 2026-12-04: 40 faceapi close crops, the
// same 8 people in 22 group-scene faces, 43 strangers from npm photos). The landmark net costs about
// 1.3 ms a face against about 20 ms for the two recognition runs. The box chip stays as the fallback
// when the landmarks give no square, and as `landmarks: null` for comparisons.
import ort from 'onnxruntime-node';
import type { Box, Region, RgbImage } from '../domain/frame.js';
import { boxSquare, landmarkSquare, warpSquare } from './chip-square.js';
import { embeddingModel } from './chip-alignment.js';
import { decodeEmbeddings } from './decoders/embedding.js';
import { faceQuality, laplacianVariance, type Face, type FaceAnalyzer } from './face-embedder.js';
import { createFaceDetector } from './face-detector.js';
import { createFaceLandmarker } from './face-landmarks.js';
import { cropImage } from './image.js';
import { DEFAULT_MANIFEST, findModel, loadManifest, ManifestError } from './models/manifest.js';
import { ensureModel } from './models/model-cache.js';
import { loadOnnxModel, type OnnxSession } from './onnx-session.js';

/** A face with what enrolment checks: its width in pixels, the chip's sharpness, and the chip itself. */
export interface ChipFace extends Face {
  width: number;
  sharpness: number;
  chip: RgbImage;
}

/** A detected face with its quality, before (or without) the embedding. */
export type FaceSighting = Omit<ChipFace, 'embedding' | 'chip'>;

export interface ChipAnalyzer extends FaceAnalyzer {
  /** The embedder's manifest name and the chip's alignment (embeddingModel), stored with every embedding. */
  readonly model: string;
  readonly dim: number;
  /** detect() then embed() on every face. */
  faces(image: RgbImage, opts?: { roi?: Region; tile?: boolean; regions?: Box[] }): Promise<ChipFace[]>;
  /** Faces and their quality only (about 5 ms per searched region): the caller chooses which to embed. */
  detect(image: RgbImage, opts?: { roi?: Region; tile?: boolean; regions?: Box[] }): Promise<FaceSighting[]>;
  /** The landmarks, the chip and its embedding (two runs of the net, about 20 ms) for one detected face. */
  embed(image: RgbImage, face: FaceSighting): Promise<ChipFace>;
}

export interface ChipAnalyzerOptions {
  /** Manifest name (task face-embed with a square RGB input). Default 'faceapi-recognition'. */
  model?: string;
  manifestFile?: string;
  threads?: number;
  /** Manifest name of the landmark net the chip is squared from; null: the box chip. Default 'faceapi-landmarks'. */
  landmarks?: string | null;
  /** Box chip (and fallback): side over the blazeface box width. Default CHIP_SCALE. */
  chipScale?: number;
  /** Box chip (and fallback): centre below the box centre, in box heights. Default CHIP_SHIFT. */
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
  const landmarkModel = opts.landmarks === undefined ? 'faceapi-landmarks' : opts.landmarks;
  const [detector, landmarker, { path }] = await Promise.all([
    createFaceDetector({ manifestFile, threads: opts.threads }),
    landmarkModel ? createFaceLandmarker({ model: landmarkModel, manifestFile, threads: opts.threads }) : null,
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
    model: embeddingModel(name, landmarkModel),
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
      const geometry = { scale: opts.chipScale, shift: opts.chipShift };
      const square = landmarker ? landmarkSquare(await landmarker.landmarks(image, face)) : null;
      const chip = await warpSquare(image, square ?? boxSquare(face, geometry), size);
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
