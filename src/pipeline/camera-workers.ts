// The cameras of one node: an ingest source per camera feeding its pipeline; status kept for the API.
import type { Config } from '../config/schema.js';
import { CHINESE_FORMATS, compileFormats } from '../domain/plate-text.js';
import { CameraSource, type CameraStatus } from '../ingest/camera-source.js';
import type { CameraStatusStore } from '../ingest/camera-status-store.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { QueueSet } from '../queues/queue-set.js';
import { createObjectDetector } from '../vision/object-detector.js';
import { setExecutionProvider } from '../vision/onnx-session.js';
import { createPlateReader } from '../vision/plate-reader.js';
import { CameraPipeline, type CameraModels } from './camera-pipeline.js';
import type { FaceWatchDeps } from './face-watch.js';

export interface CameraWorkerDeps {
  queues: QueueSet;
  bus: EventBus;
  cameraStatus: CameraStatusStore;
  log: Logger;
  /** Set when some camera has analysis.faces on and the face path is loaded; those cameras search faces with it. */
  facePath?: FaceWatchDeps | null;
}

/** How often a camera's status is re-written even when nothing changed (the API treats silence as offline). */
const STATUS_EVERY_MS = 10_000;

export class CameraWorkers {
  private readonly running: { source: CameraSource; pipeline: CameraPipeline }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: Config,
    private readonly deps: CameraWorkerDeps,
  ) {}

  async start(): Promise<void> {
    const cameras = this.config.cameras.filter((c) => c.enabled);
    if (!cameras.length) return;
    const models = await this.loadModels();
    for (const camera of cameras) {
      const pipeline = new CameraPipeline(camera, this.config, models, this.deps.queues, this.deps.facePath ?? null);
      this.running.push({ source: this.startSource(camera.id, camera.source, camera.analysis, pipeline), pipeline });
    }
    this.timer = setInterval(() => void this.reportAll(), STATUS_EVERY_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.running.map((r) => r.source.stop()));
    await Promise.all(this.running.map((r) => r.pipeline.stop().catch((err: Error) => this.deps.log.warn(`flush: ${err.message}`))));
    await this.reportAll();
  }

  statuses(): CameraStatus[] {
    return this.running.map((r) => r.source.status());
  }

  /** One session per model for the whole node, loaded only when some camera needs it. */
  private async loadModels(): Promise<CameraModels> {
    const cameras = this.config.cameras.filter((c) => c.enabled);
    const { plates, vision } = this.config;
    const needPlates = cameras.some((c) => c.analysis.plates);
    const needObjects = cameras.some((c) => c.analysis.objects);
    setExecutionProvider(vision.executionProvider);
    return {
      plates: needPlates ? await createPlateReader({ threads: plates.threads, formats: [...CHINESE_FORMATS, ...compileFormats(plates.formats)] }) : null,
      objects: needObjects ? await createObjectDetector({ model: vision.objectModel, threads: vision.threads }) : null,
    };
  }

  private startSource(cameraId: string, url: string, analysis: { fps: number; width: number; height: number }, pipeline: CameraPipeline): CameraSource {
    const { log } = this.deps;
    const source = new CameraSource({
      cameraId,
      url,
      fps: analysis.fps,
      width: analysis.width,
      height: analysis.height,
      onFrame: (frame) => pipeline.onFrame(frame).catch((err: Error) => log.error(`${cameraId}: analysis failed: ${err.message}`)),
    });
    source.on('status', (s: CameraStatus) => {
      log.info(`${cameraId}: ${s.state}${s.lastError ? ` (${s.lastError})` : ''}`);
      void this.report(s, true);
    });
    source.start();
    return source;
  }

  private async reportAll(): Promise<void> {
    await Promise.all(this.running.map((r) => this.report(r.source.status(), false)));
  }

  private async report(s: CameraStatus, changed: boolean): Promise<void> {
    try {
      await this.deps.cameraStatus.put(s);
      if (changed) await this.deps.bus.publish({ type: 'camera-status', cameraId: s.cameraId, at: Date.now(), data: { ...s } });
    } catch (err) {
      this.deps.log.warn(`${s.cameraId}: cannot store status: ${(err as Error).message}`);
    }
  }
}
