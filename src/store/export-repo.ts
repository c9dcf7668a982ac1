// Clip exports: who asked, why, for which cameras and times, their progress, manifest, files and release.
import type { ExportFile, ExportRecord, ExportStatus, NewExport } from '../domain/footage.js';
import type { Db } from './db.js';

export type { ExportFile, ExportRecord, ExportStatus, NewExport };

interface Row {
  id: string;
  cameras: string[];
  from_at: Date;
  to_at: Date;
  purpose: string;
  case_id: string | null;
  requested_by: string;
  role: string;
  status: ExportStatus;
  progress: number;
  error: string | null;
  manifest: Record<string, unknown> | null;
  manifest_sha256: string | null;
  created_at: Date;
  finished_at: Date | null;
  released_at: Date | null;
  released_by: string | null;
  files_removed_at: Date | null;
}

const date = (d: Date | null) => (d ? new Date(d) : null);

export class ExportRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): ExportRepo {
    return new ExportRepo(db);
  }

  async create(e: NewExport): Promise<void> {
    await this.db.query(
      `insert into exports (id, cameras, from_at, to_at, purpose, case_id, requested_by, role) values ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [e.id, e.cameras, e.from.toISOString(), e.to.toISOString(), e.purpose, e.caseId, e.requestedBy, e.role],
    );
  }

  async get(id: string): Promise<ExportRecord | null> {
    const [row] = await this.db.query<Row>('select * from exports where id = $1', [id]);
    if (!row) return null;
    const files = await this.db.query<{
      name: string;
      camera_id: string;
      bytes: string;
      sha256: string;
      duration_seconds: number;
    }>('select * from export_files where export_id = $1 order by name', [id]);
    return {
      ...this.toRecord(row),
      files: files.map((f) => ({
        name: f.name,
        cameraId: f.camera_id,
        bytes: Number(f.bytes),
        sha256: f.sha256,
        durationSeconds: f.duration_seconds,
      })),
    };
  }

  async listForCase(caseId: string): Promise<ExportRecord[]> {
    const rows = await this.db.query<{ id: string }>('select id from exports where case_id = $1 order by created_at', [
      caseId,
    ]);
    return (await Promise.all(rows.map((r) => this.get(r.id)))).filter((e): e is ExportRecord => e !== null);
  }

  async setRunning(id: string): Promise<void> {
    await this.db.query(
      `update exports set status = 'running', started_at = now(), progress = 0, error = null where id = $1`,
      [id],
    );
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.db.query('update exports set progress = $2 where id = $1', [id, progress]);
  }

  async finish(
    id: string,
    manifest: Record<string, unknown>,
    manifestSha256: string,
    files: ExportFile[],
  ): Promise<void> {
    await this.db.tx(async (t) => {
      for (const f of files) {
        await t.query(
          'insert into export_files (export_id, name, camera_id, bytes, sha256, duration_seconds) values ($1,$2,$3,$4,$5,$6)',
          [id, f.name, f.cameraId, f.bytes, f.sha256, f.durationSeconds],
        );
      }
      await t.query(
        `update exports set status = 'done', progress = 1, manifest = $2, manifest_sha256 = $3, finished_at = now() where id = $1`,
        [id, JSON.stringify(manifest), manifestSha256],
      );
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.query(`update exports set status = 'failed', error = $2, finished_at = now() where id = $1`, [
      id,
      error.slice(0, 2000),
    ]);
  }

  /** Marks the export released; false when it was already released (or does not exist). */
  async release(id: string, by: string, reason: string): Promise<boolean> {
    const rows = await this.db.query(
      'update exports set released_at = now(), released_by = $2, release_reason = $3 where id = $1 and released_at is null returning id',
      [id, by, reason],
    );
    return rows.length > 0;
  }

  /** Exports that were queued or running when the process stopped. */
  async unfinished(): Promise<string[]> {
    return (
      await this.db.query<{ id: string }>(
        `select id from exports where status in ('queued', 'running') order by created_at`,
      )
    ).map((r) => r.id);
  }

  /** Released exports whose files are still on disk: retention may remove them now. */
  async releasedWithFiles(limit = 100): Promise<{ id: string; bytes: number }[]> {
    const rows = await this.db.query<{ id: string; bytes: string | null }>(
      `select e.id, (select sum(bytes) from export_files f where f.export_id = e.id) as bytes from exports e
        where e.released_at is not null and e.files_removed_at is null and e.status in ('done', 'failed') limit $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, bytes: Number(r.bytes ?? 0) }));
  }

  async markFilesRemoved(id: string): Promise<void> {
    await this.db.query('update exports set files_removed_at = now() where id = $1', [id]);
  }

  private toRecord(r: Row): Omit<ExportRecord, 'files'> {
    return {
      id: r.id,
      cameras: r.cameras,
      from: new Date(r.from_at),
      to: new Date(r.to_at),
      purpose: r.purpose,
      caseId: r.case_id,
      requestedBy: r.requested_by,
      role: r.role,
      status: r.status,
      progress: r.progress,
      error: r.error,
      manifest: r.manifest,
      manifestSha256: r.manifest_sha256,
      createdAt: new Date(r.created_at),
      finishedAt: date(r.finished_at),
      releasedAt: date(r.released_at),
      releasedBy: r.released_by,
      filesRemovedAt: date(r.files_removed_at),
    };
  }
}
