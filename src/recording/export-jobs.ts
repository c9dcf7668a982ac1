// Clip export jobs: each export holds its footage, writes one MP4 per camera (stream copy) with progress,
// a manifest with every file's sha256, and audit entries; runs one at a time in this process.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../lib/logger.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CaseRepo } from '../store/case-repo.js';
import type { ExportFile, ExportRecord, ExportRepo } from '../store/export-repo.js';
import type { SegmentRepo } from '../store/segment-repo.js';
import { NoFootageError } from './clip-plan.js';
import { writeClip, type ClipResult } from './clip-writer.js';
import { ffmpegVersion, type ToolPaths } from './probe.js';
import type { RecordingStorage } from './storage.js';

export interface ExportRequest {
  cameras: string[];
  from: Date;
  to: Date;
  purpose: string;
  caseId: string | null;
  caseNumber: string | null;
  actor: string;
  role: string;
}

export interface ExportJobsDeps {
  exports: ExportRepo;
  segments: SegmentRepo;
  cases: CaseRepo;
  audit: AuditRepo;
  storage: RecordingStorage;
  log: Logger;
  tools?: ToolPaths;
}

export const CUTTING_NOTE =
  'stream copy, no re-encoding: each file starts at the last keyframe at or before `from` and ends at the first keyframe at or after `to`, so it may hold up to one keyframe interval more at each end; gaps list stretches with no recording, which the MP4 joins across';

/** Progress listeners get the export id and the overall fraction done, 0..1. */
export type ProgressListener = (exportId: string, fraction: number) => void;

export class ExportJobs {
  private queue: Promise<void> = Promise.resolve();
  private readonly live = new Map<string, number>();
  private readonly listeners = new Set<ProgressListener>();
  private stopped = false;

  constructor(private readonly d: ExportJobsDeps) {}

  /** Records the export, holds its footage (so retention keeps it), links it to the case, and queues it. */
  async create(req: ExportRequest): Promise<ExportRecord> {
    const id = randomUUID();
    // The export, its holds, its case filing and its audit entry commit together; the job is queued after.
    await this.d.exports.db.tx(async (t) => {
      await this.d.exports.on(t).create({
        id,
        cameras: req.cameras,
        from: req.from,
        to: req.to,
        purpose: req.purpose,
        caseId: req.caseId,
        requestedBy: req.actor,
        role: req.role,
      });
      for (const cameraId of req.cameras) {
        await this.d.segments.on(t).addHold({
          cameraId,
          from: req.from,
          to: req.to,
          kind: 'export',
          ref: id,
          reason: req.purpose,
          createdBy: req.actor,
          expiresAt: null,
        });
      }
      if (req.caseId)
        await this.d.cases.on(t).addItem({
          caseId: req.caseId,
          kind: 'export',
          ref: id,
          from: req.from,
          to: req.to,
          details: { cameras: req.cameras },
          addedBy: req.actor,
        });
      await this.d.audit.on(t).append({
        actor: req.actor,
        role: req.role,
        action: 'footage.export',
        target: id,
        details: {
          cameras: req.cameras,
          from: req.from.toISOString(),
          to: req.to.toISOString(),
          purpose: req.purpose,
          case: req.caseNumber,
        },
      });
    });
    this.enqueue(id);
    return (await this.d.exports.get(id)) as ExportRecord;
  }

  /** Re-queues exports a previous process left queued or running (their holds are still in place). */
  async resume(): Promise<number> {
    const ids = await this.d.exports.unfinished();
    for (const id of ids) this.enqueue(id);
    return ids.length;
  }

  /** Live progress of a running export (fresher than the database's, which is written once a second). */
  progress(id: string): number | null {
    return this.live.get(id) ?? null;
  }

  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every queued export has finished. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Lets the running export finish, skips the queued ones (they resume at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
  }

  async release(id: string, actor: string, role: string, reason: string): Promise<boolean> {
    return this.d.exports.db.tx(async (t) => {
      if (!(await this.d.exports.on(t).release(id, actor, reason))) return false;
      const holds = await this.d.segments.on(t).releaseHolds('export', [id], actor, reason);
      await this.d.audit.on(t).append({
        actor,
        role,
        action: 'footage.export.release',
        target: id,
        details: { reason, holdsReleased: holds },
      });
      return true;
    });
  }

