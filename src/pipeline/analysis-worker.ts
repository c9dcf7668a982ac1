// Inside one analysis thread: its own model sessions (loaded once), a CameraPipeline per camera it is given, and
// the pipelines' queue writes and metrics sent to the main thread. Loaded through analysis-entry.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import type { JobsOptions } from 'bullmq';
import type { CameraConfig } from '../config/schema.js';
import { CHINESE_FORMATS, compileFormats } from '../domain/plate-text.js';
import { cameraFramesAnalysed, inferenceSeconds } from '../lib/metrics.js';
import type { QueueSet } from '../queues/queue-set.js';
import { createObjectDetector, type ObjectDetector } from '../vision/object-detector.js';
import { setExecutionProvider } from '../vision/onnx-session.js';
import { createPlateReader, type PlateReader } from '../vision/plate-reader.js';
import type { AnalysisThreadData, FromThread, ModelNeeds, ThreadMetrics, ToThread } from './analysis-messages.js';
import { CameraPipeline } from './camera-pipeline.js';
import type { FaceWatchDeps } from './face-watch.js';

if (!parentPort) throw new Error('analysis-worker.ts runs only as a worker thread (analysis-thread.ts starts it)');
const port = parentPort;
const { config } = workerData as AnalysisThreadData;
setExecutionProvider(config.vision.executionProvider);
const send = (m: FromThread) => port.postMessage(m);

// The metrics module here is this thread's own copy, which nothing scrapes: its two per-frame metrics are taken
// as they happen and replayed into the main thread's (analysis-thread.ts).
let metrics: ThreadMetrics = { framesAnalysed: {}, inferenceSeconds: {} };
cameraFramesAnalysed.inc = ((labels?: { camera?: string } | number, value?: number) => {
  const camera = typeof labels === 'object' ? String(labels.camera) : '';
  metrics.framesAnalysed[camera] = (metrics.framesAnalysed[camera] ?? 0) + (value ?? 1);
}) as typeof cameraFramesAnalysed.inc;
inferenceSeconds.observe = ((labels: { model?: string } | number, value?: number) => {
  const [model, seconds] = typeof labels === 'object' ? [String(labels.model), value ?? 0] : ['', labels];
  (metrics.inferenceSeconds[model] ??= []).push(seconds);
}) as typeof inferenceSeconds.observe;

function sendMetrics(): void {
  if (!Object.keys(metrics.framesAnalysed).length && !Object.keys(metrics.inferenceSeconds).length) return;
  send({ type: 'metrics', metrics });
  metrics = { framesAnalysed: {}, inferenceSeconds: {} };
}

// Queue writes go to the main thread, which sends them through the node's (fenced) producers and answers.
const adds = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
let addIds = 0;
const queues = {
  add: (queue: string, payload: unknown, opts: JobsOptions = {}) =>
    new Promise<void>((resolve, reject) => {
      const id = ++addIds;
      adds.set(id, { resolve, reject });
      send({ type: 'add', id, queue, payload, opts });
    }),
} as unknown as QueueSet;

// The authorisations live on the main thread: each frame carries the gate's answer for it.
const covered = new Map<string, boolean>();
const gate = { covers: (cameraId: string) => covered.get(cameraId) ?? false };

/** One load per model for the thread's life; a failed load is forgotten so the next camera tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () =>
    (p ??= load().catch((err: unknown) => {
      p = null;
      throw err;
    }));
}

const plateModel = once<PlateReader>(() =>
  createPlateReader({
    threads: config.plates.threads,
    recPrecision: config.plates.recPrecision,
    formats: [...CHINESE_FORMATS, ...compileFormats(config.plates.formats)],
  }),
);
const objectModel = once<ObjectDetector>(() =>
  createObjectDetector({ model: config.vision.objectModel, threads: config.vision.threads }),
);
// As start.ts's loadFacePath builds it, less the gate (above).
const faceModel = once<FaceWatchDeps['analyzer']>(async () => {
  const { createChipAnalyzer } = await import('../vision/face-chip.js');
  return createChipAnalyzer({ model: config.faces.embedder, threads: config.vision.threads });
});

async function load(needs: ModelNeeds): Promise<void> {
  if (needs.plates) await plateModel();
  if (needs.objects) await objectModel();
  if (needs.faces) await faceModel();
}

const pipelines = new Map<string, CameraPipeline>();

async function open(camera: CameraConfig, faces: boolean): Promise<void> {
  const { analysis } = camera;
  const models = {
    plates: analysis.plates ? await plateModel() : null,
    objects: analysis.objects ? await objectModel() : null,
  };
  const facePath = faces ? { analyzer: await faceModel(), gate, track: config.faces.track } : null;
  // Image diagnostics stay on the main thread (their store is there): it runs the hook before the frame moves here.
  pipelines.set(camera.id, new CameraPipeline(camera, config, models, queues, facePath, null));
}

async function onFrame(m: Extract<ToThread, { type: 'frame' }>): Promise<void> {
  const pipeline = pipelines.get(m.cameraId);
  if (!pipeline) throw new Error(`camera ${m.cameraId} is not open on this thread`);
  covered.set(m.cameraId, m.facesCovered);
  const { cameraId, seq, capturedAt, width, height } = m;
  await pipeline.onFrame({ cameraId, seq, capturedAt, width, height, data: Buffer.from(m.data) });
}

async function close(cameraId: string, facesCovered: boolean): Promise<void> {
  const pipeline = pipelines.get(cameraId);
  pipelines.delete(cameraId);
  covered.set(cameraId, facesCovered);
  await pipeline?.stop();
  covered.delete(cameraId);
}

async function handle(m: Exclude<ToThread, { type: 'added' | 'crash' }>): Promise<void> {
  if (m.type === 'load') return load(m.needs);
  if (m.type === 'open') return open(m.camera, m.faces);
  if (m.type === 'frame') return onFrame(m);
  return close(m.cameraId, m.facesCovered);
}

port.on('message', (m: ToThread) => {
  if (m.type === 'added') {
    const waiting = adds.get(m.id);
    adds.delete(m.id);
    if (m.error === null) waiting?.resolve();
    else waiting?.reject(new Error(m.error));
    return;
  }
  if (m.type === 'crash')
    return void setImmediate(() => {
      throw new Error('analysis thread crashed on request (test)');
    });
  handle(m).then(
    () => {
      sendMetrics();
      send({ type: 'done', id: m.id, error: null });
    },
    (err: unknown) => {
      sendMetrics();
      send({ type: 'done', id: m.id, error: err instanceof Error ? err.message : String(err) });
    },
  );
});
