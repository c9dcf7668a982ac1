// Per-camera object analysis: motion gate -> detector on the moving part -> tracker -> sightings,
// and plate reads on padded vehicle crops, once per track until a confident read.
import type { Box, Frame, Region } from '../domain/frame.js';
import { Tracker, type TrackEvent, type TrackerOptions } from '../tracking/tracker.js';
import { SightingRecorder, type Sighting } from '../tracking/sightings.js';
import { TrackPlates } from '../tracking/track-plates.js';
import { MotionGate } from '../vision/motion-gate.js';
import type { ObjectDetector } from '../vision/object-detector.js';
import type { PlateReader, PlateReading } from '../vision/plate-reader.js';
import { VEHICLE_LABELS, type VehicleBox } from './vehicle-attributes.js';

export interface ObjectAnalysisOptions {
  cameraId: string;
  /** Where to look at all (fractions of the frame); whole frame when absent. */
  roi?: Region;
  /** Off: detect on every analysed frame (for measurement and for scenes where the gate fails). */
  motionGate: boolean;
  scoreThreshold?: number;
  /** Read plates on vehicle tracks (street cameras). */
  plates: boolean;
  /** Score thresholds of track start/keep; defaults suit centernet on real scenes. */
  tracker?: TrackerOptions;
}

export interface ObjectAnalysisSinks {
  sighting(s: Sighting & { plate: string | null }): Promise<void> | void;
  plate(r: PlateReading, frame: Frame): Promise<void> | void;
}

export interface FrameOutcome {
  detected: boolean;
  detections: number;
  events: number;
}

export class ObjectAnalysis {
  private readonly gate = new MotionGate();
  private readonly tracker: Tracker;
  private readonly recorder: SightingRecorder;
  private readonly plates = new TrackPlates();

  constructor(
    private readonly opts: ObjectAnalysisOptions,
    private readonly detector: ObjectDetector,
    private readonly reader: PlateReader | null,
    private readonly sinks: ObjectAnalysisSinks,
  ) {
    this.recorder = new SightingRecorder({ cameraId: opts.cameraId });
    this.tracker = new Tracker(opts.tracker);
  }

  async onFrame(frame: Frame): Promise<FrameOutcome> {
    const size = { width: frame.width, height: frame.height };
    const search = this.searchArea(frame);
    if (!search) {
      // Nothing moves and nothing is tracked: no detection at all, only let old tracks end.
      await this.handle(this.tracker.expire(frame.capturedAt), frame);
      return { detected: false, detections: 0, events: 0 };
    }
    const detections = await this.detector.detect(frame, { roi: search, scoreThreshold: this.opts.scoreThreshold });
    const events = this.tracker.update(detections, frame.capturedAt, size);
    await this.handle(events, frame);
    if (this.opts.plates && this.reader) await this.readPlates(frame);
    return { detected: true, detections: detections.length, events: events.length };
  }

  /** Live vehicle tracks' classes and latest boxes (the plate path looks up the vehicle around a plate). */
  vehicles(): VehicleBox[] {
    return this.tracker
      .active()
      .filter((t) => VEHICLE_LABELS.has(t.label))
      .map((t) => ({ label: t.label, box: t.box }));
  }

  /** Ends every open track (camera stopping) so its sighting is not lost. */
  async flush(): Promise<void> {
    await this.handle(this.tracker.flush());
  }

  /**
   * The part of the frame to run the detector on: the union of the moving regions and the boxes of
   * live tracks (a stopped vehicle stops moving but must stay tracked), inside the ROI.
   */
  private searchArea(frame: Frame): Region | null {
    const roi = this.opts.roi ?? { x: 0, y: 0, width: 1, height: 1 };
    if (!this.opts.motionGate) return roi;
    const motion = this.gate.update(frame);
    const boxes: Box[] = [...(motion.moving ? motion.regions : []), ...this.tracker.active().map((t) => t.box)];
    if (!boxes.length) return null;
    const W = frame.width;
    const H = frame.height;
    const x1 = Math.max(roi.x * W, Math.min(...boxes.map((b) => b[0])));
    const y1 = Math.max(roi.y * H, Math.min(...boxes.map((b) => b[1])));
    const x2 = Math.min((roi.x + roi.width) * W, Math.max(...boxes.map((b) => b[2])));
    const y2 = Math.min((roi.y + roi.height) * H, Math.max(...boxes.map((b) => b[3])));
    if (x2 - x1 < 16 || y2 - y1 < 16) return null;
    return { x: x1 / W, y: y1 / H, width: (x2 - x1) / W, height: (y2 - y1) / H };
  }

  private async handle(events: TrackEvent[], frame?: Frame): Promise<void> {
    for (const s of this.recorder.observe(events, frame)) {
      const plate = this.plates.release(s.trackId);
      await this.sinks.sighting({ ...s, plate: plate?.text ?? null });
    }
  }

  private async readPlates(frame: Frame): Promise<void> {
    const size = { width: frame.width, height: frame.height };
    for (const req of this.plates.due(this.tracker.active(), size)) {
      const [x1, y1, x2, y2] = req.cropBox;
      const roi = {
        x: x1 / size.width,
        y: y1 / size.height,
        width: (x2 - x1) / size.width,
        height: (y2 - y1) / size.height,
      };
      const [best] = (await (this.reader as PlateReader).read(frame, { roi })).sort(
        (a, b) => b.confidence - a.confidence,
      );
      this.plates.record(
        req.trackId,
        best ? { text: best.text, confidence: best.confidence, format: best.format } : null,
      );
      if (best) await this.sinks.plate(best, frame);
    }
  }
}
