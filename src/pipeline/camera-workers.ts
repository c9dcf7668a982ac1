// The cameras one node analyses: started and stopped one at a time as the node takes and hands back their leases;
// decoded on the main thread, analysed on a pool of analysis threads (analysis-pool.ts) or, with one, right here.
import os from 'node:os';
import type { CameraRunner } from '../cluster/cluster-node.js';
import type { CameraConfig, Config } from '../config/schema.js';
import { CHINESE_FORMATS, compileFormats } from '../domain/plate-text.js';
import { CameraSource, type CameraStatus } from '../ingest/camera-source.js';
import type { CameraStatusStore } from '../ingest/camera-status-store.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { QueueSet } from '../queues/queue-set.js';
import { createObjectDetector, type ObjectDetector } from '../vision/object-detector.js';
import { setExecutionProvider } from '../vision/onnx-session.js';
import { createPlateReader, type PlateReader } from '../vision/plate-reader.js';
import type { Frame } from '../domain/frame.js';
import { AnalysisPool } from './analysis-pool.js';
import { CameraPipeline } from './camera-pipeline.js';
import type { CameraHealthService } from '../health/health-service.js';
import type { FaceGate, FaceWatchDeps } from './face-watch.js';

export interface CameraWorkerDeps {
  /** Producers; on a cluster node, fenced ones (src/cluster/fenced-queues.ts) that stamp the lease's token. */
  queues: QueueSet;
  bus: EventBus;
  cameraStatus: CameraStatusStore;
  log: Logger;
  /** Loads the face path (analyzer, authorisation gate) the first time a camera with analysis.faces starts; absent: faces are not searched. */
  loadFacePath?: () => Promise<FaceWatchDeps>;
  /**
   * The face path's gate alone, for analysis threads (they load their own face models). Absent: taken from
   * loadFacePath, which then loads the face models on the main thread too.
   */
  faceGate?: () => Promise<FaceGate>;
  /** Image diagnostics for each camera started here (src/health); absent: none. */
  health?: Pick<CameraHealthService, 'hook' | 'readsClock'>;
}

/** How often a camera's status is re-written even when nothing changed (the API treats silence as offline). */
const STATUS_EVERY_MS = 10_000;

/** One camera's analysis, wherever it runs: a CameraPipeline here, or its stand-in for a pipeline on a thread. */
interface CameraAnalysis {
  onFrame(frame: Frame): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  camera: CameraConfig;
  source: CameraSource;
  pipeline: CameraAnalysis;
}

/** A model load that failed is forgotten, so the next camera tries again. */
function retryable<T>(p: Promise<T>, forget: () => void): Promise<T> {
  return p.catch((err: unknown) => {
    forget();
    throw err;
  });
}

export class CameraWorkers {
  readonly name = 'analysis';
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  // One session per model for the whole node, loaded the first time a camera needs it.
  private plates: Promise<PlateReader> | null = null;
  private objects: Promise<ObjectDetector> | null = null;
  private facePath: Promise<FaceWatchDeps> | null = null;
  private gate: Promise<FaceGate> | null = null;
  /** Analysis threads (started at the first camera or preload); null: analysis on this thread. */
  private pool: AnalysisPool | null = null;
  private readonly threads: number;
  /** The latest start asked for per camera: a stop in between cancels a start still loading models. */
  private readonly wanted = new Map<string, number>();
  private tickets = 0;

  constructor(
    private readonly config: Config,
    private readonly deps: CameraWorkerDeps,
  ) {
    setExecutionProvider(config.vision.executionProvider);
    this.threads = config.vision.analysisThreads ?? os.availableParallelism();
  }

  /** How many analysis threads run the cameras (1: this thread). */
  get analysisThreads(): number {
    return Math.max(1, this.threads);
  }

  /** The pool once there is one (tests reach its threads through it). */
  get analysisPool(): AnalysisPool | null {
    return this.pool;
  }

  private threadPool(): AnalysisPool | null {
    if (this.threads < 2) return null;
    return (this.pool ??= new AnalysisPool(this.config, this.threads, {
      queues: this.deps.queues,
      log: this.deps.log,
    }));
  }

  /** Starts the status timer; cameras start one by one through startCamera. */
  start(): void {
    this.timer ??= setInterval(() => void this.reportAll(), STATUS_EVERY_MS);
  }

  /** Stops every camera: ingest first, then each pipeline flushes what it holds. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.running.keys()].map((id) => this.stopCamera(id)));
    await this.pool?.stop();
  }

  /**
   * Loads the models the given cameras need before the node takes any lease: a first load can hold
   * the event loop for seconds, longer than a lease lives.
   */
  async preload(cameras: readonly CameraConfig[]): Promise<void> {
    const enabled = cameras.filter((c) => c.enabled);
    const pool = this.threadPool();
    if (pool) {
      const faces = enabled.some((c) => c.analysis.faces) && (await this.faceGate()) !== null;
      const needs = {
        plates: enabled.some((c) => c.analysis.plates),
        objects: enabled.some((c) => c.analysis.objects),
      };
      return pool.load({ ...needs, faces });
    }
    if (enabled.some((c) => c.analysis.plates)) await this.plateModel();
    if (enabled.some((c) => c.analysis.objects)) await this.objectModel();
    if (enabled.some((c) => c.analysis.faces) && this.deps.loadFacePath) await this.faceModels(this.deps.loadFacePath);
  }

  private plateModel(): Promise<PlateReader> {
    const { threads, formats, recPrecision } = this.config.plates;
    return (this.plates ??= retryable(
      createPlateReader({ threads, recPrecision, formats: [...CHINESE_FORMATS, ...compileFormats(formats)] }),
      () => (this.plates = null),
    ));
  }

