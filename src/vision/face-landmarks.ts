// face-api's 68-point landmark net (ONNX, manifest 'faceapi-landmarks') on a square crop around a blazeface box.
//
// The crop is the one face-api's net was measured on in bench/faces-alignment.ts: a square 1.3 x the
// box's longer side around the box centre, axis-aligned, warped to 112x112 (black outside the image).
// One run is about 1.3 ms on one thread, against about 20 ms for the two recognition runs of a chip.
import ort from 'onnxruntime-node';
import type { RgbImage } from '../domain/frame.js';
import { warpSquare } from './chip-square.js';
import type { FaceBox } from './face-detector.js';
import type { Point } from './image.js';
import { DEFAULT_MANIFEST, ManifestError, modelFor } from './models/manifest.js';
import { ensureModel } from './models/model-cache.js';
import { loadOnnxModel } from './onnx-session.js';

/** Side of the landmark crop over the blazeface box's longer side. */
export const LANDMARK_CROP_SCALE = 1.3;

export interface FaceLandmarker {
  /** Manifest name of the landmark net. */
  readonly model: string;
  /** The face's points in image pixels (68 for face-api's net), in the net's order. */
  landmarks(image: RgbImage, face: FaceBox): Promise<Point[]>;
}

export interface FaceLandmarkerOptions {
  /** Manifest name (task face-landmarks, decode landmarks, square NHWC RGB input). Default 'faceapi-landmarks'. */
  model?: string;
  manifestFile?: string;
  threads?: number;
}

export async function createFaceLandmarker(opts: FaceLandmarkerOptions = {}): Promise<FaceLandmarker> {
  const name = opts.model ?? 'faceapi-landmarks';
  const manifestFile = opts.manifestFile ?? DEFAULT_MANIFEST;
  const entry = modelFor(name, manifestFile, {
    task: 'face-landmarks',
    decodes: ['landmarks'],
    role: 'the face landmarker',
  });
  const { input, output } = entry;
  if (
    input.width !== input.height ||
    typeof input.width !== 'number' ||
    input.layout !== 'nhwc' ||
    input.colour !== 'rgb'
  )
    throw new ManifestError(`model '${name}': the face landmarker needs a square NHWC RGB input of fixed size`);
  const size = input.width;
  const { path } = await ensureModel(name, { manifestFile });
  const session = await loadOnnxModel(path, {
    threads: opts.threads,
    expectInputs: [{ name: input.tensor, rank: 4 }],
    expectOutputs: [{ name: output.landmarks, rank: 2, dims: { 1: 2 * output.points } }],
  });
  const norm = input.normalise;

  const run = async (crop: RgbImage): Promise<Float32Array> => {
    const data = new Float32Array(size * size * 3);
    for (let i = 0; i < size * size; i++)
      for (let c = 0; c < 3; c++) data[i * 3 + c] = (crop.data[i * 3 + c] / norm.divide - norm.mean[c]) / norm.std[c];
    const result = await session.run({ [input.tensor]: new ort.Tensor('float32', data, [1, size, size, 3]) }, [
      output.landmarks,
    ]);
    return result[output.landmarks].data as Float32Array;
  };
  await run({ data: Buffer.alloc(size * size * 3, 128), width: size, height: size });

  return {
    model: name,
    async landmarks(image, face) {
      const [x1, y1, x2, y2] = face.box;
      const side = LANDMARK_CROP_SCALE * Math.max(x2 - x1, y2 - y1);
      const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
      const rel = await run(await warpSquare(image, { cx, cy, side, angle: 0 }, size));
      const [left, top] = [cx - side / 2, cy - side / 2];
      return Array.from({ length: output.points }, (_, i): Point => [
        left + rel[2 * i] * side,
        top + rel[2 * i + 1] * side,
      ]);
    },
  };
}
