// TFJS (wasm backend) execution of a graph model from disk: the reference for parity tests and benchmarks only.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | null = null;

/** Selects the wasm backend once per process; its .wasm files are read from the package on disk, never fetched. */
export function initTfjsWasm(): Promise<void> {
  ready ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${path.dirname(entry)}${path.sep}`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
  })();
  return ready;
}

export interface TfjsReference {
  /** Runs one NHWC float input and returns the named outputs as flat arrays. */
  run(input: Float32Array, shape: number[], outputs: string[]): Record<string, Float32Array>;
  dispose(): void;
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

export async function loadTfjsReference(modelJsonPath: string): Promise<TfjsReference> {
  await initTfjsWasm();
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  const bins = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.resolve(dir, p))),
  );
  const data = Buffer.concat(bins);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    signature: json.signature as object | undefined,
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  };
  const model = await tf.loadGraphModel({ load: async () => artifacts });
  return {
    run(input, shape, outputs) {
      return tf.tidy(() => {
        const result = model.execute(tf.tensor(input, shape, 'float32'), outputs);
        const list = Array.isArray(result) ? result : [result];
        return Object.fromEntries(outputs.map((name, i) => [name, Float32Array.from(list[i].dataSync())]));
      });
    },
    dispose: () => model.dispose(),
  };
}
