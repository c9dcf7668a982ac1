// Converted-model cache (models/cache/): builds ONNX on first use, rebuilds when the file or its source changed.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONVERTER_VERSION, convertTfjsGraph, tfjsModelFiles, type ConvertProgress } from '../../convert/index.js';
import { buildFaceApiLandmarksOnnx, FACEAPI_LANDMARKS_BUILDER_VERSION, landmarkVariantOf } from '../../convert/faceapi-landmarks.js';
import { buildFaceApiRecognitionOnnx, FACEAPI_BUILDER_VERSION } from '../../convert/faceapi-recognition.js';
import { faceApiNetOf, faceApiWeightFiles } from '../../convert/faceapi-weights.js';
import {
  DEFAULT_MANIFEST, findModel, loadManifest, ManifestError, PROJECT_ROOT, resolveSource, type ModelEntry,
} from './manifest.js';

export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, 'models/cache');

export interface CachedModel {
  /** ONNX file to open with onnxruntime. */
  path: string;
  /** sha256 of that file. */
  sha256: string;
}

export interface CacheOptions {
  /** Manifest to read (default models/manifest.yaml). */
  manifestFile?: string;
  /** Where converted models and their records go (default models/cache/). */
  cacheDir?: string;
  /** Receives progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Rebuild even when the cached file is current. */
  force?: boolean;
}

/** What models/cache/<name>.json records about one conversion. */
export interface CacheRecord {
  name: string;
  sha256: string;
  source: { path: string; sha256: string };
  converter: string;
  builtAt: string;
}

export type CacheStatus = 'built' | 'cached' | 'source';

const inFlight = new Map<string, Promise<CachedModel & { status: CacheStatus }>>();

/** The ONNX model for a manifest entry, converting it first if it is missing or stale. */
export async function ensureModel(name: string, opts: CacheOptions = {}): Promise<CachedModel> {
  const { path: file, sha256 } = await ensureWithStatus(name, opts);
  return { path: file, sha256 };
}

/** `vigil models convert`: brings every manifest model up to date in `out` and says what it did. */
export async function convertAll(
  out: string = DEFAULT_CACHE_DIR,
  opts: Omit<CacheOptions, 'cacheDir'> = {},
): Promise<(CachedModel & { name: string; status: CacheStatus })[]> {
  const manifest = loadManifest(opts.manifestFile ?? DEFAULT_MANIFEST);
  const results = [];
  // One at a time: conversion is CPU-bound and this machine class has two cores.
  for (const entry of manifest.models) results.push({ name: entry.name, ...(await ensureWithStatus(entry.name, { ...opts, cacheDir: out })) });
  return results;
}

function ensureWithStatus(name: string, opts: CacheOptions): Promise<CachedModel & { status: CacheStatus }> {
  const key = `${opts.cacheDir ?? DEFAULT_CACHE_DIR}\0${name}\0${opts.force ? 1 : 0}`;
  let job = inFlight.get(key);
  if (!job) {
    job = ensureUncached(name, opts).finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

async function ensureUncached(name: string, opts: CacheOptions): Promise<CachedModel & { status: CacheStatus }> {
  const manifestFile = opts.manifestFile ?? DEFAULT_MANIFEST;
  const entry = findModel(loadManifest(manifestFile), name);
  const sourcePath = resolveSource(entry.source, manifestFile);
  const sourceHash = await hashSource(entry, sourcePath);
  if (entry.sha256 && entry.sha256 !== sourceHash) {
    throw new ManifestError(
      `source of model '${name}' (${sourcePath}) has sha256 ${sourceHash}, the manifest pins ${entry.sha256}: ` +
        'the package changed; run the parity tests on the new files, then update sha256 in the manifest',
    );
  }
  // ONNX sources are used in place: copying them would only double the disk they take.
  if (entry.format === 'onnx') return { path: sourcePath, sha256: sourceHash, status: 'source' };

  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  const modelFile = path.join(cacheDir, `${name}.onnx`);
  const recordFile = path.join(cacheDir, `${name}.json`);
  if (!opts.force) {
    const current = await currentRecord(recordFile, modelFile, sourceHash, builderVersion(entry));
    if (current) return { path: modelFile, sha256: current.sha256, status: 'cached' };
  }

  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  const bytes =
    entry.format === 'faceapi-weights'
      ? await buildFaceApi(entry, sourcePath)
      : await convertTfjsGraph(sourcePath, { onProgress: progressReporter(name, log) });
  const sha256 = sha256Hex(bytes);
  await mkdir(cacheDir, { recursive: true });
  await writeAtomic(modelFile, bytes);
  const record: CacheRecord = {
    name,
    sha256,
    source: { path: path.relative(PROJECT_ROOT, sourcePath), sha256: sourceHash },
    converter: builderVersion(entry),
    builtAt: new Date().toISOString(),
  };
  await writeAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  log(`model ${name}: converted in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(process.cwd(), modelFile)} (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);
  return { path: modelFile, sha256, status: 'built' };
}

/** face-api's named weights: the landmark net for a face-landmarks entry, else the recognition net. */
function buildFaceApi(entry: ModelEntry, sourcePath: string): Promise<Uint8Array> {
  if (entry.task !== 'face-landmarks') return buildFaceApiRecognitionOnnx(path.dirname(sourcePath));
  const variant = landmarkVariantOf(faceApiNetOf(sourcePath));
  if (!variant) throw new ManifestError(`model '${entry.name}': ${sourcePath} is not one of face-api's landmark nets`);
  return buildFaceApiLandmarksOnnx(path.dirname(sourcePath), variant);
}

/** A change of the code that builds a model rebuilds its cache. */
function builderVersion(entry: ModelEntry): string {
  if (entry.format !== 'faceapi-weights') return CONVERTER_VERSION;
  return entry.task === 'face-landmarks' ? FACEAPI_LANDMARKS_BUILDER_VERSION : FACEAPI_BUILDER_VERSION;
}

/** The record if the cached file is intact and was built from this source by this converter, else null. */
async function currentRecord(recordFile: string, modelFile: string, sourceHash: string, builder: string): Promise<CacheRecord | null> {
  let record: CacheRecord;
  let bytes: Buffer;
  try {
    record = JSON.parse(await readFile(recordFile, 'utf8')) as CacheRecord;
    bytes = await readFile(modelFile);
  } catch {
    return null; // missing or unreadable: rebuild
  }
  const fresh = record.source?.sha256 === sourceHash && record.converter === builder;
  return fresh && record.sha256 === sha256Hex(bytes) ? record : null;
}

/** sha256 over the source's bytes; for a TFJS graph, model.json followed by its weight files. */
export async function hashSource(entry: ModelEntry, sourcePath: string): Promise<string> {
  const files =
    entry.format === 'tfjs-graph'
      ? await tfjsModelFiles(sourcePath)
      : entry.format === 'faceapi-weights'
        ? await faceApiWeightFiles(path.dirname(sourcePath), faceApiNetOf(sourcePath))
        : [sourcePath];
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(file));
  return hash.digest('hex');
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Write then rename, so a crash or a concurrent reader never sees half a model. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** One line at the start and at each quarter: enough to show life without flooding a log file. */
function progressReporter(name: string, log: (line: string) => void): (p: ConvertProgress) => void {
  let lastQuarter = -1;
  return ({ done, total }) => {
    const quarter = Math.floor((4 * done) / total);
    if (quarter === lastQuarter || quarter === 4) return;
    lastQuarter = quarter;
    log(`model ${name}: converting TFJS graph to ONNX, ${done}/${total} nodes`);
  };
}
