// Loading ONNX models into onnxruntime-node sessions: thread settings, shape checks, one per process.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { inferenceSeconds } from '../lib/metrics.js';

export type OnnxSession = ort.InferenceSession;

/** What a caller relies on in a model's signature; `rank` is the number of dimensions. */
export interface ExpectedValue {
  /** Omit to check the value at the same position instead (exports name outputs arbitrarily). */
  name?: string;
  rank?: number;
  /** Fixed sizes by axis; leave an axis out (or undefined) where the model is dynamic. */
  dims?: Record<number, number>;
}

export interface LoadOnnxOptions {
  /** Intra-op threads. Default 1: each camera pipeline gets one core's worth, see FACTS "Video". */
  threads?: number;
  /**
   * Let idle ORT threads busy-wait. Default false: spinning threads starve ffmpeg decoding on
   * the same cores (18.7 -> 12.4 analysed fps measured with 2 threads).
   */
  spinning?: boolean;
  /** Inputs the caller will feed; a mismatch fails at load instead of at the first frame. */
  expectInputs?: ExpectedValue[];
  /** Outputs the caller will read. */
  expectOutputs?: ExpectedValue[];
  /** A rewrite of the model's bytes before the session is made (named, so the cache tells rewrites apart). */
  rewrite?: { name: string; apply: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array> };
}

/** A model file that is missing, unreadable, or not the model the caller expects. */
export class OnnxModelError extends Error {
  override name = 'OnnxModelError';
}

const sessions = new Map<string, Promise<OnnxSession>>();

export type ExecutionProvider = 'cpu' | 'cuda';
let provider: ExecutionProvider = 'cpu';

/**
 * Chooses where every session of this process runs (from config at start). 'cuda' needs
 * onnxruntime-node's CUDA files, which its install fetches (not with ONNXRUNTIME_NODE_INSTALL=skip),
 * and falls back to the CPU for operators CUDA lacks.
 */
export function setExecutionProvider(p: ExecutionProvider): void {
  if (p !== provider) sessions.clear();
  provider = p;
}

/**
 * Creates (once per file and thread settings) an inference session. Later calls with the same
 * file and settings share the session; expectations are checked on every call.
 */
export async function loadOnnxModel(file: string, opts: LoadOnnxOptions = {}): Promise<OnnxSession> {
  const full = path.resolve(file);
  const threads = opts.threads ?? 1;
  const spinning = opts.spinning ?? false;
  const key = `${full}|${threads}|${spinning}|${opts.rewrite?.name ?? ''}`;
  let pending = sessions.get(key);
  if (!pending) {
    pending = createSession(full, threads, spinning, opts.rewrite?.apply);
    sessions.set(key, pending);
    // A failed load must not poison the cache: the file may be fixed and retried.
    pending.catch(() => sessions.delete(key));
  }
  const session = await pending;
  checkValues(full, 'input', session.inputMetadata, opts.expectInputs);
  checkValues(full, 'output', session.outputMetadata, opts.expectOutputs);
  return session;
}

async function createSession(
  file: string,
  threads: number,
  spinning: boolean,
  rewrite?: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>,
): Promise<OnnxSession> {
  if (!existsSync(file)) throw new OnnxModelError(`ONNX model not found: ${file}`);
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { 'session.intra_op.allow_spinning': spinning ? '1' : '0' },
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
  };
  try {
    const session = rewrite
      ? await ort.InferenceSession.create(await rewrite(readFileSync(file)), options)
      : await ort.InferenceSession.create(file, options);
    return timeRuns(session, path.basename(file, '.onnx'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const hint =
      provider === 'cuda'
        ? ' (vision.executionProvider is cuda: are the CUDA files of onnxruntime-node installed?)'
        : ' (corrupt or not an ONNX file?)';
    throw new OnnxModelError(`cannot load ONNX model ${file}${hint}: ${why}`);
  }
}

/** Every run of the session is timed into vigil_inference_seconds under the model's file name (a bounded label). */
function timeRuns(session: OnnxSession, model: string): OnnxSession {
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<unknown>;
  (session as unknown as { run: (...args: unknown[]) => Promise<unknown> }).run = async (...args) => {
    const end = inferenceSeconds.startTimer({ model });
    try {
      return await run(...args);
    } finally {
      end();
    }
  };
  return session;
}

function describeShape(meta: ort.InferenceSession.ValueMetadata): string {
  return meta.isTensor ? `[${meta.shape.join(',')}]` : '(not a tensor)';
}

function checkValues(
  file: string,
  kind: 'input' | 'output',
  actual: readonly ort.InferenceSession.ValueMetadata[],
  expected: ExpectedValue[] | undefined,
): void {
  (expected ?? []).forEach((want, position) => {
    const found = want.name === undefined ? actual[position] : actual.find((m) => m.name === want.name);
    const names = actual.map((m) => `${m.name} ${describeShape(m)}`).join(', ');
    const wanted = want.name === undefined ? `${kind} #${position}` : `${kind} named "${want.name}"`;
    if (!found) throw new OnnxModelError(`ONNX model ${file}: no ${wanted} (it has ${names})`);
    if (!found.isTensor) throw new OnnxModelError(`ONNX model ${file}: ${kind} "${found.name}" is not a tensor`);
    if (want.rank !== undefined && found.shape.length !== want.rank) {
      throw new OnnxModelError(
        `ONNX model ${file}: ${kind} "${found.name}" has rank ${found.shape.length} ${describeShape(found)}, expected ${want.rank}`,
      );
    }
    for (const [axis, size] of Object.entries(want.dims ?? {})) {
      const actualSize = found.shape[Number(axis)];
      // Symbolic (string) dimensions accept any size, so only fixed sizes can disagree.
      if (typeof actualSize === 'number' && actualSize !== size) {
        throw new OnnxModelError(
          `ONNX model ${file}: ${kind} "${found.name}" axis ${axis} is ${actualSize} ${describeShape(found)}, expected ${size}`,
        );
      }
    }
  });
}

/** Forgets cached sessions (tests, or a process that swaps models). Sessions in use stay valid. */
export function clearOnnxCache(): void {
  sessions.clear();
}
