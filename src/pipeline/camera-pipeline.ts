// What one camera does with its frames: checkpoint plate reading on the ROI, or object tracking
// with plates read on vehicle tracks; both end in one plate-read event per pass.
import type { Config, CameraConfig } from '../config/schema.js';
import type { Frame } from '../domain/frame.js';
import type { QueueSet } from '../queues/queue-set.js';
import { PlatePassFuser } from '../tracking/plate-pass.js';
import type { Sighting } from '../tracking/sightings.js';
import { encodeJpeg } from '../vision/image.js';
import type { ObjectDetector } from '../vision/object-detector.js';
import type { PlateReader, PlateReading } from '../vision/plate-reader.js';
import { ObjectAnalysis } from './object-analysis.js';

export interface CameraModels {
  plates: PlateReader | null;
  objects: ObjectDetector | null;
}

export class CameraPipeline {
  private readonly fuser: PlatePassFuser;
  private readonly objects: ObjectAnalysis | null = null;

  constructor(
    private readonly camera: CameraConfig,
    private readonly config: Config,
    private readonly models: CameraModels,
    private readonly queues: QueueSet,
  ) {
    this.fuser = new PlatePassFuser({ windowMs: config.plates.fuseWindowSeconds * 1000 });
    const { analysis } = camera;
    if (analysis.objects && models.objects) {
      this.objects = new ObjectAnalysis(
        // Street cameras read plates on vehicle tracks; checkpoints search their ROI on every frame.
        { cameraId: camera.id, roi: analysis.roi, motionGate: analysis.motionGate, scoreThreshold: config.vision.objectScore, plates: analysis.plates && camera.kind === 'street' },
        models.objects,
        models.plates,
        { sighting: (s) => this.sendSighting(s), plate: (r, f) => this.sendPlate(r, f) },
      );
    }
  }

  async onFrame(frame: Frame): Promise<void> {
    const { analysis } = this.camera;
    const roiPlates = analysis.plates && this.models.plates && (this.camera.kind === 'checkpoint' || !this.objects);
    if (roiPlates) {
      const readings = await (this.models.plates as PlateReader).read(frame, { roi: analysis.roi, maxSide: this.config.plates.detectMaxSide });
      for (const r of readings) await this.sendPlate(r, frame);
    }
    if (this.objects) await this.objects.onFrame(frame);
    this.fuser.expire(frame.capturedAt);
  }

  async stop(): Promise<void> {
    await this.objects?.flush();
  }

  private async sendPlate(r: PlateReading, frame: Frame): Promise<void> {
    if (r.confidence < this.config.plates.minConfidence) return;
    const result = this.fuser.observe({ text: r.text, confidence: r.confidence, format: r.format, box: r.box, crop: r.crop, capturedAt: frame.capturedAt });
    if (!result) return;
    const { pass, update } = result;
    await this.queues.add('plate-reads', {
      eventId: pass.eventId,
      cameraId: this.camera.id,
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

  private async sendSighting(s: Sighting & { plate: string | null }): Promise<void> {
    await this.queues.add('sightings', {
      id: s.trackId,
      cameraId: s.cameraId,
      label: s.label,
      firstSeen: Math.round(s.firstSeen),
      lastSeen: Math.round(s.lastSeen),
      box: s.box,
      score: Math.min(1, Math.max(0, s.score)),
      plate: s.plate,
      cropJpeg: s.bestCrop ? (await encodeJpeg(s.bestCrop)).toString('base64') : undefined,
    }, { jobId: `sighting_${s.trackId}` });
  }
}