  private enqueue(id: string): void {
    this.queue = this.queue
      .then(() => (this.stopped ? undefined : this.run(id)))
      // A database fault outside the job's own handling must not stop the exports queued after it.
      .catch((err: Error) => this.d.log.error(`export ${id}: ${err.message}`));
  }

  private async run(id: string): Promise<void> {
    const e = await this.d.exports.get(id);
    if (!e || e.status === 'done' || e.status === 'failed') return;
    await this.d.exports.setRunning(id);
    const dir = this.d.storage.exportDir(id);
    let lastSaved = 0;
    const report = (fraction: number) => {
      this.live.set(id, fraction);
      for (const l of this.listeners) l(id, fraction);
      if (Date.now() - lastSaved > 1000) {
        lastSaved = Date.now();
        void this.d.exports.setProgress(id, fraction).catch(() => {});
      }
    };
    try {
      await mkdir(dir, { recursive: true });
      const clips: { cameraId: string; clip: ClipResult }[] = [];
      const missing: { camera: string; reason: string }[] = [];
      for (const [i, cameraId] of e.cameras.entries()) {
        const segments = await this.d.segments.overlapping(cameraId, e.from, e.to, 1_000_000);
        try {
          const clip = await writeClip({
            segments,
            fromMs: e.from.getTime(),
            toMs: e.to.getTime(),
            out: path.join(dir, `${cameraId}.mp4`),
            storage: this.d.storage,
            tools: this.d.tools,
            metadata: { comment: `Vigil export ${id}, camera ${cameraId}`, title: e.purpose },
            onProgress: (f) => report((i + f) / e.cameras.length),
          });
          clips.push({ cameraId, clip });
        } catch (err) {
          if (!(err instanceof NoFootageError)) throw err;
          missing.push({ camera: cameraId, reason: err.message });
        }
      }
      if (!clips.length) throw new NoFootageError(missing.map((m) => `${m.camera}: ${m.reason}`).join('; '));
      await this.finish(e, dir, clips, missing);
    } catch (err) {
      const message = (err as Error).message;
      this.d.log.warn(`export ${id} failed: ${message}`);
      await this.d.exports.fail(id, message);
      await this.d.audit.append({
        actor: e.requestedBy,
        role: e.role,
        action: 'footage.export.failed',
        target: id,
        details: { error: message },
      });
    } finally {
      this.live.delete(id);
    }
  }

  private async finish(
    e: ExportRecord,
    dir: string,
    clips: { cameraId: string; clip: ClipResult }[],
    missing: { camera: string; reason: string }[],
  ): Promise<void> {
    const caseNumber = e.caseId ? ((await this.d.cases.find(e.caseId))?.number ?? null) : null;
    const files: ExportFile[] = clips.map(({ cameraId, clip }) => ({
      name: path.basename(clip.file),
      cameraId,
      bytes: clip.bytes,
      sha256: clip.sha256,
      durationSeconds: clip.durationSeconds,
    }));
    const manifest = {
      exportId: e.id,
      createdAt: e.createdAt.toISOString(),
      finishedAt: new Date().toISOString(),
      requestedBy: e.requestedBy,
      role: e.role,
      purpose: e.purpose,
      case: caseNumber,
      requested: { from: e.from.toISOString(), to: e.to.toISOString() },
      cutting: CUTTING_NOTE,
      tool: await ffmpegVersion(this.d.tools),
      files: clips.map(({ cameraId, clip }, i) => ({
        ...files[i],
        covers: { from: new Date(clip.plan.startMs).toISOString(), to: new Date(clip.plan.endMs).toISOString() },
        gaps: clip.plan.gaps.map((g) => ({
          from: new Date(g.fromMs).toISOString(),
          to: new Date(g.toMs).toISOString(),
        })),
        segments: clip.plan.parts.map((p) => ({
          id: p.segmentId,
          from: new Date(p.startMs).toISOString(),
          to: new Date(p.endMs).toISOString(),
        })),
        camera: cameraId,
      })),
      missing,
    };
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    const manifestSha256 = createHash('sha256').update(text).digest('hex');
    await writeFile(path.join(dir, 'manifest.json'), text);
    await this.d.exports.finish(e.id, manifest, manifestSha256, files);
    await this.d.audit.append({
      actor: e.requestedBy,
      role: e.role,
      action: 'footage.export.done',
      target: e.id,
      details: {
        files: files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })),
        manifestSha256,
        missing,
      },
    });
  }
}
