// What one camera does with its frames: checkpoint plate reading on the ROI, or object tracking
// with plates read on vehicle tracks (one plate-read event per pass); and, under an authorisation,
// faces in the person tracks' head regions (one faces event per face-track decision).
import type { Config, CameraConfig } from '../config/schema.js';
import type { Box, Frame } from '../domain/frame.js';
import type { QueueSet } from '../queues/queue-set.js';
import { PlatePassFuser } from '../tracking/plate-pass.js';
import type { Sighting } from '../tracking/sightings.js';
import { cameraFramesAnalysed } from '../lib/metrics.js';
import { CheckpointTrigger } from './checkpoint-trigger.js';
import { encodeJpeg } from '../vision/image.js';
import type { ObjectDetector } from '../vision/object-detector.js';
import type { PlateReader, PlateReading } from '../vision/plate-reader.js';
import { FaceWatch, type FaceWatchDeps } from './face-watch.js';
import { ObjectAnalysis } from './object-analysis.js';
import { readAttributes, sightingColour, vehicleAround } from './vehicle-attributes.js';
import type { FrameHealthHook } from '../health/health-service.js';

export interface CameraModels {
  plates: PlateReader | null;
  objects: ObjectDetector | null;
}

export class CameraPipeline {
  private readonly fuser: PlatePassFuser;
  private readonly objects: ObjectAnalysis | null = null;
  private readonly faces: FaceWatch | null = null;
  /** Person boxes the detector returned for the frame in hand (null: it did not run on it). */
  private persons: Box[] | null = null;
  /** ROI plate reading only when the lanes change (analysis.motionGate); null: every frame. */
  private readonly trigger: CheckpointTrigger | null = null;

  constructor(
    private readonly camera: CameraConfig,
    private readonly config: Config,
    private readonly models: CameraModels,
    private readonly queues: QueueSet,
    /** The node's face path (analyzer, authorisation gate, track options); null: faces are not searched. */
    facePath: FaceWatchDeps | null = null,
    /** This camera's image diagnostics (src/health: about one frame a second is sampled); null: none. */
    private readonly health: FrameHealthHook | null = null,
  ) {
    this.fuser = new PlatePassFuser({ windowMs: config.plates.fuseWindowSeconds * 1000 });
    const { analysis } = camera;
    if (analysis.objects && models.objects) {
      this.objects = new ObjectAnalysis(
        // Street cameras read plates on vehicle tracks; checkpoints search their ROI on every frame.
        {
          cameraId: camera.id,
          roi: analysis.roi,
          motionGate: analysis.motionGate,
          scoreThreshold: config.vision.objectScore,
          plates: analysis.plates && camera.kind === 'street',
        },
        analysis.faces && facePath ? this.watchPersons(models.objects) : models.objects,
        models.plates,
        { sighting: (s) => this.sendSighting(s), plate: (r, f) => this.sendPlate(r, f) },
      );
    }
    const roiPlates = analysis.plates && models.plates && (camera.kind === 'checkpoint' || !this.objects);
    if (roiPlates && analysis.motionGate) {
      const t = analysis.trigger;
      this.trigger = new CheckpointTrigger(analysis.roi, {
        holdMs: t.holdSeconds * 1000,
        stillReadMs: t.stillReadSeconds * 1000,
        idleCheckMs: t.idleCheckSeconds * 1000,
        analysisWidth: t.analysisWidth,
        threshold: t.threshold,
      });
    }
    if (analysis.faces && facePath) this.faces = new FaceWatch(camera.id, analysis.roi, facePath, queues);
  }

  async onFrame(frame: Frame): Promise<void> {
    this.health?.onFrame(frame);
    const { analysis } = this.camera;
    const roiPlates = analysis.plates && this.models.plates && (this.camera.kind === 'checkpoint' || !this.objects);
    const decision: { analyse: boolean; regions?: Box[] } | null = roiPlates
      ? (this.trigger?.decide(frame) ?? { analyse: true })
      : null;
    if (decision?.analyse) {
      // With the gate, det searches only where the lanes changed (or changed last): a vehicle, not the road.
      const readings = await (this.models.plates as PlateReader).read(frame, {
        roi: analysis.roi,
        maxSide: this.config.plates.detectMaxSide,
        regions: decision.regions,
      });
      this.trigger?.found(readings.length, frame);
      for (const r of readings) await this.sendPlate(r, frame);
    }
    this.persons = null;
    if (this.objects) await this.objects.onFrame(frame);
    // With object analysis, faces are searched where people are, and not at all when the detector
    // skipped the frame (nothing moving, nobody tracked: face tracks only age); without it, the whole ROI.
    if (this.faces) await this.faces.onFrame(frame, this.objects ? (this.persons ?? []) : null);
    this.fuser.expire(frame.capturedAt);
    cameraFramesAnalysed.inc({ camera: this.camera.id });
  }

  async stop(): Promise<void> {
    this.health?.stop();
    await this.objects?.flush();
    await this.faces?.flush();
  }

  /** The detector, reporting each frame's person boxes to the face path on the way. */
  private watchPersons(detector: ObjectDetector): ObjectDetector {
    return {
      model: detector.model,
      labels: detector.labels,
      detect: async (image, opts) => {
        const found = await detector.detect(image, opts);
        this.persons = found.filter((d) => d.label === 'person').map((d) => d.box);
        return found;
      },
    };
  }

  private async sendPlate(r: PlateReading, frame: Frame): Promise<void> {
    if (r.confidence < this.config.plates.minConfidence) return;
    const result = this.fuser.observe({
      text: r.text,
      confidence: r.confidence,
      format: r.format,
      box: r.box,
      crop: r.crop,
      capturedAt: frame.capturedAt,
      chars: r.chars,
    });
    if (!result) return;
    const { pass, update } = result;
    // Only when the pass is sent (new, or improved): a few hundred microseconds, not one per frame.
    const vehicle = this.objects ? vehicleAround(r.box, this.objects.vehicles()) : null;
    const attributes = readAttributes(pass, frame, vehicle, update);
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
      motion: pass.motion ?? undefined,
      cropJpeg: (await encodeJpeg(pass.crop)).toString('base64'),
      ...attributes,
      update,
    });
  }

  private async sendSighting(s: Sighting & { plate: string | null }): Promise<void> {
    await this.queues.add(
      'sightings',
      {
        id: s.trackId,
        cameraId: s.cameraId,
        label: s.label,
        firstSeen: Math.round(s.firstSeen),
        lastSeen: Math.round(s.lastSeen),
        box: s.box,
        score: Math.min(1, Math.max(0, s.score)),
        plate: s.plate,
        cropJpeg: s.bestCrop ? (await encodeJpeg(s.bestCrop)).toString('base64') : undefined,
        vehicleColour: sightingColour(s.label, s.bestCrop),
      },
      { jobId: `sighting_${s.trackId}` },
    );
  }
}
