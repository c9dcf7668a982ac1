// Integration (real database, files on disk): retention by age per camera kind and by quota, oldest first,
// keeping footage held by alerts, exports and cases, with one audit entry per purge.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraSchema } from '../config/schema.js';
import { createLogger } from '../lib/logger.js';
import { AuditRepo } from '../store/audit-repo.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
import { ExportRepo } from '../store/export-repo.js';
import { migrate } from '../store/migrate.js';
import { SegmentRepo, type Segment } from '../store/segment-repo.js';
import { recordingSchema } from '../config/recording.js';
import { Retention } from './retention.js';
import { RecordingStorage } from './storage.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('Retention', () => {
  let db: Db;
  let segments: SegmentRepo;
  let exportsRepo: ExportRepo;
  let audit: AuditRepo;
  let storage: RecordingStorage;
  let tmp: string;

  const add = async (cameraId: string, daysAgo: number, bytes = 1000): Promise<Segment> => {
    const start = NOW - daysAgo * DAY;
    const rel = storage.segmentRelPath(cameraId, start);
    mkdirSync(path.dirname(storage.abs(rel)), { recursive: true });
    writeFileSync(storage.abs(rel), Buffer.alloc(bytes));
    return segments.insert({ cameraId, startAt: new Date(start), endAt: new Date(start + 60_000), path: rel, bytes });
  };
  const alive = async (s: Segment) => (await segments.get(s.id)) !== null && existsSync(storage.abs(s.path));
  const retention = (retentionConfig: Record<string, unknown>) =>
    new Retention({
      segments,
      exports: exportsRepo,
      audit,
      storage,
      log: createLogger('test', true),
      config: recordingSchema.parse({ retention: { minFreeBytes: 0, ...retentionConfig } }),
    });

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    const cam = (id: string, kind: string) =>
      cameraSchema.parse({
        id,
        name: id,
        source: 'rtsp://127.0.0.1/x',
        kind,
        checkpointLevel: kind === 'checkpoint' ? 1 : undefined,
        lat: 0,
        lon: 0,
        district: 'd',
      });
    await new CameraRepo(db).upsertAll([cam('cam-s', 'street'), cam('cam-c', 'checkpoint')]);
    segments = new SegmentRepo(db);
    exportsRepo = new ExportRepo(db);
    audit = new AuditRepo(db);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-ret-'));
    storage = new RecordingStorage(path.join(tmp, 'rec'), path.join(tmp, 'exp'));
  });
  afterAll(async () => {
    await db?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('deletes footage past its camera kind days, keeping held footage, and audits the run', async () => {
    const oldStreet = await add('cam-s', 40);
    const oldStreetHeld = await add('cam-s', 39);
    const oldStreetAlert = await add('cam-s', 38);
    const oldCheckpoint = await add('cam-c', 40);
    const recent = await add('cam-s', 1);
    await segments.addHold({
      cameraId: 'cam-s',
      from: oldStreetHeld.startAt,
      to: new Date(oldStreetHeld.startAt.getTime() + 1000),
      kind: 'export',
      ref: randomUUID(),
      reason: 'case 7',
      createdBy: 'inv',
      expiresAt: null,
    });
    const alertId = await insertAlert(db, 'cam-s', oldStreetAlert.startAt.getTime() + 20_000);

    const report = await retention({ streetDays: 30, checkpointDays: 90 }).runOnce(NOW);
    expect(report.alertHolds.added).toBe(1);
    expect(report.byAge).toEqual({ segments: 1, bytes: 1000 });
    expect(await alive(oldStreet)).toBe(false);
    for (const kept of [oldStreetHeld, oldStreetAlert, oldCheckpoint, recent]) expect(await alive(kept)).toBe(true);
    const [entry] = await audit.list({ action: 'footage.purge' });
    expect(entry.details).toMatchObject({ byAge: { segments: 1, bytes: 1000 }, cameras: { 'cam-s': 1 } });

    // A dismissed alert releases its hold: the footage falls back to ordinary retention.
    await db.query(`update alerts set status = 'dismissed' where id = $1`, [alertId]);
    const again = await retention({ streetDays: 30, checkpointDays: 90 }).runOnce(NOW);
    expect(again.alertHolds.released).toBe(1);
    expect(await alive(oldStreetAlert)).toBe(false);
    expect(await alive(oldStreetHeld)).toBe(true);
    expect((await audit.list({ action: 'footage.purge' })).length).toBe(2);
  });

  it('deletes the oldest unprotected footage while over the quota, and says when only protected footage is left', async () => {
    await db.query('delete from footage_holds');
    await db.query('delete from segments');
    const held = await add('cam-c', 10, 4000);
    const a = await add('cam-s', 9, 4000);
    const b = await add('cam-c', 8, 4000);
    const c = await add('cam-s', 7, 4000);
    await segments.addHold({
      cameraId: 'cam-c',
      from: held.startAt,
      to: held.endAt,
      kind: 'case',
      ref: randomUUID(),
      reason: 'bookmark',
      createdBy: 'inv',
      expiresAt: null,
    });
    const report = await retention({ maxBytes: 9000 }).runOnce(NOW);
    expect(report.byQuota).toEqual({ segments: 2, bytes: 8000 });
    expect(await alive(a)).toBe(false);
    expect(await alive(b)).toBe(false);
    expect(await alive(held)).toBe(true);
    expect(await alive(c)).toBe(true);
    expect(report.quotaUnmet).toBe(false);

    const faults: string[] = [];
    const tight = new Retention({
      segments,
      exports: exportsRepo,
      audit,
      storage,
      log: createLogger('test', true),
      onFault: (f) => faults.push(f.message),
      config: recordingSchema.parse({ retention: { minFreeBytes: 0, maxBytes: 1000 } }),
    });
    const full = await tight.runOnce(NOW);
    expect(await alive(held)).toBe(true);
    expect(full.quotaUnmet).toBe(true);
    expect(faults[0]).toMatch(/everything left is protected/);
  });

  it("removes an export's files only once it is released", async () => {
    const id = randomUUID();
    await exportsRepo.create({
      id,
      cameras: ['cam-s'],
      from: new Date(NOW - DAY),
      to: new Date(NOW),
      purpose: 'case 9',
      caseId: null,
      requestedBy: 'inv',
      role: 'investigator',
    });
    await exportsRepo.finish(id, { exportId: id }, 'x', [
      { name: 'cam-s.mp4', cameraId: 'cam-s', bytes: 5, sha256: 'y', durationSeconds: 1 },
    ]);
    mkdirSync(storage.exportDir(id), { recursive: true });
    writeFileSync(path.join(storage.exportDir(id), 'cam-s.mp4'), 'video');
    await retention({}).runOnce(NOW);
    expect(existsSync(storage.exportDir(id))).toBe(true);
    await exportsRepo.release(id, 'inv', 'case closed');
    const report = await retention({}).runOnce(NOW);
    expect(report.exportsRemoved).toEqual({ count: 1, bytes: 5 });
    expect(existsSync(storage.exportDir(id))).toBe(false);
    expect((await exportsRepo.get(id))?.filesRemovedAt).not.toBeNull();
  });

  it('prunes set-aside segments older than the shorter retention period, and keeps newer ones', async () => {
    const dir = storage.quarantineDir('cam-q');
    mkdirSync(dir, { recursive: true });
    const [old, fresh] = [path.join(dir, 'old.ts'), path.join(dir, 'fresh.ts')];
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'y');
    utimesSync(old, new Date(NOW - 31 * DAY), new Date(NOW - 31 * DAY));
    utimesSync(fresh, new Date(NOW - 29 * DAY), new Date(NOW - 29 * DAY));
    const report = await retention({ streetDays: 30, checkpointDays: 90 }).runOnce(NOW);
    expect(report.quarantineFilesRemoved).toBe(1);
    expect([existsSync(old), existsSync(fresh)]).toEqual([false, true]);
  });
});

/** An alert row (with the plate read and hotlist entry it references) on a camera at a time. */
async function insertAlert(db: Db, cameraId: string, capturedMs: number): Promise<string> {
  const [read, hot, alert] = [randomUUID(), randomUUID(), randomUUID()];
  const at = new Date(capturedMs).toISOString();
  await db.query(
    `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, box) values ($1,$2,'京A12345','京A12345',0.9,'ordinary',$3,$3,$3,'[0,0,1,1]')`,
    [read, cameraId, at],
  );
  await db.query(
    `insert into hotlist (id, plate, category, reason, source, added_by, priority, expires_at) values ($1,'京A12345','wanted','r','s','a',1,'2099-01-01')`,
    [hot],
  );
  await db.query(
    `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at) values ($1,$2,$3,$4,'京A12345','{}',1,$5)`,
    [alert, read, hot, cameraId, at],
  );
  return alert;
}
