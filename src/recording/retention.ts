// Retention: deletes footage past its camera kind's days, then the oldest while over the disk quota or
// under the free-space floor, never footage under an active hold; removes released exports; audits each run.
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../lib/logger.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { ExportRepo } from '../store/export-repo.js';
import type { Segment, SegmentRepo } from '../store/segment-repo.js';
import type { RecordingConfig } from './config.js';
import type { RecordingFault } from './recorder.js';
import type { RecordingStorage } from './storage.js';

export interface PurgeReport {
  at: string;
  alertHolds: { added: number; released: number };
  byAge: { segments: number; bytes: number };
  byQuota: { segments: number; bytes: number };
  /** Per camera: segments deleted. */
  cameras: Record<string, number>;
  exportsRemoved: { count: number; bytes: number };
  playCacheFilesRemoved: number;
  /** Set-aside segments (and their notes) older than the shorter of the two retention periods. */
  quarantineFilesRemoved: number;
  /** Index rows whose file was already gone. */
  missingFiles: number;
  /** The quota or free-space floor could not be met: what is left is protected. */
  quotaUnmet: boolean;
  errors: string[];
}

export interface RetentionDeps {
  segments: SegmentRepo;
  exports: ExportRepo;
  audit: AuditRepo;
  storage: RecordingStorage;
  config: RecordingConfig;
  log: Logger;
  onFault?: (f: RecordingFault) => void;
}

