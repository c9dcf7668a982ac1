// face-api itself on the TFJS wasm backend: the reference for the recognition graph's parity test and benchmark only.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';
import { defaultFaceApiModelDir } from './faceapi-weights.js';
import type { PixelBox } from './faceapi-preprocess.js';
import { initTfjsWasm } from './tfjs-reference.js';

type FaceApiModule = typeof FaceApi;

export interface FaceApiReference {
  /** The loaded module, for anything the helpers below do not cover. */
  faceapi: FaceApiModule;
  /**
   * face-api's descriptor of RGB pixels (0..255, HxWx3 row by row) with its own pad-to-square and
   * resize: the same call its detect-then-describe pipeline makes on each face crop.
   */
  describe(rgb: Float32Array, width: number, height: number): Promise<Float32Array>;
  /**
   * SSD MobileNetV1 + 68 landmarks (loaded on first use): the aligned face boxes face-api would crop,
   * clipped to the image and floored as its extractFaceTensors does, highest detection score first.
   */
  detectFaces(rgb: Float32Array, width: number, height: number, minConfidence?: number): Promise<PixelBox[]>;
}

let loaded: Promise<FaceApiModule> | null = null;

/**
 * Loads face-api's node-wasm build by file path (the bundle meant for Node without tfjs-node) on the
 * same TFJS instance as tfjs-reference.ts, with the wasm backend selected.
 */
function loadModule(): Promise<FaceApiModule> {
  loaded ??= (async () => {
    await initTfjsWasm();
    const require = createRequire(import.meta.url);
    const dist = path.join(
      path.dirname(require.resolve('@vladmandic/face-api/package.json')),
      'dist/face-api.node-wasm.js',
    );
    const faceapi = require(dist) as FaceApiModule;
    // Two TFJS copies would each hold their own backend: face-api's would silently fall back to the slow cpu one.
    if ((faceapi.tf.Tensor as unknown) !== tf.Tensor)
      throw new Error('face-api loaded a TFJS instance of its own; expected the shared one');
    if (tf.getBackend() !== 'wasm') throw new Error(`TFJS runs on backend '${tf.getBackend()}', expected wasm`);
    return faceapi;
  })();
  return loaded;
}

export async function loadFaceApiReference(modelDir = defaultFaceApiModelDir()): Promise<FaceApiReference> {
  const faceapi = await loadModule();
  const { nets, tf } = faceapi;
  if (!nets.faceRecognitionNet.isLoaded) await nets.faceRecognitionNet.loadFromDisk(modelDir);
  let detectorReady: Promise<void> | null = null;

  return {
    faceapi,
    async describe(rgb, width, height) {
      const input = tf.tensor3d(rgb, [height, width, 3], 'float32');
      try {
        return (await nets.faceRecognitionNet.computeFaceDescriptor(input)) as Float32Array;
      } finally {
        input.dispose();
      }
    },
    async detectFaces(rgb, width, height, minConfidence = 0.5) {
      detectorReady ??= Promise.all([
        nets.ssdMobilenetv1.loadFromDisk(modelDir),
        nets.faceLandmark68Net.loadFromDisk(modelDir),
      ]).then(() => {});
      await detectorReady;
      const input = tf.tensor3d(rgb, [height, width, 3], 'float32');
      try {
        const found = await faceapi
          .detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence }))
          .withFaceLandmarks();
        return found
          .sort((a, b) => b.detection.score - a.detection.score)
          .map((f) => f.alignedRect.box.clipAtImageBorders(width, height))
          .filter((b) => b.width > 0 && b.height > 0)
          .map(({ x, y, width: w, height: h }) => ({ x, y, width: w, height: h }));
      } finally {
        input.dispose();
      }
    },
  };
}
