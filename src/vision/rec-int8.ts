// The int8 rec model: calibrated and quantised from the rewritten float graph at first load, kept in models/cache/.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from './models/manifest.js';
import { type CalibrationOptions, calibrateRec } from './rec-calibrate.js';
import { quantiseRecModel } from './rec-quantise.js';

/** Bump when rec-quantise.ts or rec-calibrate.ts would build a different model: the cached one is rebuilt. */
export const REC_INT8_BUILDER = 'rec-int8-2';

export interface Int8RecOptions {
  /** Where the built model and its record go. Default models/cache/ (git-ignored); null builds every time. */
  cacheDir?: string | null;
  /** Receives one line when a model is built (default: stderr). */
  log?: (line: string) => void;
  calibration?: CalibrationOptions;
}

interface Int8Record {
  /** sha256 of the float model it was built from (the rewritten graph, so a rewrite change rebuilds too). */
  source: string;
  builder: string;
  sha256: string;
  builtAt: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Calibrates (about 5 s on one core) and quantises; no cache. */
export async function buildInt8Rec(floatBytes: Uint8Array, calibration: CalibrationOptions = {}): Promise<Uint8Array> {
  return quantiseRecModel(floatBytes, await calibrateRec(floatBytes, calibration), calibration).bytes;
}

/** The int8 model for these float bytes: the cached one if it was built from them by this builder, else a new one. */
export async function int8RecModel(floatBytes: Uint8Array, opts: Int8RecOptions = {}): Promise<Uint8Array> {
  const dir = opts.cacheDir === undefined ? path.join(PROJECT_ROOT, 'models/cache') : opts.cacheDir;
  const source = sha256(floatBytes);
  // The calibration options name the build too: a test's small calibration must not pass for the default.
  const builder = `${REC_INT8_BUILDER} ${JSON.stringify(opts.calibration ?? {})}`;
  const [modelFile, recordFile] = dir ? ['onnx', 'json'].map((ext) => path.join(dir, `ppocr-rec-int8.${ext}`)) : [];
  if (modelFile && recordFile) {
    const cached = await readCached(modelFile, recordFile, source, builder);
    if (cached) return cached;
  }
  const started = Date.now();
  const bytes = await buildInt8Rec(floatBytes, opts.calibration);
  if (dir && modelFile && recordFile) {
    await mkdir(dir, { recursive: true });
    await writeAtomic(modelFile, bytes);
    const record: Int8Record = { source, builder, sha256: sha256(bytes), builtAt: new Date().toISOString() };
    await writeAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  }
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  log(`model ppocr-rec: int8 variant calibrated and built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bytes;
}

async function readCached(
  modelFile: string,
  recordFile: string,
  source: string,
  builder: string,
): Promise<Uint8Array | null> {
  try {
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as Int8Record;
    if (record.source !== source || record.builder !== builder) return null;
    const bytes = await readFile(modelFile);
    return sha256(bytes) === record.sha256 ? bytes : null;
  } catch {
    return null; // missing or unreadable: rebuild
  }
}

/** Write then rename, so a crash or a second worker thread never reads half a model. */
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
