// Camera health on a camera node: a monitor per camera fed from its pipeline, fault episodes recorded with
// their evidence, live health in Redis and on the event stream, work orders after the grace time, and the
// streamed/intact time behind the online and image-intact rates.
import type { CameraConfig, Config } from '../config/schema.js';
import { thresholdsFor } from '../config/health.js';
import type { Frame, RgbImage } from '../domain/frame.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { CameraStatusStore } from '../ingest/camera-status-store.js';
import type { FaultRecord, HealthRepo } from '../store/health-repo.js';
import type { WorkOrderService } from '../services/work-order-service.js';
import { resizeImage, encodeJpeg } from '../vision/image.js';
import type { FaultKind } from './fault-kinds.js';
import type { FaultTransition } from './fault-state.js';
import type { CameraHealthStore, LiveFault } from './health-store.js';
import { CameraHealthMonitor } from './monitor.js';
import { cameraFaultsRaised } from './rate-gauges.js';
import { UptimeMeter } from './uptime.js';

export interface HealthServiceDeps {
  config: Config;
  store: CameraHealthStore;
  repo: HealthRepo;
  workOrders: WorkOrderService;
  bus: EventBus;
  /** The camera workers' statuses (online or not), for the online time. */
  cameraStatus: CameraStatusStore;
  log: Logger;
}

/** What a camera's pipeline calls: every analysis frame, and once when the camera stops here. */
export interface FrameHealthHook {
  onFrame(frame: Frame): void;
  stop(): void;
}

/** Faults of the stream rather than the picture: they do not count against the image-intact rate. */
const NOT_IMAGE: readonly FaultKind[] = ['framerate', 'clockDrift'];
/** How often uptime is credited, grace times checked and live health re-written. Flushes happen every sixth tick. */
const TICK_MS = 10_000;

interface CameraHealth {
  camera: CameraConfig;
  monitor: CameraHealthMonitor;
  /** Raised faults by kind, with their record once stored. */
  open: Map<FaultKind, FaultRecord | null>;
  /** Faults left open by the node before a restart: kept while the monitor raises them again, else cleared. */
  restored: FaultRecord[];
  /** Work orders already opened (by fault id), so a tick does not ask again. */
  ordered: Set<string>;
  /** Transitions are stored one after another, never concurrently, so a clear never overtakes its raise. */
  chain: Promise<void>;
}

/** After a restart, a fault that was open and is not raised again within this is taken as recovered. */
const RESTORE_GRACE_MS = 120_000;

export class CameraHealthService {
  private readonly cameras = new Map<string, CameraHealth>();
  private readonly uptime = new UptimeMeter();
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private unsubscribe: (() => void) | null = null;
  private startedAt = Date.now();

  constructor(private readonly d: HealthServiceDeps) {}

