// Integration: real ffmpeg and the real RTSP fixture server. A stream that ends after a short clip and
// resumes, segments the index refuses, and bad files left from an earlier run: each bad segment is set
// aside once, every later one is indexed, a restart does not meet the set-aside ones again, footage plays.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraSchema } from '../config/schema.js';
import { startRtspFixtureServer, type RtspFixtureServer } from '../ingest/rtsp-fixture-server.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { SegmentRepo } from '../store/segment-repo.js';
import { PlayCache } from './play-cache.js';
import { probeTimes } from './probe.js';
import { Recorder, type RecordingFault } from './recorder.js';
import { pendingName, SegmentFiler, type SetAsideSegment } from './segment-filer.js';
import { RecordingStorage } from './storage.js';

const fixture = path.resolve('fixtures/media/checkpoint.mp4');
const camera = (id: string) =>
  cameraSchema.parse({ id, name: id, source: 'rtsp://127.0.0.1/x', kind: 'street', lat: 0, lon: 0, district: 'd' });

/** Resolves when `check` passes, polling; the test's own timeout bounds it (no timed assertion). */
async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('recording goes on after a bad segment', () => {
  let db: Db;
  let repo: SegmentRepo;
  let tmp: string;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    await new CameraRepo(db).upsertAll(['cam-end', 'cam-left'].map(camera));
    repo = new SegmentRepo(db);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-segfault-'));
  });
  afterAll(async () => {
    await db?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const setup = (name: string) => {
    const storage = new RecordingStorage(path.join(tmp, name), path.join(tmp, `${name}-exp`));
    const setAside: SetAsideSegment[] = [];
    const filer = new SegmentFiler(storage, repo, { onSetAside: (s) => setAside.push(s) });
    return { storage, filer, setAside };
  };

  it(
    'a stream that ends after a short clip and resumes: the short segment is indexed with end > start, later ones too, and the range plays',
    { timeout: 240_000 },
    async () => {
      const { storage, filer, setAside } = setup('rec-end');
      let server: RtspFixtureServer = await startRtspFixtureServer({ streams: [{ mount: '/cp', file: fixture }] });
      const port = server.port;
      const faults: RecordingFault[] = [];
      const rec = new Recorder({
        cameraId: 'cam-end',
        source: server.url('/cp'),
        segmentSeconds: 4,
        storage,
        filer,
        accept: async (p) => void (await filer.commit(p)),
        backoffBaseMs: 300,
        backoffMaxMs: 1000,
      });
      rec.on('fault', (f) => faults.push(f));
      const list = () => repo.overlapping('cam-end', new Date(0), new Date(Date.now() + 60_000));
      try {
        rec.start();
        // The stream ends early: the server goes away a little over a second into the first segment.
        const incoming = storage.incomingDir('cam-end');
        await until(
          () =>
            existsSync(incoming) &&
            readdirSync(incoming).some((n) => /^r.*\.ts$/.test(n) && statSync(path.join(incoming, n)).size > 20_000),
        );
        await server.stop();
        const short = await until(async () => (await list())[0]);
        await until(() => rec.status().state === 'offline' || rec.status().restarts > 0);
        // ... and comes back on the same address; the recorder's restarts find it.
        server = await startRtspFixtureServer({ port, streams: [{ mount: '/cp', file: fixture }] });
        const all = await until(async () => {
          const segs = await list();
          return segs.filter((s) => s.startAt >= short.endAt).length >= 2 ? segs : null;
        });
        await rec.stop();

        expect(short.endAt.getTime()).toBeGreaterThan(short.startAt.getTime());
        for (const [i, s] of all.entries()) {
          expect(s.endAt.getTime()).toBeGreaterThan(s.startAt.getTime());
          if (i > 0) expect(s.startAt.getTime()).toBeGreaterThanOrEqual(all[i - 1].endAt.getTime());
        }
        expect(setAside).toEqual([]);
        expect(faults.filter((f) => f.kind !== 'index')).toEqual([]);
        // Footage across the break plays: one MP4 from the short segment to the last one.
        const clip = await new PlayCache(storage).get(
          'cam-end',
          all,
          all[0].startAt.getTime(),
          all.at(-1)!.endAt.getTime(),
        );
        const { durationSeconds } = await probeTimes(clip.file);
        const indexedSeconds = all.reduce((sum, s) => sum + (s.endAt.getTime() - s.startAt.getTime()) / 1000, 0);
        expect(durationSeconds).toBeGreaterThan(indexedSeconds - 1.5);
      } finally {
        await rec.stop();
        await server.stop();
      }
    },
  );

  it(
    'bad segments are set aside once (refused rows, no span, empty, unreadable), every later one is indexed, and a restart does not retry them',
    { timeout: 240_000 },
    async () => {
      const { storage, filer, setAside } = setup('rec-bad');
      const server = await startRtspFixtureServer({ streams: [{ mount: '/cp', file: fixture }] });
      const good = path.join(tmp, 'good.ts');
      const incoming = storage.incomingDir('cam-left');
      try {
        // A real segment to copy: recorded under a camera the index does not know, so every row is refused.
        const ghost = setup('rec-ghost');
        const refusedRec = new Recorder({
          cameraId: 'cam-ghost',
          source: server.url('/cp'),
          segmentSeconds: 2,
          storage: ghost.storage,
          filer: ghost.filer,
          accept: async (p) => void (await ghost.filer.commit(p)),
        });
        refusedRec.start();
        await until(() => ghost.setAside.length >= 3);
        await refusedRec.stop();
        // Each refused segment was set aside once, the run went on (no restart), nothing was indexed.
        expect(refusedRec.status().restarts).toBe(0);
        expect(new Set(ghost.setAside.map((s) => s.startMs)).size).toBe(ghost.setAside.length);
        expect(ghost.setAside[0].reason).toMatch(/the index refused its row: .*foreign key/);
        expect(await repo.overlapping('cam-ghost', new Date(0), new Date(Date.now() + 60_000))).toEqual([]);
        copyFileSync(ghost.setAside[1].file!, good);
        expect(JSON.parse(readFileSync(`${ghost.setAside[1].file}.json`, 'utf8'))).toMatchObject({
          cameraId: 'cam-ghost',
          reason: ghost.setAside[1].reason,
        });

        // What an earlier process left: the reported row (end not after start) with real footage, an empty
        // pending file, and an unclosed file ffprobe cannot read.
        mkdirSync(incoming, { recursive: true });
        const t0 = Date.now() - 3_600_000;
        copyFileSync(good, path.join(incoming, pendingName(t0, t0)));
        writeFileSync(path.join(incoming, pendingName(t0 + 10_000, t0 + 12_000)), '');
        writeFileSync(path.join(incoming, 'rdead0-000003.ts'), Buffer.alloc(4000, 7));

        const faults: RecordingFault[] = [];
        const start = () => {
          const r = new Recorder({
            cameraId: 'cam-left',
            source: server.url('/cp'),
            segmentSeconds: 2,
            storage,
            filer,
            accept: async (p) => void (await filer.commit(p)),
          });
          r.on('fault', (f) => faults.push(f));
          r.start();
          return r;
        };
        const list = () => repo.overlapping('cam-left', new Date(0), new Date(Date.now() + 60_000));
        let rec = start();
        await until(async () => (await list()).filter((s) => s.startAt.getTime() > t0 + 60_000).length >= 2);
        await rec.stop();
        const repaired = (await list())[0];
        expect(repaired.startAt.getTime()).toBe(t0);
        expect(repaired.endAt.getTime()).toBeGreaterThan(t0 + 1000);
        expect(setAside.map((s) => s.reason).sort()).toEqual([
          expect.stringMatching(/^ffprobe cannot read it/),
          'the file is empty',
        ]);
        expect(readdirSync(filer.quarantineDir('cam-left')).filter((n) => n.endsWith('.ts'))).toHaveLength(2);
        expect(readdirSync(incoming)).toEqual([]);

        // A closed segment whose clock gave no span (one frame left as a stream ends, or a stream delivered
        // faster than real time, so the wall-clock estimate moved back): its own duration gives the span.
        copyFileSync(good, path.join(incoming, 'rlate0-000007.ts'));
        const tLate = t0 + 600_000;
        const late = await filer.markClosed('cam-left', 'rlate0-000007.ts', tLate, tLate - 300);
        expect(late && late.endMs - late.startMs).toBeGreaterThan(1000);
        expect(await filer.commit(late!)).toMatchObject({ startAt: new Date(tLate), endAt: new Date(late!.endMs) });

        // A restart finds nothing to retry: no new set-aside, no fault, recording again.
        const before = (await list()).length;
        rec = start();
        await until(async () => (await list()).length >= before + 1);
        await rec.stop();
        expect(setAside).toHaveLength(2);
        expect(faults).toEqual([]);
      } finally {
        await server.stop();
      }
    },
  );
});
