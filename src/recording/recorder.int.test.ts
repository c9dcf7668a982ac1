// Integration: real ffmpeg records the real RTSP fixture server into 2 s segments; indexing, restart
// recovery, events-only deletion, an unwritable storage directory, and a full disk.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraSchema } from '../config/schema.js';
import { startRtspFixtureServer, type RtspFixtureServer } from '../ingest/rtsp-fixture-server.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { SegmentRepo, type Segment } from '../store/segment-repo.js';
import { EventsOnlyFilter } from './events-only.js';
import { probeTimes } from './probe.js';
import { Recorder, type RecordingFault } from './recorder.js';
import { SegmentFiler } from './segment-filer.js';
import { RecordingStorage } from './storage.js';

const fixture = path.resolve('fixtures/media/checkpoint.mp4');
const camera = (id: string) =>
  cameraSchema.parse({ id, name: id, source: 'rtsp://127.0.0.1/x', kind: 'street', lat: 0, lon: 0, district: 'd' });

/** Resolves when `check` passes, polling; the test's own timeout bounds it (no timed assertion). */
async function until<T>(check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Recorder', () => {
  let server: RtspFixtureServer;
  let db: Db;
  let repo: SegmentRepo;
  let tmp: string;

  beforeAll(async () => {
    server = await startRtspFixtureServer({ streams: [{ mount: '/cp', file: fixture }] });
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    await new CameraRepo(db).upsertAll(['cam-a', 'cam-e', 'cam-x', 'cam-f'].map(camera));
    repo = new SegmentRepo(db);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-rec-'));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('indexes segments as they close and recovers the open one when ffmpeg is killed', async () => {
    const storage = new RecordingStorage(path.join(tmp, 'rec'), path.join(tmp, 'exp'));
    const filer = new SegmentFiler(storage, repo);
    const rec = new Recorder({
      cameraId: 'cam-a',
      source: server.url('/cp'),
      segmentSeconds: 2,
      storage,
      filer,
      accept: async (p) => void (await filer.commit(p)),
      backoffBaseMs: 300,
    });
    const list = () => repo.overlapping('cam-a', new Date(0), new Date(Date.now() + 60_000));
    rec.start();
    await until(async () => (await list()).length >= 2);
    const before = await list();
    for (const s of before) {
      expect(existsSync(storage.abs(s.path))).toBe(true);
      expect(s.path).toMatch(/^cam-a\/\d{4}-\d{2}-\d{2}\/\d{6}\.\d{3}\.ts$/);
      const { durationSeconds } = await probeTimes(storage.abs(s.path));
      // The index's span is the file's media span (stream copy keeps timestamps).
      expect(Math.abs(durationSeconds - (s.endAt.getTime() - s.startAt.getTime()) / 1000)).toBeLessThan(0.15);
    }
    // Consecutive segments of one run abut.
    expect(Math.abs(before[1].startAt.getTime() - before[0].endAt.getTime())).toBeLessThan(50);

    // Kill mid-segment: once the open file holds some footage.
    await until(async () =>
      readdirSync(storage.incomingDir('cam-a')).some(
        (n) => /^r.*\.ts$/.test(n) && statSync(path.join(storage.incomingDir('cam-a'), n)).size > 12_000,
      ),
    );
    const killedAt = Date.now();
    process.kill(rec.pid as number, 'SIGKILL');
    const after = await until(async () => {
      const all = await list();
      const next = all.find((s) => s.startAt.getTime() > killedAt);
      return next && rec.status().restarts >= 1 ? { all, next } : null;
    });
    const firstAfter = after.all.indexOf(after.next);
    const recovered = after.all[firstAfter - 1];
    // The segment open at the kill is indexed too, and the restart's gap is no larger than the restart itself.
    expect(recovered.endAt.getTime()).toBeGreaterThan(before.at(-1)!.endAt.getTime());
    const gap = after.next.startAt.getTime() - recovered.endAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThanOrEqual(after.next.startAt.getTime() - killedAt + 1000);
    await rec.stop();
    expect(readdirSync(storage.incomingDir('cam-a'))).toEqual([]);
    expect(rec.status().state).toBe('stopped');
  });

  it('events-only keeps segments near an alert and deletes the others', async () => {
    const storage = new RecordingStorage(path.join(tmp, 'rec-e'), path.join(tmp, 'exp'));
    const filer = new SegmentFiler(storage, repo);
    const kept: Segment[] = [];
    let dropped = 0;
    let alertAt: number | null = null;
    const filter = new EventsOnlyFilter({
      eventSeconds: 1,
      graceMs: 0,
      alertNear: async (_cam, from, to) => alertAt !== null && alertAt >= from.getTime() && alertAt <= to.getTime(),
      keep: async (p) => {
        const s = await filer.commit(p);
        if (s) kept.push(s);
      },
      drop: async (p) => {
        dropped++;
        await filer.discard(p);
      },
      onError: (err) => {
        throw err;
      },
    });
    const rec = new Recorder({
      cameraId: 'cam-e',
      source: server.url('/cp'),
      segmentSeconds: 2,
      storage,
      filer,
      accept: async (p) => filter.add(p),
    });
    rec.start();
    await until(async () => dropped >= 1);
    alertAt = Date.now();
    await until(async () => kept.length >= 1);
    await rec.stop();
    await filter.flush();
    for (const s of kept)
      expect(s.startAt.getTime() - 1000 <= alertAt && s.endAt.getTime() + 1000 >= alertAt).toBe(true);
    expect((await repo.overlapping('cam-e', new Date(0), new Date(Date.now() + 60_000))).length).toBe(kept.length);
  });

  it('reports an unwritable storage directory clearly and leaves the index alone', async () => {
    const blocker = path.join(tmp, 'not-a-dir');
    writeFileSync(blocker, 'a file where the recording root should be');
    const storage = new RecordingStorage(path.join(blocker, 'rec'), path.join(tmp, 'exp'));
    const indexed = await repo.insert({
      cameraId: 'cam-x',
      startAt: new Date(1_000_000),
      endAt: new Date(1_002_000),
      path: 'cam-x/old.ts',
      bytes: 10,
    });
    const rec = new Recorder({
      cameraId: 'cam-x',
      source: server.url('/cp'),
      segmentSeconds: 2,
      storage,
      filer: new SegmentFiler(storage, repo),
      accept: async () => {},
      backoffBaseMs: 60_000,
    });
    const fault = new Promise<RecordingFault>((resolve) => rec.once('fault', resolve));
    rec.start();
    const f = await fault;
    expect(f.kind).toBe('unwritable');
    expect(f.message).toMatch(/recording directory .*not-a-dir\/rec\/cam-x\/.incoming is not writable \(ENOTDIR\)/);
    expect(rec.status()).toMatchObject({ state: 'faulted', lastError: f.message });
    await rec.stop();
    expect(await repo.get(indexed.id)).toEqual(indexed);
  });

  // A real full disk: a 120 kB tmpfs (mounting needs root, as CI runs; elsewhere the case is skipped and says why).
  const small = path.join(os.tmpdir(), `vigil-full-${process.pid}`);
  mkdirSync(small, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=120k', 'tmpfs', small]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [small]);
    rmSync(small, { recursive: true, force: true });
  });

  it.skipIf(!mounted)(
    'reports a full disk clearly and leaves the index alone (needs root to mount a small tmpfs)',
    async () => {
      const storage = new RecordingStorage(path.join(small, 'rec'), path.join(small, 'exp'));
      const indexed = await repo.insert({
        cameraId: 'cam-f',
        startAt: new Date(2_000_000),
        endAt: new Date(2_002_000),
        path: 'cam-f/old.ts',
        bytes: 10,
      });
      const rec = new Recorder({
        cameraId: 'cam-f',
        source: server.url('/cp'),
        segmentSeconds: 60,
        storage,
        filer: new SegmentFiler(storage, repo),
        accept: async () => {},
        backoffBaseMs: 60_000,
      });
      const fault = new Promise<RecordingFault>((resolve) => rec.once('fault', resolve));
      rec.start();
      const f = await fault;
      expect(f.kind).toBe('disk-full');
      expect(f.message).toMatch(/recording disk full for camera cam-f: .*No space left on device/);
      expect(rec.status().lastError).toBe(f.message);
      await rec.stop();
      expect(await repo.get(indexed.id)).toEqual(indexed);
    },
  );
});