  private objectModel(): Promise<ObjectDetector> {
    const { objectModel, threads } = this.config.vision;
    return (this.objects ??= retryable(
      createObjectDetector({ model: objectModel, threads }),
      () => (this.objects = null),
    ));
  }

  private faceModels(load: () => Promise<FaceWatchDeps>): Promise<FaceWatchDeps> {
    return (this.facePath ??= retryable(load(), () => (this.facePath = null)));
  }

  /** The gate for cameras analysed on threads (null: faces are not searched); loaded once. */
  private async faceGate(): Promise<FaceGate | null> {
    const { faceGate, loadFacePath } = this.deps;
    if (faceGate) this.gate ??= retryable(faceGate(), () => (this.gate = null));
    else if (loadFacePath) this.gate ??= this.faceModels(loadFacePath).then((d) => d.gate);
    const gate = this.gate ? await this.gate : null;
    if (this.pool) this.pool.gate = gate;
    return gate;
  }

  /** A camera's analysis on one of the pool's threads; image diagnostics stay here, before the frame moves away. */
  private async threaded(pool: AnalysisPool, camera: CameraConfig): Promise<CameraAnalysis> {
    const faces = camera.analysis.faces && (await this.faceGate()) !== null;
    const opened = await pool.open(camera, faces);
    const health = this.deps.health?.hook(camera) ?? null;
    return {
      onFrame: async (frame) => {
        health?.onFrame(frame);
        await pool.analyse(frame);
      },
      stop: async () => {
        health?.stop();
        await pool.close(camera.id, opened);
      },
    };
  }

  /** The CameraRunner side (src/cluster/cluster-node.ts): analyse one camera from now on. */
  async startCamera(camera: CameraConfig): Promise<void> {
    if (this.running.has(camera.id)) await this.stopCamera(camera.id);
    const ticket = ++this.tickets;
    this.wanted.set(camera.id, ticket);
    const pool = this.threadPool();
    if (pool) {
      const analysis = await this.threaded(pool, camera);
      // Stopped (lease lost, handed back) while its thread opened it: close it again.
      if (this.wanted.get(camera.id) !== ticket) return void (await analysis.stop());
      this.running.set(camera.id, { camera, source: this.startSource(camera, analysis), pipeline: analysis });
      return;
    }
    const { analysis } = camera;
    const models = {
      plates: analysis.plates ? await this.plateModel() : null,
      objects: analysis.objects ? await this.objectModel() : null,
    };
    const facePath = analysis.faces && this.deps.loadFacePath ? await this.faceModels(this.deps.loadFacePath) : null;
    // Stopped (lease lost, handed back) while the models loaded: do not start it after all.
    if (this.wanted.get(camera.id) !== ticket) return;
    const pipeline = new CameraPipeline(
      camera,
      this.config,
      models,
      this.deps.queues,
      facePath,
      this.deps.health?.hook(camera) ?? null,
    );
    this.running.set(camera.id, { camera, source: this.startSource(camera, pipeline), pipeline });
  }

  /** Stops one camera; its last status is left for the node that takes it over to overwrite. */
  async stopCamera(cameraId: string): Promise<void> {
    this.wanted.delete(cameraId);
    const r = this.running.get(cameraId);
    if (!r) return;
    this.running.delete(cameraId);
    r.source.removeAllListeners('status');
    await r.source.stop();
    await r.pipeline.stop().catch((err: Error) => this.deps.log.warn(`${cameraId}: flush: ${err.message}`));
  }

  /** This node's analysis as the cluster starts and stops it, camera by camera. */
  runner(): CameraRunner {
    return { name: this.name, start: (camera) => this.startCamera(camera), stop: (id) => this.stopCamera(id) };
  }

  statuses(): CameraStatus[] {
    return [...this.running.values()].map((r) => r.source.status());
  }

  /** Cameras running here without picture (for the rebalancer: moved before healthy ones). */
  unwell(): Set<string> {
    return new Set(
      this.statuses()
        .filter((s) => s.state === 'offline')
        .map((s) => s.cameraId),
    );
  }

  cameraIds(): string[] {
    return [...this.running.keys()];
  }

  private startSource(camera: CameraConfig, pipeline: CameraAnalysis): CameraSource {
    // Every line about this camera carries its id as a field (JSON logs filter on it).
    const log = this.deps.log.child('', { camera: camera.id });
    const { id, source: url, analysis } = camera;
    const source = new CameraSource({
      cameraId: id,
      url,
      fps: analysis.fps,
      width: analysis.width,
      height: analysis.height,
      cameraClock: this.deps.health?.readsClock(camera) ?? false,
      onFrame: (frame) =>
        pipeline.onFrame(frame).catch((err: Error) => log.error(`${id}: analysis failed: ${err.message}`)),
    });
    source.on('status', (s: CameraStatus) => {
      log.info(`${id}: ${s.state}${s.lastError ? ` (${s.lastError})` : ''}`);
      void this.report(s, true);
    });
    source.start();
    return source;
  }

  private async reportAll(): Promise<void> {
    await Promise.all(this.statuses().map((s) => this.report(s, false)));
  }

  private async report(s: CameraStatus, changed: boolean): Promise<void> {
    try {
      await this.deps.cameraStatus.put(s);
      if (changed)
        await this.deps.bus.publish({ type: 'camera-status', cameraId: s.cameraId, at: Date.now(), data: { ...s } });
    } catch (err) {
      this.deps.log.warn(`${s.cameraId}: cannot store status: ${(err as Error).message}`);
    }
  }
}
