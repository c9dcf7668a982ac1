// The recording side of a node: a recorder per enabled camera (continuous or events-only), the retention
// timer, clip export jobs and the play cache, with storage faults handed to one publisher.
import path from 'node:path';
import type { CameraRunner } from '../cluster/cluster-node.js';
import type { CameraConfig, Config } from '../config/schema.js';
import type { Fence } from '../queues/payloads.js';
import type { Logger } from '../lib/logger.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CaseRepo } from '../store/case-repo.js';
import type { ExportRepo } from '../store/export-repo.js';
import type { SegmentRepo } from '../store/segment-repo.js';
import { modeOf, recordingConfigOf, type RecordingConfig } from './config.js';
import { EventsOnlyFilter } from './events-only.js';
import { ExportJobs } from './export-jobs.js';
import { PlayCache } from './play-cache.js';
import type { ToolPaths } from './probe.js';
import { Recorder, type RecorderStatus, type RecordingFault } from './recorder.js';
import { Retention } from './retention.js';
import { SegmentFiler, type PendingSegment } from './segment-filer.js';
import { RecordingStorage } from './storage.js';

/** Receives faults an operator must act on (disk full, unwritable directory, index down, a segment set aside); the node wires it to the command room. */
export type RecordingFaultPublisher = (fault: RecordingFault) => unknown;

export interface RecordingServiceDeps {
  config: Config;
  /** The node's resolved data directory; relative recording paths hang off it. */
  dataDir: string;
  segments: SegmentRepo;
  exports: ExportRepo;
  cases: CaseRepo;
  audit: AuditRepo;
  log: Logger;
  onFault?: RecordingFaultPublisher;
  tools?: ToolPaths;
  /** Camera leases (src/cluster): the token a recorder starts under, and whether a segment made under it may still be filed. */
  fencing?: SegmentFencing;
}

export interface SegmentFencing {
  fenceFor(cameraId: string): Fence | null;
  /** False when the token is older than the camera's current one (another node took the camera over). */
  allows(cameraId: string, fence: Fence | undefined): Promise<boolean>;
}

export interface RecordingParts {
  /** Record the node's enabled cameras (the cameras role). */
  recorders: boolean;
  /** Run the purge timer (one node per recording disk). */
  retention: boolean;
  /** Run export jobs, resuming unfinished ones (the api role). */
  exports: boolean;
}

export class RecordingService {
  readonly config: RecordingConfig;
  readonly storage: RecordingStorage;
  readonly exportJobs: ExportJobs;
  readonly playCache: PlayCache;
  readonly retention: Retention;
  private readonly recorders: Recorder[] = [];
  private readonly filters: EventsOnlyFilter[] = [];
  private readonly filer: SegmentFiler;
  private recordersOn = false;

  constructor(private readonly d: RecordingServiceDeps) {
    this.config = recordingConfigOf(d.config);
    this.storage = new RecordingStorage(
      path.resolve(d.dataDir, this.config.dir),
      path.resolve(d.dataDir, this.config.exportsDir),
    );
    // A segment set aside is said once, here; the recorder goes on with the next one.
    this.filer = new SegmentFiler(this.storage, d.segments, {
      tools: d.tools,
      onSetAside: (s) =>
        this.fault({
          cameraId: s.cameraId,
          kind: 'segment',
          message: `segment ${new Date(s.startMs).toISOString()} set aside${s.file ? ` to ${s.file}` : ''}: ${s.reason}`,
          at: Date.now(),
        }),
    });
    this.exportJobs = new ExportJobs({ ...d, storage: this.storage, log: d.log.child('export') });
    this.playCache = new PlayCache(this.storage, d.tools);
    this.retention = new Retention({
      ...d,
      storage: this.storage,
      config: this.config,
      log: d.log.child('retention'),
      onFault: (f) => this.fault(f),
    });
  }

