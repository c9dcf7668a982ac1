// Integration: the footage API and CLI over a real database, real segments (the fixture filed by stream
// copy) and real ffmpeg: purpose rules, range playback, exports (ffprobed), cases, release, audit.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../src/api/auth.js';
import type { ApiEnv } from '../src/api/deps.js';
import { onError } from '../src/api/errors.js';
import { footageRoutes } from '../src/api/routes/footage.js';
import { footageCli } from '../src/cli/footage.js';
import { parseConfig } from '../src/config/load.js';
import { createLogger } from '../src/lib/logger.js';
import { sha256File } from '../src/recording/clip-writer.js';
import { RecordingService } from '../src/recording/recording-service.js';
import { importFootage } from '../src/recording/segment-import.js';
import { SegmentFiler } from '../src/recording/segment-filer.js';
import { AlertRepo } from '../src/store/alert-repo.js';
import { AuditRepo } from '../src/store/audit-repo.js';
import { CameraRepo } from '../src/store/camera-repo.js';
import { CaseRepo } from '../src/store/case-repo.js';
import { openDb, type Db } from '../src/store/db.js';
import { ExportRepo } from '../src/store/export-repo.js';
import { migrate } from '../src/store/migrate.js';
import { SegmentRepo, type Segment } from '../src/store/segment-repo.js';
import { TokenRepo } from '../src/store/token-repo.js';
import { projectRoot } from './helpers/node.js';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const yaml = `
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/a", kind: street, lat: 22.5, lon: 114.0, district: d }
  - { id: cam-b, name: B, source: "rtsp://127.0.0.1:1/b", kind: checkpoint, checkpointLevel: 1, lat: 22.5, lon: 114.0, district: d }
`;

function ffprobe(file: string): { duration: number; codec: string } {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(r.stdout) as { format: { duration: string }; streams: { codec_name: string }[] };
  return { duration: Number(j.format.duration), codec: j.streams[0].codec_name };
}

