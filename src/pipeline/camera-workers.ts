// The cameras of one node: an ingest source per camera feeding the plate reader, one read per pass to the queue.
import type { Config, CameraConfig } from '../config/schema.js';
import { CHINESE_FORMATS, compileFormats } from '../domain/plate-text.js';
import type { Frame } from '../domain/frame.js';
import { CameraSource, type CameraStatus } from '../ingest/camera-source.js';
import type { CameraStatusStore } from '../ingest/camera-status-store.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { QueueSet } from '../queues/queue-set.js';
import { PlatePassFuser } from '../tracking/plate-pass.js';
import { encodeJpeg } from '../vision/image.js';
import { createPlateReader, type PlateReader } from '../vision/plate-reader.js';

export interface CameraWorkerDeps {
  queues: QueueSet;
  bus: EventBus;
  cameraStatus: CameraStatusStore;
  log: Logger;
}

/** How often a camera's status is re-written even when nothing changed (the API treats silence as offline). */
const STATUS_EVERY_MS = 10_000;

export class CameraWorkers {
  private readonly sources: CameraSource[] = [];
  private timer: NodeJS.Timeout | null = null;
  private reader: PlateReader | null = null;

  constructor(
    private readonly config: Config,
    private readonly deps: CameraWorkerDeps,
  ) {}

  async start(): Promise<void> {
    const cameras = this.config.cameras.filter((c) => c.enabled);
    if (!cameras.length) return;
    if (cameras.some((c) => c.analysis.plates)) {
      const formats = [...CHINESE_FORMATS, ...compileFormats(this.config.plates.formats)];
      this.reader = await createPlateReader({ threads: this.config.plates.threads, formats });
    }
    for (const camera of cameras) this.sources.push(this.startCamera(camera));
    this.timer = setInterval(() => void this.reportAll(), STATUS_EVERY_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.sources.map((s) => s.stop()));
    await this.reportAll();
  }

  statuses(): CameraStatus[] {
    return this.sources.map((s) => s.status());
  }

  private startCamera(camera: CameraConfig): CameraSource {
    const { log } = this.deps;
    const fuser = new PlatePassFuser({ windowMs: this.config.plates.fuseWindowSeconds * 1000 });
    const { fps, width, height, roi } = camera.analysis;
    const source = new CameraSource({
      cameraId: camera.id,
      url: camera.source,
      fps,
      width,
      height,
      onFrame: async (frame) => {
        if (this.reader && camera.analysis.plates) await this.readPlates(camera, frame, fuser, roi).catch((err: Error) => log.error(`${camera.id}: plate reading failed: ${err.message}`));
      },
    });
    source.on('status', (s: CameraStatus) => {
      log.info(`${camera.id}: ${s.state}${s.lastError ? ` (${s.lastError})` : ''}`);
      void this.report(s, true);
    });
    source.start();
    return source;
  }

  private async readPlates(camera: CameraConfig, frame: Frame, fuser: PlatePassFuser, roi: CameraConfig['analysis']['roi']): Promise<void> {
    const readings = await (this.reader as PlateReader).read(frame, { roi, maxSide: this.config.plates.detectMaxSide });
    for (const r of readings) {
      if (r.confidence < this.config.plates.minConfidence) continue;
      const result = fuser.observe({ text: r.text, confidence: r.confidence, format: r.format, box: r.box, crop: r.crop, capturedAt: frame.capturedAt });
      if (!result) continue;
      const { pass, update } = result;
      await this.deps.queues.add('plate-reads', {
        eventId: pass.eventId,
        cameraId: camera.id,
        plate: pass.text,
        confidence: pass.confidence,
        format: pass.format,
        firstSeen: pass.firstSeen,
        lastSeen: pass.lastSeen,
        capturedAt: pass.capturedAt,
        readCount: pass.readCount,
        box: pass.box,
        cropJpeg: (await encodeJpeg(pass.crop)).toString('base64'),
        update,
      });
    }
    fuser.expire(frame.capturedAt);
  }

  private async reportAll(): Promise<void> {
    await Promise.all(this.sources.map((s) => this.report(s.status(), false)));
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