  async start(): Promise<void> {
    this.startedAt = Date.now();
    this.unsubscribe = await this.d.bus.subscribe((e) => {
      if (e.type === 'camera-health' && e.change === 'relearn-reference')
        this.cameras.get(e.cameraId)?.monitor.relearnReference();
    });
    this.timer = setInterval(
      () => void this.tick().catch((err: Error) => this.d.log.warn(`health tick: ${err.message}`)),
      TICK_MS,
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.all([...this.cameras.values()].map((c) => c.chain));
    await this.tick(true).catch((err: Error) => this.d.log.warn(`health flush: ${err.message}`));
  }

  /** Whether this camera's clock is judged, so its ffmpeg should copy the stream for the camera's time (camera-clock.ts). */
  readsClock(camera: CameraConfig): boolean {
    const { health } = this.d.config;
    return health.enabled && thresholdsFor(health, camera.health).clockDrift.enabled;
  }

  /** The per-frame hook for one camera's pipeline (null when diagnostics are off). Cheap: one in about five frames is sampled. */
  hook(camera: CameraConfig): FrameHealthHook | null {
    const { health } = this.d.config;
    if (!health.enabled) return null;
    const monitor = new CameraHealthMonitor({
      lat: camera.lat,
      lon: camera.lon,
      thresholds: thresholdsFor(health, camera.health),
      sampleEverySeconds: health.sampleEverySeconds,
      learnSeconds: health.learnSeconds,
      adaptSeconds: health.adaptSeconds,
    });
    const ch: CameraHealth = {
      camera,
      monitor,
      open: new Map(),
      restored: [],
      ordered: new Set(),
      chain: Promise.resolve(),
    };
    ch.chain = this.restore(ch).catch((err: Error) => this.d.log.warn(`${camera.id}: health restore: ${err.message}`));
    this.cameras.set(camera.id, ch);
    const onFrame = (frame: Frame) => {
      const tick = monitor.onFrame(frame, frame.capturedAt);
      if (!tick?.transitions.length) return;
      // A copy: the frame's bytes may move to an analysis thread once the hook returns (src/pipeline/analysis-pool.ts).
      const { width, height } = tick.frame;
      const shot = { width, height, data: Buffer.from(tick.frame.data) };
      for (const tr of tick.transitions)
        ch.chain = ch.chain
          .then(() => this.onTransition(ch, tr, shot))
          .catch((err: Error) => this.d.log.warn(`${camera.id}: health: ${err.message}`));
    };
    return {
      onFrame: (frame) => {
        try {
          onFrame(frame);
        } catch (err) {
          // Diagnostics must never cost the camera its analysis.
          this.d.log.warn(`${camera.id}: health: ${(err as Error).message}`);
        }
      },
      // The camera went to another node (or stopped): its time is counted there now.
      stop: () => {
        if (this.cameras.get(camera.id) === ch) this.cameras.delete(camera.id);
      },
    };
  }

  /** Picks up the learnt baselines and the faults still open from before a restart. */
  private async restore(ch: CameraHealth): Promise<void> {
    const snapshot = await this.d.store.baseline(ch.camera.id).catch(() => null);
    if (snapshot) ch.monitor.restore(snapshot);
    // The monitor starts afresh: what is still wrong is raised again and continues its episode (openFault finds it).
    ch.restored = await this.d.repo.openFaults(ch.camera.id);
  }

  /** Restored episodes that were not raised again in time are over: the camera recovered while the node was away. */
  private async settleRestored(ch: CameraHealth, now: number): Promise<void> {
    if (!ch.restored.length || now - this.startedAt < RESTORE_GRACE_MS) return;
    const raised = new Set(ch.monitor.raised().map((f) => f.kind));
    for (const f of ch.restored.splice(0)) {
      if (raised.has(f.kind)) continue;
      const cleared = await this.d.repo.clearFault(f.id, new Date(f.lastSeen).getTime(), now);
      if (cleared) await this.d.workOrders.closeRecovered(cleared);
    }
  }

  private async onTransition(ch: CameraHealth, tr: FaultTransition, frame: RgbImage): Promise<void> {
    const { kind } = tr.status;
    const cameraId = ch.camera.id;
    if (tr.change === 'raised') {
      ch.open.set(kind, null);
      const evidence = await this.evidence(frame).catch(() => null);
      const record = await this.d.repo.openFault({
        cameraId,
        kind,
        since: tr.status.since ?? tr.at,
        raisedAt: tr.at,
        detail: tr.status.detail,
        value: tr.status.value,
        evidence,
      });
      if (ch.open.has(kind)) ch.open.set(kind, record);
      await this.publish(ch, 'raised', record);
      await this.openDueOrders(ch, Date.now());
    } else {
      const record = ch.open.get(kind) ?? (await this.d.repo.openFaults(cameraId)).find((f) => f.kind === kind) ?? null;
      ch.open.delete(kind);
      const cleared = record ? await this.d.repo.clearFault(record.id, tr.status.lastSeen ?? tr.at, tr.at) : null;
      if (cleared) await this.d.workOrders.closeRecovered(cleared);
      await this.publish(ch, 'cleared', cleared ?? record);
    }
  }

  private async evidence(frame: RgbImage): Promise<Buffer> {
    const max = this.d.config.health.evidenceMaxSide;
    const scale = Math.min(1, max / Math.max(frame.width, frame.height));
    const img =
      scale < 1 ? await resizeImage(frame, Math.round(frame.width * scale), Math.round(frame.height * scale)) : frame;
    return encodeJpeg(img, 80);
  }

  private liveFaults(ch: CameraHealth): LiveFault[] {
    return ch.monitor.raised().map((s) => {
      const rec = ch.open.get(s.kind) ?? null;
      return {
        kind: s.kind,
        since: new Date(s.since ?? Date.now()).toISOString(),
        raisedAt: new Date(s.raisedAt ?? Date.now()).toISOString(),
        lastSeen: new Date(s.lastSeen ?? Date.now()).toISOString(),
        detail: s.detail,
        faultId: rec?.id ?? null,
      };
    });
  }

  private async publish(ch: CameraHealth, change: 'raised' | 'cleared', fault: FaultRecord | null): Promise<void> {
    const faults = this.liveFaults(ch);
    await this.d.store.put({
      cameraId: ch.camera.id,
      faults,
      learning: !ch.monitor.baselineReady('day') && !ch.monitor.baselineReady('night'),
    });
    await this.d.bus.publish({
      type: 'camera-health',
      cameraId: ch.camera.id,
      change,
      at: Date.now(),
      data: { fault, faults },
    });
  }

  private async tick(final = false): Promise<void> {
    const now = Date.now();
    const all = await this.d.cameraStatus.all();
    // A status not re-written for a minute means the worker is gone: offline, as the API shows it.
    const states = new Map(
      Object.values(all).map((s) => [s.cameraId, now - s.reportedAt > 60_000 ? 'offline' : s.state]),
    );
    const seen = [...this.cameras.values()];
    this.uptime.observe(
      now,
      seen.map((ch) => ({
        cameraId: ch.camera.id,
        online: states.get(ch.camera.id) === 'online',
        intact: ch.monitor.raised().every((f) => NOT_IMAGE.includes(f.kind)),
      })),
    );
    for (const ch of seen) {
      cameraFaultsRaised.set({ camera: ch.camera.id }, ch.monitor.raised().length);
      await this.d.store.put({
        cameraId: ch.camera.id,
        faults: this.liveFaults(ch),
        learning: !ch.monitor.baselineReady('day') && !ch.monitor.baselineReady('night'),
      });
      await this.openDueOrders(ch, now);
      await this.settleRestored(ch, now);
    }
    if (final || ++this.ticks % 6 === 0) {
      await this.d.repo.addUptime(this.uptime.take());
      for (const ch of seen) await this.d.store.putBaseline(ch.camera.id, ch.monitor.snapshot());
    }
  }

  /** A fault raised longer ago than its grace time gets its work order (once: the order is unique per fault). */
  private async openDueOrders(ch: CameraHealth, now: number): Promise<void> {
    const t = thresholdsFor(this.d.config.health, ch.camera.health);
    for (const s of ch.monitor.raised()) {
      const rec = ch.open.get(s.kind);
      if (!rec || ch.ordered.has(rec.id) || now - (s.since ?? now) < t[s.kind].workOrderAfterSeconds * 1000) continue;
      await this.d.repo.touchOpen(ch.camera.id, [s.kind], s.lastSeen ?? now);
      await this.d.workOrders.openForFault(rec, ch.camera.name);
      ch.ordered.add(rec.id);
    }
  }
}