describe('footage API and CLI', () => {
  let db: Db;
  let tmp: string;
  let recording: RecordingService;
  let app: Hono;
  let server: ServerType;
  let url: string;
  let audit: AuditRepo;
  let segsA: Segment[];
  const tokens: Record<string, string> = {};

  const api = async (pathname: string, role = 'investigator', init: RequestInit = {}) => {
    const res = await app.request(`/api/v1${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json', ...init.headers },
    });
    return res;
  };
  const json = async (pathname: string, role = 'investigator', init: RequestInit = {}) => {
    const res = await api(pathname, role, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: string } };
  };
  const waitDone = async (id: string) => {
    for (;;) {
      const r = await json(`/exports/${id}`);
      if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
  };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-footage-'));
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    const config = parseConfig(yaml);
    const cameras = new CameraRepo(db);
    await cameras.upsertAll(config.cameras);
    const repos = {
      segments: new SegmentRepo(db),
      exports: new ExportRepo(db),
      cases: new CaseRepo(db),
      audit: new AuditRepo(db),
    };
    audit = repos.audit;
    const log = createLogger('footage-test', true);
    recording = new RecordingService({ config, dataDir: tmp, ...repos, log });
    await recording.start({ recorders: false, retention: false, exports: true });
    const filer = new SegmentFiler(recording.storage, repos.segments);
    const fixture = path.join(projectRoot, 'fixtures/media/checkpoint.mp4');
    // 30 s of cam-a and 10 s of cam-b in 2 s segments, from T0.
    segsA = await importFootage({
      file: fixture,
      cameraId: 'cam-a',
      startMs: T0,
      segmentSeconds: 2,
      repeat: 3,
      storage: recording.storage,
      filer,
    });
    await importFootage({
      file: fixture,
      cameraId: 'cam-b',
      startMs: T0,
      segmentSeconds: 2,
      storage: recording.storage,
      filer,
    });

    const tokenRepo = new TokenRepo(db);
    for (const role of ['investigator', 'operator', 'admin'] as const)
      tokens[role] = (await tokenRepo.create(role, role)).token;
    tokens.unit = (await tokenRepo.create('u', 'unit', 'u1')).token;
    const v1 = new Hono<ApiEnv>()
      .use(authenticate(tokenRepo))
      .route('/', footageRoutes({ log, cameras, alerts: new AlertRepo(db), ...repos, recording }));
    app = new Hono().route('/api/v1', v1);
    app.onError((err, c) => onError(err, c, log));
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await recording?.stop();
    await db?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses a search without a purpose or case, and audits one with its parameters', async () => {
    const q = `from=${iso(T0)}&to=${iso(T0 + 10_000)}`;
    const refused = await json(`/footage/cam-a?${q}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(
      /purpose is required: give purpose=<why you need this footage>.*or case=<case number>/,
    );
    expect((await json(`/footage/cam-a?${q}&case=NO-SUCH`)).body.error).toMatch(/case NO-SUCH not found/);
    expect((await json(`/footage/cam-a?${q}&purpose=x`, 'unit')).status).toBe(403);
    const listed = await json(`/footage/cam-a?${q}&purpose=robbery%20at%20gate%203`);
    expect(listed.status).toBe(200);
    const segments = listed.body.segments as { id: number; start: string; end: string }[];
    expect(segments.length).toBe(5);
    expect(segments[0].start).toBe(iso(T0));
    const [entry] = await audit.list({ action: 'footage.search' });
    expect(entry.details).toMatchObject({
      camera: 'cam-a',
      from: iso(T0),
      to: iso(T0 + 10_000),
      purpose: 'robbery at gate 3',
      results: 5,
    });
  });

  it('serves segments with range requests: 206 with the right bytes, 416 past the end', async () => {
    const seg = segsA[1];
    const bytes = readFileSync(recording.storage.abs(seg.path));
    const opening = await api(`/segments/${seg.id}?purpose=check%20range`, 'operator', {
      headers: { range: 'bytes=0-187' },
    });
    expect(Buffer.from(await opening.arrayBuffer())).toEqual(bytes.subarray(0, 188));
    const part = await api(`/segments/${seg.id}?purpose=check%20range`, 'operator', {
      headers: { range: 'bytes=188-1127' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 188-1127/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(188, 1128));
    const beyond = await api(`/segments/${seg.id}?purpose=check%20range`, 'operator', {
      headers: { range: `bytes=${bytes.length}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect((await api(`/segments/${seg.id}`, 'operator')).status).toBe(400);
    // The viewing is audited once: its continuation requests are not.
    const entries = await audit.list({ action: 'footage.segment' });
    expect(entries.map((e) => e.details)).toEqual([
      {
        camera: 'cam-a',
        from: seg.startAt.toISOString(),
        to: seg.endAt.toISOString(),
        purpose: 'check range',
        case: null,
      },
    ]);
  });

  it('plays a range as one seekable MP4', async () => {
    const res = await api(
      `/footage/cam-a/play?from=${iso(T0 + 2500)}&to=${iso(T0 + 7500)}&purpose=review`,
      'operator',
      { headers: { range: 'bytes=0-99' } },
    );
    expect(res.status).toBe(206);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('x-footage-start')).toBe(iso(T0 + 2000));
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
  });

  it('exports several cameras under a case, one playable MP4 each, with manifest, and the CLI downloads one', async () => {
    const opened = await json('/cases', 'investigator', {
      method: 'POST',
      body: JSON.stringify({ number: 'XA-2026-0042', title: 'theft at gate 3' }),
    });
    expect(opened.status).toBe(201);
    expect(
      (
        await json('/cases', 'investigator', {
          method: 'POST',
          body: JSON.stringify({ number: 'XA-2026-0042', title: 'again' }),
        })
      ).status,
    ).toBe(409);
    const from = T0 + 3500;
    const to = T0 + 13_500;
    const created = await json('/exports', 'investigator', {
      method: 'POST',
      body: JSON.stringify({ cameras: ['cam-a', 'cam-b'], from: iso(from), to: iso(to), case: 'XA-2026-0042' }),
    });
    expect(created.status).toBe(202);
    const done = await waitDone(created.body.id as string);
    expect(done.status).toBe('done');
    const manifest = done.manifest as {
      case: string;
      cutting: string;
      files: { camera: string; name: string; sha256: string; covers: { from: string; to: string } }[];
      missing: unknown[];
    };
    expect(manifest.case).toBe('XA-2026-0042');
    expect(manifest.cutting).toMatch(/keyframe/);
    const a = manifest.files.find((f) => f.camera === 'cam-a')!;
    // Keyframes every second: the clip starts at 3 s and ends at 14 s.
    expect(a.covers).toEqual({ from: iso(T0 + 3000), to: iso(T0 + 14_000) });
    const res = await api(`/exports/${done.id}/files/cam-a.mp4`);
    const out = path.join(tmp, 'a.mp4');
    writeFileSync(out, Buffer.from(await res.arrayBuffer()));
    expect(await sha256File(out)).toBe(a.sha256);
    const probed = ffprobe(out);
    expect(probed.codec).toBe('h264');
    expect(Math.abs(probed.duration - 11)).toBeLessThan(0.15);
    expect(spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 'null', '-'], { encoding: 'utf8' }).stderr).toBe('');
    // cam-b has 10 s of footage: its file ends where the recording ends.
    expect(manifest.files.find((f) => f.camera === 'cam-b')!.covers.to).toBe(iso(T0 + 10_000));

    const caseView = await json('/cases/XA-2026-0042');
    expect((caseView.body.exports as { id: string }[]).map((e) => e.id)).toEqual([done.id]);
    await json(`/cases/XA-2026-0042/bookmarks`, 'investigator', {
      method: 'POST',
      body: JSON.stringify({ camera: 'cam-a', from: iso(T0), to: iso(T0 + 4000), note: 'suspect enters' }),
    });
    await json(`/footage/cam-b?from=${iso(T0)}&to=${iso(T0 + 4000)}&case=XA-2026-0042`);
    const full = await json('/cases/XA-2026-0042');
    expect((full.body.bookmarks as { note: string }[])[0].note).toBe('suspect enters');
    expect((full.body.searches as { details: { camera: string } }[]).map((s) => s.details.camera)).toEqual(['cam-b']);

    // The export holds its footage until released; releasing twice is refused.
    const listed = await json(`/footage/cam-a?from=${iso(from)}&to=${iso(to)}&purpose=check%20holds`);
    expect((listed.body.segments as { protectedBy: string[] }[]).every((s) => s.protectedBy.includes('export'))).toBe(
      true,
    );
    expect(
      (
        await json(`/exports/${done.id}/release`, 'operator', {
          method: 'POST',
          body: JSON.stringify({ reason: 'case closed' }),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await json(`/exports/${done.id}/release`, 'admin', {
          method: 'POST',
          body: JSON.stringify({ reason: 'case closed' }),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await json(`/exports/${done.id}/release`, 'admin', {
          method: 'POST',
          body: JSON.stringify({ reason: 'again' }),
        })
      ).status,
    ).toBe(409);

    const sink = new PassThrough();
    let printed = '';
    sink.on('data', (d: Buffer) => (printed += d.toString()));
    const cliOut = path.join(tmp, 'cli.mp4');
    const code = await footageCli(
      ['export', 'cam-a', iso(T0 + 1000), iso(T0 + 25_000), cliOut, '--purpose', 'cli check'],
      { apiUrl: url, apiToken: tokens.investigator },
      sink,
      100,
    );
    expect(code).toBe(0);
    expect(printed).toMatch(/\[#{20}\] 100% done/);
    expect(printed).toMatch(/cli\.mp4: 24\.0 s/);
    expect(statSync(`${cliOut}.manifest.json`).size).toBeGreaterThan(0);
    expect(Math.abs(ffprobe(cliOut).duration - 24)).toBeLessThan(0.15);
    expect(
      await footageCli(
        ['export', 'cam-a', '2026-11-24T10:00', iso(T0), cliOut, '--purpose', 'x'],
        { apiUrl: url, apiToken: tokens.investigator },
        sink,
      ),
    ).toBe(2);
    expect(printed).toMatch(/FROM: give an ISO time with a zone/);
    expect((await audit.verify()).brokenAt).toBeNull();
  });

  it('links an alert to a case, holding its footage until the case is closed', async () => {
    await json('/cases', 'investigator', {
      method: 'POST',
      body: JSON.stringify({ number: 'XA-2026-0043', title: 'stolen car' }),
    });
    const alertId = await insertAlert(db, 'cam-b', T0 + 5000);
    const linked = await json('/cases/XA-2026-0043/alerts', 'investigator', {
      method: 'POST',
      body: JSON.stringify({ alert: alertId, note: 'the car' }),
    });
    expect(linked.status).toBe(201);
    const q = `from=${iso(T0)}&to=${iso(T0 + 10_000)}&case=XA-2026-0043`;
    const held = await json(`/footage/cam-b?${q}`);
    expect((held.body.segments as { protectedBy: string[] }[]).every((s) => s.protectedBy.includes('case'))).toBe(true);
    const closed = await json('/cases/XA-2026-0043/close', 'investigator', {
      method: 'POST',
      body: JSON.stringify({ reason: 'solved' }),
    });
    expect(closed.body.holdsReleased).toBe(1);
    expect((await json(`/footage/cam-b?${q}`)).body.error).toMatch(/case XA-2026-0043 is closed/);
    const after = await json(`/footage/cam-b?from=${iso(T0)}&to=${iso(T0 + 10_000)}&purpose=after%20close`);
    expect((after.body.segments as { protectedBy: string[] }[]).some((s) => s.protectedBy.includes('case'))).toBe(
      false,
    );
  });
});

/** An alert row (with the plate read and hotlist entry it references) on a camera at a time. */
async function insertAlert(db: Db, cameraId: string, capturedMs: number): Promise<string> {
  const [read, hot, alert] = [randomUUID(), randomUUID(), randomUUID()];
  const at = iso(capturedMs);
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
