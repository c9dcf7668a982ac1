// Reads a TFJS graph model from disk: model.json (checked with zod), its weight files, and its signature.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConversionError } from './errors.js';
import { decodeWeights, type ConstTensor, type WeightGroup } from './weights.js';

const attrValue = z.record(z.string(), z.unknown());
const nodeSchema = z.object({
  name: z.string(),
  op: z.string(),
  input: z.array(z.string()).optional(),
  attr: z.record(z.string(), attrValue).optional(),
  device: z.string().optional(),
});
export type TfNode = z.infer<typeof nodeSchema>;

const tensorInfo = z.object({ name: z.string(), dtype: z.string().optional() }).passthrough();
const signatureSchema = z.object({
  inputs: z.record(z.string(), tensorInfo).optional(),
  outputs: z.record(z.string(), tensorInfo).optional(),
});

/** One tensor's entry in a TFJS weights manifest (graph models and face-api's named weights alike). */
export const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string(),
  quantization: z
    .object({
      dtype: z.string(),
      scale: z.number().optional(),
      min: z.number().optional(),
      original_dtype: z.string().optional(),
    })
    .optional(),
});

const modelSchema = z
  .object({
    format: z.literal('graph-model'),
    modelTopology: z
      .object({
        node: z.array(nodeSchema),
        library: z
          .object({ function: z.array(z.unknown()).optional() })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpecSchema) })),
    signature: signatureSchema.optional(),
    userDefinedMetadata: z.object({ signature: signatureSchema.optional() }).passthrough().optional(),
  })
  .passthrough();

export interface TfjsGraph {
  nodes: TfNode[];
  weights: Map<string, ConstTensor>;
  /** Signature output names with TF's ':0' suffix dropped, or null when the model has no signature. */
  outputNames: string[] | null;
  /** model.json followed by the weight files, in the order TFJS reads them (what a source hash covers). */
  files: string[];
}

/** Model json and weight file paths, without reading the weights (used to hash a source cheaply). */
export async function tfjsModelFiles(modelJsonPath: string): Promise<string[]> {
  const json = parseModelJson(await readFile(modelJsonPath, 'utf8'), modelJsonPath);
  const dir = path.dirname(modelJsonPath);
  return [modelJsonPath, ...json.weightsManifest.flatMap((g) => g.paths.map((p) => path.resolve(dir, p)))];
}

export async function loadTfjsGraph(modelJsonPath: string): Promise<TfjsGraph> {
  const json = parseModelJson(await readFile(modelJsonPath, 'utf8'), modelJsonPath);
  if (json.modelTopology.library?.function?.length) {
    throw new ConversionError(`${modelJsonPath}: graphs with function libraries (control flow) are not supported`);
  }
  const files = await tfjsModelFiles(modelJsonPath);
  const parts = await Promise.all(files.slice(1).map((f) => readFile(f)));
  const buffer = new Uint8Array(Buffer.concat(parts));
  const weights = decodeWeights(json.weightsManifest as WeightGroup[], buffer);
  const signature = json.signature ?? json.userDefinedMetadata?.signature;
  const outputs = signature?.outputs ? Object.values(signature.outputs).map((o) => o.name.replace(/:0$/, '')) : null;
  return { nodes: json.modelTopology.node, weights, outputNames: outputs, files };
}

function parseModelJson(text: string, where: string): z.infer<typeof modelSchema> {
  const parsed = modelSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConversionError(`${where}: not a TFJS graph model (${issue.path.join('.')}: ${issue.message})`);
  }
  return parsed.data;
}
