// Reads one face-api net's weights (a TFJS weights manifest, not a graph) and hands out each named tensor checked.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { ConversionError } from './errors.js';
import { weightSpecSchema } from './tfjs-model.js';
import { decodeWeights, type ConstTensor, type WeightGroup } from './weights.js';

/** face-api's own names for its nets: the files are `<name>-weights_manifest.json` and `<name>.bin`. */
export const FACEAPI_RECOGNITION_MODEL = 'face_recognition_model';
export const FACEAPI_LANDMARKS_MODEL = 'face_landmark_68_model';
export const FACEAPI_LANDMARKS_TINY_MODEL = 'face_landmark_68_tiny_model';

const manifestSchema = z.array(
  z.object({
    paths: z.array(z.string()).min(1),
    weights: z.array(weightSpecSchema),
  }),
);

/** The `model/` folder of the installed @vladmandic/face-api (it has no exports map, so package.json resolves). */
export function defaultFaceApiModelDir(): string {
  const pkg = createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json');
  return path.join(path.dirname(pkg), 'model');
}

export function faceApiManifestPath(weightsDir: string, net = FACEAPI_RECOGNITION_MODEL): string {
  return path.join(weightsDir, `${net}-weights_manifest.json`);
}

/** The net's name from its weights manifest's path (what a manifest entry's source points at). */
export function faceApiNetOf(manifestFile: string): string {
  return path.basename(manifestFile).replace(/-weights_manifest\.json$/, '');
}

/** The weights manifest followed by its weight files, in the order TFJS concatenates them (what a source hash covers). */
export async function faceApiWeightFiles(weightsDir: string, net = FACEAPI_RECOGNITION_MODEL): Promise<string[]> {
  const manifestFile = faceApiManifestPath(weightsDir, net);
  const groups = await readManifest(manifestFile);
  return [manifestFile, ...groups.flatMap((g) => g.paths.map((p) => path.resolve(weightsDir, p)))];
}

async function readManifest(manifestFile: string): Promise<WeightGroup[]> {
  let text: string;
  try {
    text = await readFile(manifestFile, 'utf8');
  } catch {
    throw new ConversionError(
      `face-api weights manifest not found: ${manifestFile} (is @vladmandic/face-api installed?)`,
    );
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConversionError(
      `${manifestFile}: not a TFJS weights manifest (${issue.path.join('.')}: ${issue.message})`,
    );
  }
  return parsed.data;
}

/** Decoded face-api weights; every lookup checks the tensor is there, float32, of the expected shape and finite. */
export class FaceApiWeights {
  private readonly used = new Set<string>();

  constructor(
    private readonly tensors: Map<string, ConstTensor>,
    /** Where the weights came from, for error messages. */
    readonly source: string,
    /** What the weights are for, for error messages. */
    readonly net = 'face recognition net',
  ) {}

  tensor(name: string, shape: number[]): Float32Array {
    const t = this.tensors.get(name);
    if (!t) throw new ConversionError(`face-api weight '${name}' is missing from ${this.source}`);
    if (t.dtype !== 'float32' || !(t.data instanceof Float32Array)) {
      throw new ConversionError(`face-api weight '${name}' in ${this.source} is ${t.dtype}, expected float32`);
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ConversionError(
        `face-api weight '${name}' in ${this.source} has shape [${t.shape}], expected [${shape}]`,
      );
    }
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new ConversionError(`face-api weight '${name}' in ${this.source} holds ${t.data[bad]} at index ${bad}`);
    this.used.add(name);
    return t.data;
  }

  /**
   * Fails on weights the graph never read. face-api silently ignores them, but here they mean the file
   * describes another architecture than the one built, and the descriptors would be wrong without a sign.
   */
  assertAllUsed(): void {
    const unused = [...this.tensors.keys()].filter((n) => !this.used.has(n));
    if (unused.length)
      throw new ConversionError(`${this.source} has weights the ${this.net} does not use: ${unused.join(', ')}`);
  }
}

/** Reads `<dir>/<net>-weights_manifest.json` and its shards; uint8 and float16 weights are dequantised. */
export async function loadFaceApiWeights(
  weightsDir: string,
  net = FACEAPI_RECOGNITION_MODEL,
  label?: string,
): Promise<FaceApiWeights> {
  const manifestFile = faceApiManifestPath(weightsDir, net);
  const groups = await readManifest(manifestFile);
  const parts: Buffer[] = [];
  for (const file of groups.flatMap((g) => g.paths.map((p) => path.resolve(weightsDir, p)))) {
    try {
      parts.push(await readFile(file));
    } catch {
      throw new ConversionError(`face-api weight file ${file} (listed in ${manifestFile}) cannot be read`);
    }
  }
  const tensors = decodeWeights(groups, new Uint8Array(Buffer.concat(parts)));
  return new FaceApiWeights(tensors, manifestFile, label);
}
