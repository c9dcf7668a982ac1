// The model manifest (models/manifest.yaml): zod schema with unknown keys refused, loader, and source paths.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/** Repository root, found from this file so tests and the CLI agree wherever they are started. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_MANIFEST = path.join(PROJECT_ROOT, 'models/manifest.yaml');

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

/** `npm: '<package>/<path inside it>'` (read from node_modules) or `file:` (relative to the manifest). */
export const sourceSchema = z.union([
  z.strictObject({ npm: z.string().regex(/^(@[^/]+\/)?[^/@]+\/.+/, "'package/path' or '@scope/package/path'") }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type ModelSource = z.infer<typeof sourceSchema>;

const side = z.union([z.number().int().positive(), z.literal('dynamic')]);

const inputSchema = z
  .strictObject({
    /** Graph input name. */
    tensor: z.string(),
    width: side,
    height: side,
    /** Dynamic sides are rounded to a multiple of this (PP-OCR det wants 32). */
    multipleOf: z.number().int().positive().default(1),
    layout: z.enum(['nhwc', 'nchw']),
    colour: z.enum(['rgb', 'bgr']),
    /** letterbox keeps the aspect ratio and pads; stretch distorts; height fixes the height and scales width. */
    resize: z.enum(['letterbox', 'stretch', 'height']),
    /** Padding value (0..255) for letterboxing. */
    pad: z.number().min(0).max(255).default(0),
    /** value = (pixel / divide - mean[c]) / std[c], pixel in 0..255, c in the model's own channel order. */
    normalise: z.strictObject({
      divide: z.number().positive(),
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    }),
  })
  .refine((i) => i.multipleOf === 1 || i.width === 'dynamic' || i.height === 'dynamic', {
    message: 'multipleOf only applies to a dynamic side',
  });

/** How to read the outputs; each family names the graph outputs it needs. */
const outputSchema = z.discriminatedUnion('decode', [
  z.strictObject({ decode: z.literal('centernet'), detections: z.string() }),
  z.strictObject({
    decode: z.literal('blazeface'),
    /** Per stride, in the order anchors are generated (stride 16 first). */
    scores: z.array(z.string()).min(1),
    boxes: z.array(z.string()).min(1),
    strides: z.array(z.number().int().positive()).min(1),
    anchorsPerCell: z.array(z.number().int().positive()).min(1),
  }),
  z.strictObject({ decode: z.literal('db'), probability: z.string(), unclipRatio: z.number().positive() }),
  z.strictObject({ decode: z.literal('ctc'), probabilities: z.string(), blank: z.number().int().nonnegative() }),
  z.strictObject({ decode: z.literal('yolo'), output: z.string() }),
  z.strictObject({
    decode: z.literal('embedding'),
    embedding: z.string(),
    dims: z.number().int().positive(),
    /** Other heads the same graph computes (e.g. age, gender), by role. */
    extra: z.record(z.string(), z.string()).default({}),
  }),
  z.strictObject({
    decode: z.literal('landmarks'),
    /** [N, 2 x points]: x and y interleaved, as fractions of the square input's side. */
    landmarks: z.string(),
    points: z.number().int().positive(),
  }),
]);

const thresholdsSchema = z.strictObject({
  /** Minimum detection or character score. */
  score: z.number().min(0).max(1).optional(),
  /** NMS overlap above which the weaker box is dropped. */
  iou: z.number().min(0).max(1).optional(),
  /** DB: probability above which a pixel counts as text. */
  binarise: z.number().min(0).max(1).optional(),
  /** DB: minimum mean probability inside a box. */
  box: z.number().min(0).max(1).optional(),
  /** Embeddings: cosine similarity for a match. */
  match: z.number().min(-1).max(1).optional(),
});

const labelsSchema = z.union([z.array(z.string()).min(1), sourceSchema]);

export const TASKS = [
  'objects',
  'face-detect',
  'face-landmarks',
  'face-embed',
  'plate-det',
  'plate-rec',
  'antispoof',
] as const;

export const modelEntrySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  task: z.enum(TASKS),
  source: sourceSchema,
  /** faceapi-weights: face-api's named weights, built into a graph by src/convert/faceapi-recognition.ts or faceapi-landmarks.ts. */
  format: z.enum(['tfjs-graph', 'onnx', 'faceapi-weights']),
  /** sha256 of the source bytes (tfjs-graph: model.json then its weight files, in manifest order). */
  sha256: sha256.optional(),
  input: inputSchema,
  output: outputSchema,
  labels: labelsSchema.optional(),
  thresholds: thresholdsSchema.default({}),
  notes: z.string().optional(),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const manifestSchema = z
  .strictObject({ models: z.array(modelEntrySchema).min(1) })
  .refine((m) => new Set(m.models.map((e) => e.name)).size === m.models.length, { message: 'model names must be unique' })
  .refine((m) => m.models.every((e) => e.format !== 'tfjs-graph' || sourcePathOf(e.source).endsWith('.json')), {
    message: 'a tfjs-graph source must point at its model.json',
  });
export type Manifest = z.infer<typeof manifestSchema>;

/** The graph outputs an entry's decoder reads: what the pipeline fetches, and what a loader shape-checks. */
export function decoderOutputs(entry: ModelEntry): string[] {
  const o = entry.output;
  switch (o.decode) {
    case 'centernet':
      return [o.detections];
    case 'blazeface':
      return [...o.scores, ...o.boxes];
    case 'embedding':
      return [o.embedding, ...Object.values(o.extra)];
    case 'db':
      return [o.probability];
    case 'ctc':
      return [o.probabilities];
    case 'yolo':
      return [o.output];
    case 'landmarks':
      return [o.landmarks];
  }
}

function sourcePathOf(source: ModelSource): string {
  return 'npm' in source ? source.npm : source.file;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Reads and checks the manifest; a typo fails here with the path of the offending key. */
export function loadManifest(file = DEFAULT_MANIFEST): Manifest & { file: string } {
  const parsed = manifestSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ManifestError(`${file} is invalid:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, file };
}

export function findModel(manifest: Manifest, name: string): ModelEntry {
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry) throw new ManifestError(`no model '${name}' in the manifest (have: ${manifest.models.map((m) => m.name).join(', ')})`);
  return entry;
}

type Decode = ModelEntry['output']['decode'];

/**
 * The manifest entry `name`, checked to be a `task` model with one of `decodes`: a detector pointed
 * at the wrong kind of model fails at start with what it needs, not at the first frame.
 */
export function modelFor<D extends Decode>(
  name: string,
  manifestFile: string,
  want: { task: ModelEntry['task']; decodes: readonly D[]; role: string },
): ModelEntry & { output: Extract<ModelEntry['output'], { decode: D }> } {
  const entry = findModel(loadManifest(manifestFile), name);
  if (entry.task !== want.task || !(want.decodes as readonly Decode[]).includes(entry.output.decode)) {
    throw new ManifestError(
      `model '${name}' is task '${entry.task}' with decode '${entry.output.decode}'; ${want.role} needs task '${want.task}' and decode ${want.decodes.join(' or ')}`,
    );
  }
  return entry as ModelEntry & { output: Extract<ModelEntry['output'], { decode: D }> };
}

/**
 * Absolute path of a source. npm sources are looked up in node_modules directories from the project
 * root upwards, by path, because packages such as @vladmandic/human refuse subpaths in their exports map.
 */
export function resolveSource(source: ModelSource, manifestFile = DEFAULT_MANIFEST): string {
  if ('file' in source) return path.resolve(path.dirname(manifestFile), source.file);
  for (let dir = PROJECT_ROOT; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', source.npm);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new ManifestError(`model source npm:${source.npm} not found in node_modules (is the package installed?)`);
}