const BATCH = 200;
const DAY_MS = 86_400_000;
const PLAY_CACHE_MAX_AGE_MS = 3_600_000;

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PurgeReport> | null = null;

  constructor(private readonly d: RetentionDeps) {}

  start(): void {
    this.timer ??= setInterval(
      () => void this.runOnce().catch((err: Error) => this.d.log.error(`purge failed: ${err.message}`)),
      this.d.config.retention.everyMinutes * 60_000,
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** One purge; concurrent calls (the timer and a disk-full fault) share the run in progress. */
  runOnce(now = Date.now()): Promise<PurgeReport> {
    this.running ??= this.purge(now).finally(() => (this.running = null));
    return this.running;
  }

  private async purge(now: number): Promise<PurgeReport> {
    const { config, segments, storage } = this.d;
    const r: PurgeReport = {
      at: new Date(now).toISOString(),
      alertHolds: { added: 0, released: 0 },
      byAge: { segments: 0, bytes: 0 },
      byQuota: { segments: 0, bytes: 0 },
      cameras: {},
      exportsRemoved: { count: 0, bytes: 0 },
      playCacheFilesRemoved: 0,
      quarantineFilesRemoved: 0,
      missingFiles: 0,
      quotaUnmet: false,
      errors: [],
    };
    r.alertHolds = await segments.syncAlertHolds(config.eventSeconds, config.retention.alertHoldDays);
    const cutoffs = {
      street: new Date(now - config.retention.streetDays * DAY_MS),
      checkpoint: new Date(now - config.retention.checkpointDays * DAY_MS),
    };
    for (
      let batch = await segments.expired(cutoffs, BATCH);
      batch.length;
      batch = await segments.expired(cutoffs, BATCH)
    ) {
      if (!(await this.remove(batch, r.byAge, r))) break;
    }
    for (let excess = await this.excessBytes(); excess > 0; excess = await this.excessBytes()) {
      // Only as many of the oldest as cover the excess: the quota is a ceiling, not a target to empty.
      const batch = takeCovering(await segments.oldestUnprotected(BATCH), excess);
      if (!batch.length || !(await this.remove(batch, r.byQuota, r))) {
        r.quotaUnmet = true;
        break;
      }
    }
    await this.removeReleasedExports(r);
    r.playCacheFilesRemoved = await this.pruneDir(storage.cacheDir, now - PLAY_CACHE_MAX_AGE_MS);
    r.quarantineFilesRemoved = await this.pruneQuarantine(now);
    await this.report(r);
    return r;
  }

  /** Bytes to free: over the quota, or short of the free-space floor, whichever is more. */
  private async excessBytes(): Promise<number> {
    const { maxBytes, minFreeBytes } = this.d.config.retention;
    const overQuota = maxBytes !== undefined ? (await this.d.segments.totalBytes()) - maxBytes : 0;
    const free = await this.d.storage.freeBytes();
    return Math.max(overQuota, free === null ? 0 : minFreeBytes - free);
  }

  /** Deletes rows still unprotected, then their files; returns false when none could be deleted. */
  private async remove(batch: Segment[], tally: { segments: number; bytes: number }, r: PurgeReport): Promise<boolean> {
    const deleted = await this.d.segments.deleteUnprotected(batch.map((s) => s.id));
    const dirs = new Set<string>();
    for (const s of deleted) {
      const file = this.d.storage.abs(s.path);
      try {
        await rm(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') r.missingFiles++;
        else r.errors.push(`${s.path}: ${(err as Error).message}`);
      }
      dirs.add(path.dirname(file));
      tally.segments++;
      tally.bytes += s.bytes;
      r.cameras[s.cameraId] = (r.cameras[s.cameraId] ?? 0) + 1;
    }
    // A day's directory goes with its last segment; rmdir refuses directories that still hold files.
    for (const dir of dirs) await rmdir(dir).catch(() => {});
    return deleted.length > 0;
  }

  private async removeReleasedExports(r: PurgeReport): Promise<void> {
    for (const e of await this.d.exports.releasedWithFiles()) {
      try {
        await rm(this.d.storage.exportDir(e.id), { recursive: true, force: true });
        await this.d.exports.markFilesRemoved(e.id);
        r.exportsRemoved.count++;
        r.exportsRemoved.bytes += e.bytes;
      } catch (err) {
        r.errors.push(`export ${e.id}: ${(err as Error).message}`);
      }
    }
  }

  /** Set-aside files are footage too: none outlives the shorter retention period, whatever its camera's kind. */
  private async pruneQuarantine(now: number): Promise<number> {
    const { streetDays, checkpointDays } = this.d.config.retention;
    const cutoff = now - Math.min(streetDays, checkpointDays) * DAY_MS;
    let removed = 0;
    const cameras = await readdir(this.d.storage.root, { withFileTypes: true }).catch(() => []);
    for (const c of cameras)
      if (c.isDirectory() && !c.name.startsWith('.'))
        removed += await this.pruneDir(this.d.storage.quarantineDir(c.name), cutoff);
    return removed;
  }

  private async pruneDir(dir: string, olderThanMs: number): Promise<number> {
    let removed = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const file = path.join(dir, name);
      const s = await stat(file).catch(() => null);
      if (s && s.mtimeMs < olderThanMs) {
        await rm(file, { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }

  /** One audit entry per run that removed anything (quiet runs would only lengthen the chain). */
  private async report(r: PurgeReport): Promise<void> {
    const removed = r.byAge.segments + r.byQuota.segments + r.exportsRemoved.count + r.quarantineFilesRemoved;
    if (removed || r.errors.length || r.quotaUnmet) {
      await this.d.audit.append({
        actor: 'system',
        role: 'system',
        action: 'footage.purge',
        target: null,
        details: { ...r },
      });
      this.d.log.info(
        `purge: ${r.byAge.segments} segments by age, ${r.byQuota.segments} by quota (${r.byAge.bytes + r.byQuota.bytes} bytes), ${r.exportsRemoved.count} released exports`,
      );
    }
    if (r.quotaUnmet) {
      const message =
        'recording disk over its quota or under its free-space floor, and everything left is protected (alerts, exports, cases): release holds or add disk';
      this.d.onFault?.({ cameraId: '*', kind: 'disk-full', message, at: Date.now() });
    }
    for (const e of r.errors) this.d.log.warn(`purge: ${e}`);
  }
}

/** The shortest prefix of `oldest` whose bytes reach `bytes`. */
function takeCovering(oldest: Segment[], bytes: number): Segment[] {
  let sum = 0;
  const taken: Segment[] = [];
  for (const s of oldest) {
    if (sum >= bytes) break;
    taken.push(s);
    sum += s.bytes;
  }
  return taken;
}