  async start(parts: RecordingParts): Promise<void> {
    if (parts.exports) {
      const resumed = await this.exportJobs.resume();
      if (resumed) this.d.log.info(`recording: ${resumed} unfinished exports resumed`);
    }
    if (parts.retention) {
      this.retention.start();
      // Once at start: a node that was down for days should not wait a full interval to catch up.
      void this.retention.runOnce().catch((err: Error) => this.d.log.error(`purge failed: ${err.message}`));
    }
    // Cameras are started one by one as this node takes their leases (startCamera, src/cluster), not from the YAML.
    this.recordersOn = parts.recorders && this.config.enabled;
  }

  /** Records one camera from now on (this node holds its lease); with fencing, a segment from a stale lease is refused. */
  async startCamera(camera: CameraConfig): Promise<void> {
    if (!this.recordersOn) return;
    await this.stopCamera(camera.id);
    const mode = modeOf(this.config, camera.id);
    if (mode === 'off') return;
    const fence = this.d.fencing?.fenceFor(camera.id) ?? undefined;
    const file =
      mode === 'events' ? this.eventsOnly(camera.id) : async (p: PendingSegment) => void (await this.filer.commit(p));
    const accept = async (p: PendingSegment) => {
      if (this.d.fencing && !(await this.d.fencing.allows(camera.id, fence))) return void (await this.filer.discard(p));
      await file(p);
    };
    const recorder = new Recorder({
      cameraId: camera.id,
      source: camera.source,
      segmentSeconds: this.config.segmentSeconds,
      storage: this.storage,
      filer: this.filer,
      accept,
      stallMs: this.config.stallSeconds * 1000,
      tools: this.d.tools,
    });
    recorder.on('fault', (f) => this.fault(f));
    recorder.start();
    this.recorders.push(recorder);
    this.d.log.info(
      `recording: camera ${camera.id} into ${this.storage.root} (${this.config.segmentSeconds} s segments)`,
    );
  }

  /** Stops one camera's recorder (it closes and files its open segment). */
  async stopCamera(cameraId: string): Promise<void> {
    const i = this.recorders.findIndex((r) => r.status().cameraId === cameraId);
    if (i < 0) return;
    const [recorder] = this.recorders.splice(i, 1);
    await recorder.stop();
  }

  /** Recording as the cluster starts and stops it, camera by camera. */
  runner(): CameraRunner {
    return { name: 'recording', start: (camera) => this.startCamera(camera), stop: (id) => this.stopCamera(id) };
  }

  /** Stops recorders (each closes and files its open segment), then retention and the export queue. */
  async stop(): Promise<void> {
    await Promise.all(this.recorders.map((r) => r.stop()));
    await Promise.all(this.filters.map((f) => f.flush()));
    await this.retention.stop();
    await this.exportJobs.stop();
  }

  statuses(): RecorderStatus[] {
    return this.recorders.map((r) => r.status());
  }

  /** ffmpeg process ids of the running recorders (for benchmarks and diagnostics). */
  pids(): number[] {
    return this.recorders.map((r) => r.pid).filter((p): p is number => p !== null);
  }

  private eventsOnly(cameraId: string): (p: PendingSegment) => Promise<void> {
    const filter = new EventsOnlyFilter({
      eventSeconds: this.config.eventSeconds,
      alertNear: (cam, from, to) => this.d.segments.alertNear(cam, from, to),
      keep: async (p) => void (await this.filer.commit(p)),
      drop: (p) => this.filer.discard(p),
      onError: (err) =>
        this.fault({ cameraId, kind: 'index', message: `events-only decision failed: ${err.message}`, at: Date.now() }),
    });
    this.filters.push(filter);
    return async (p) => filter.add(p);
  }

  private fault(f: RecordingFault): void {
    this.d.log.error(`recording fault (${f.kind}) camera ${f.cameraId}: ${f.message}`);
    // A full disk is what retention's quota pass exists for: run it now rather than at the next tick.
    if (f.kind === 'disk-full' && f.cameraId !== '*') void this.retention.runOnce().catch(() => {});
    void Promise.resolve(this.d.onFault?.(f)).catch((err: Error) =>
      this.d.log.warn(`publishing a recording fault: ${err.message}`),
    );
  }
}
