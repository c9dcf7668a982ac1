// Integration: 6,000 seeded malformed requests over every route of the API (read from the Hono app, so new
// routes join by themselves) with each role's token, through app.request() on a real node (PGlite in memory,
// real Redis under a fresh prefix): no 500, every refusal a JSON {error}, the node stays up, and no rejected
// request changes the hotlist, the alerts or the audit chain.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzGenerator, type Route } from './helpers/fuzz-requests.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { plateReadOf } from '../src/jobs/match-plate-read.js';

/** VIGIL_FUZZ_REQUESTS runs more (or, while working on one case, fewer); 6,000 by default. */
const REQUESTS = Number(process.env.VIGIL_FUZZ_REQUESTS ?? 6_000);
const SEED = 12_2026;
const MAX_BODY = 64 * 1024;

const yaml = `
server: { maxBodyBytes: ${MAX_BODY} }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5, lon: 114.0, district: d1, enabled: false }
units:
  - { id: car-11, callsign: C11, type: car, homeGrid: g1 }
`;

type App = NonNullable<TestNode['node']['app']>;

interface Snapshot {
  hotlist: string;
  alerts: string;
  audit: number;
}

describe('API fuzz', () => {
  let t: TestNode;
  let app: App;
  const tokens: string[] = [];
  const ids: Record<string, string[]> = {};

  const snapshot = async (): Promise<Snapshot> => {
    const db = t.node.infra.db;
    const [h] = await db.query<{ s: string | null }>(
      `select md5(string_agg(id::text || active::text || reason || expires_at::text, ',' order by id)) as s from hotlist`,
    );
    const [a] = await db.query<{ s: string | null }>(
      `select md5(string_agg(id::text || status || coalesce(disposition_reason, ''), ',' order by id)) as s from alerts`,
    );
    const [n] = await db.query<{ n: string }>('select count(*) as n from audit_log');
    return { hotlist: h.s ?? '', alerts: a.s ?? '', audit: Number(n.n) };
  };

  beforeAll(async () => {
    t = await startTestNode('fuzz', yaml, { databaseUrl: 'memory://' });
    app = t.node.app as App;
    const admin = await t.token('admin');
    tokens.push(
      admin,
      await t.token('operator'),
      await t.token('investigator'),
      await t.token('checkpoint', 'cam-a'),
      await t.token('unit', 'car-11'),
    );
    // Something real behind some ids, so malformed requests also reach the code past the id look-up.
    const entry = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: '粤B4E7K2',
        category: 'stolen_vehicle',
        reason: 'stolen 2026-11-01',
        source: 'bulletin 12',
        expiresAt: '2030-01-01T00:00:00Z',
        why: 'case 2026-1',
      }),
    });
    const hotlistId = entry.body.id as string;
    const readId = randomUUID();
    const now = Date.now();
    await t.node.infra.repos.plateReads.upsert(
      plateReadOf({
        eventId: readId,
        cameraId: 'cam-a',
        plate: '粤B4E7K2',
        confidence: 0.9,
        format: 'cn',
        firstSeen: now,
        lastSeen: now,
        capturedAt: now,
        readCount: 1,
        box: [1, 2, 3, 4],
        update: false,
      }),
    );
    const { alert } = await t.node.infra.repos.alerts.upsert({
      plateReadId: readId,
      hotlistId,
      cameraId: 'cam-a',
      plate: '粤B4E7K2',
      priority: 1,
      capturedAt: now,
      match: { level: 'exact', ocrSubstitutions: 0, otherDifferences: 0, provinceDiffers: false },
    });
    const kase = await t.api('/cases', admin, {
      method: 'POST',
      body: JSON.stringify({ number: '2026-77', title: 'fuzz case' }),
    });
    Object.assign(ids, {
      id: [hotlistId, readId, alert.id, kase.body.id as string, 'cam-a', 'car-11', '2026-77'],
      alertId: [alert.id],
      camera: ['cam-a'],
      photoId: [randomUUID()],
      name: ['manifest.json'],
    });
  });
  afterAll(async () => t?.stop());

  it('answers every malformed request with a 4xx JSON error and changes nothing it rejects', async () => {
    const routes: Route[] = [
      ...new Map(
        app.routes
          .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/'))
          .map((r) => ({ method: r.method, path: r.path.slice('/api/v1'.length) }))
          .map((r) => [`${r.method} ${r.path}`, r]),
      ).values(),
    ];
    expect(routes.length).toBeGreaterThan(40);
    const gen = new FuzzGenerator(SEED, tokens, ids, MAX_BODY);
    const before = await snapshot();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let state = before;
    for (let i = 0; i < REQUESTS; i++) {
      const req = gen.next(routes);
      const res = await app.request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body as BodyInit | undefined,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const type = res.headers.get('content-type') ?? '';
      // A stream (SSE, live view) that opened is closed at once: the fuzz wants its status, not its content.
      const text =
        type.startsWith('text/event-stream') || type.startsWith('video/')
          ? (await res.body?.cancel(), '')
          : await res.text();
      const label = `#${i} ${req.method} ${req.url} [${req.kind}] -> ${res.status}`;
      if (res.status >= 500 && res.status !== 503) failures.push(`${label}: ${text.slice(0, 300)}`);
      if (res.status >= 400) {
        let body: { error?: unknown } = {};
        try {
          body = JSON.parse(text) as { error?: unknown };
        } catch {
          failures.push(`${label}: not JSON: ${text.slice(0, 100)}`);
        }
        if (typeof body.error !== 'string' || !body.error) failures.push(`${label}: no error message`);
        const after = await snapshot();
        // A refused face search or enrolment is audited by design (422); nothing else that is refused writes.
        const auditGrew = after.audit !== state.audit && res.status !== 422;
        if (after.hotlist !== state.hotlist || after.alerts !== state.alerts || auditGrew)
          failures.push(`${label}: state changed by a rejected request`);
        state = after;
      } else {
        state = await snapshot();
      }
      if (failures.length > 20) break;
    }
    expect(failures).toEqual([]);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    // Still up, and the audit chain still verifies end to end.
    expect((await app.request('/healthz')).status).toBe(200);
    const verify = await app.request('/api/v1/admin/audit/verify', {
      headers: { authorization: `Bearer ${tokens[0]}` },
    });
    expect(await verify.json()).toMatchObject({ brokenAt: null });
    console.log(
      `fuzz: ${REQUESTS} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
  }, 900_000);

  describe('the cases the first fuzz found', () => {
    const call = async (path: string, init: RequestInit & { role?: number } = {}) => {
      const headers = {
        authorization: `Bearer ${tokens[init.role ?? 0]}`,
        ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      };
      const res = await app.request(`/api/v1${path}`, { ...init, headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const listing = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        plate: '京A12345',
        category: 'wanted',
        reason: 'armed robbery',
        source: 'bulletin 7',
        expiresAt: '2030-01-01T00:00:00Z',
        why: 'case 2026-2',
        ...extra,
      });

    it('refuses a NUL byte in why on every hotlist change, naming the field, and stores, indexes and audits nothing', async () => {
      const before = await snapshot();
      const created = await call('/hotlist', { method: 'POST', body: listing({ why: 'case\u00002026' }) });
      expect(created).toMatchObject({
        status: 400,
        body: { details: [expect.stringMatching(/^body\.why: contains a NUL byte/)] },
      });
      expect(t.node.hotlistIndex.lookup('京A12345')).toEqual([]);
      const id = ids.id[0];
      expect(
        (await call(`/hotlist/${id}`, { method: 'PATCH', body: JSON.stringify({ reason: 'x', why: 'a\u0000b' }) }))
          .status,
      ).toBe(400);
      const del = await call(`/hotlist/${id}?why=a%00b`, { method: 'DELETE' });
      expect(del).toMatchObject({ status: 400, body: { error: expect.stringMatching(/query why/) } });
      expect(await snapshot()).toEqual(before);
      expect(t.node.hotlistIndex.lookup('粤B4E7K2').length).toBe(1);
    });

    it('lists a plate once: the same live plate and category again is a 409 naming the entry', async () => {
      const first = await call('/hotlist', { method: 'POST', body: listing() });
      expect(first.status).toBe(201);
      const again = await call('/hotlist', { method: 'POST', body: listing() });
      expect(again).toMatchObject({ status: 409, body: { details: { existingId: first.body.id } } });
      const { body } = await call('/hotlist?plate=京A12345');
      expect(body).toMatchObject({ total: 1, nextOffset: null });
    });

    it('imports a CSV once: a retried import skips the rows listed already and names them', async () => {
      const csv =
        'plate,category,reason,source,priority,expiresAt\n川A77777,wanted,armed robbery,bulletin 9,1,2030-01-01T00:00:00Z\n';
      const send = () =>
        call('/hotlist/import?why=bulletin%209', {
          method: 'POST',
          body: csv,
          headers: { 'content-type': 'text/csv' },
        });
      expect((await send()).body).toMatchObject({ imported: 1, skipped: [] });
      const again = await send();
      expect(again).toMatchObject({
        status: 200,
        body: { imported: 0, skipped: [{ plate: '川A77777', existingId: expect.any(String) }] },
      });
    });

    it('answers 404 for ids that are not ids', async () => {
      for (const path of [
        '/hotlist/abc',
        '/plate-reads/abc/crop.jpg',
        '/sightings/abc/crop.jpg',
        '/alerts/------------------------------------',
      ]) {
        expect((await call(path)).status, path).toBe(404);
      }
      expect((await call('/units/car-11/alerts/abc/ack', { method: 'POST', role: 4 })).status).toBe(404);
    });

    it('refuses a NUL byte in any string that reaches SQL: plate search, audit filter, case title, a reason', async () => {
      const search = await call('/plate-reads?plate=A1%00&purpose=check');
      expect(search).toMatchObject({ status: 400, body: { error: expect.stringMatching(/query plate/) } });
      expect((await call('/admin/audit?action=hotlist.create%00')).status).toBe(400);
      expect(
        (await call('/cases', { method: 'POST', body: JSON.stringify({ number: '2026-9', title: 'a\u0000' }) })).status,
      ).toBe(400);
      const disposition = await call(`/alerts/${ids.alertId[0]}/disposition`, {
        method: 'POST',
        role: 1,
        body: JSON.stringify({ verdict: 'dismiss', reason: 'no\u0000' }),
      });
      expect(disposition).toMatchObject({
        status: 400,
        body: { details: ['body.reason: contains a NUL byte (\\u0000): remove it'] },
      });
      expect((await call('/admin/audit?action=a%ED%A0%80')).status).toBe(400);
    });

    it('refuses malformed multipart, a body over the limit and broken JSON with a JSON error', async () => {
      for (const path of ['/subjects', '/faces/search']) {
        const res = await call(path, {
          method: 'POST',
          body: new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="why"\r\n\r\nno end'),
          headers: { 'content-type': 'multipart/form-data; boundary=b' },
        });
        expect(res, path).toMatchObject({ status: 400, body: { error: expect.stringMatching(/multipart/) } });
      }
      const huge = await call('/hotlist', { method: 'POST', body: listing({ reason: 'x'.repeat(MAX_BODY) }) });
      expect(huge).toMatchObject({ status: 413, body: { error: expect.stringMatching(/larger than/) } });
      expect((await call('/hotlist', { method: 'POST', body: '{"why":' })).status).toBe(400);
    });

    it('asks a stranger who they are before it reads their input: 401, not 400, and the sign-in input is still checked', async () => {
      const stranger = (path: string, body: string) =>
        app.request(`/api/v1${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      for (const body of ['{"why":', '{"why":"a\\u0000b"}'])
        expect((await stranger('/hotlist', body)).status, body).toBe(401);
      expect((await app.request('/api/v1/plate-reads?plate=A1%00')).status).toBe(401);
      const signIn = await stranger('/session/sign-in', '{"username":"a\\u0000","password":"x"}');
      expect(signIn.status).toBe(400);
    });

    it('refuses an authorisation naming an unknown camera with a 400 that names it', async () => {
      const body = {
        approved_by: 'Chief A',
        legal_reference: 'order 12',
        cameras: ['nowhere-9'],
        starts_at: new Date().toISOString(),
        ends_at: '2030-01-01T00:00:00Z',
      };
      const res = await call('/authorisations', { method: 'POST', body: JSON.stringify(body) });
      expect(res).toMatchObject({
        status: 400,
        body: { details: ['cameras: unknown cameras: nowhere-9 (name configured camera ids)'] },
      });
    });

    it('gives lists their total beyond the page: the badge counts every open alert', async () => {
      const now = Date.now();
      for (let i = 0; i < 3; i++) {
        const readId = randomUUID();
        await t.node.infra.repos.plateReads.upsert(
          plateReadOf({
            eventId: readId,
            cameraId: 'cam-a',
            plate: '粤B4E7K2',
            confidence: 0.9,
            format: 'cn',
            firstSeen: now,
            lastSeen: now,
            capturedAt: now,
            readCount: 1,
            box: [1, 2, 3, 4],
            update: false,
          }),
        );
        await t.node.infra.repos.alerts.upsert({
          plateReadId: readId,
          hotlistId: ids.id[0],
          cameraId: 'cam-a',
          plate: '粤B4E7K2',
          priority: 1,
          capturedAt: now,
          match: { level: 'exact', ocrSubstitutions: 0, otherDifferences: 0, provinceDiffers: false },
        });
      }
      const open = await t.node.infra.repos.alerts.count({ status: 'candidate' });
      const page = await call('/alerts?status=candidate&limit=2');
      expect(page.body).toMatchObject({ total: open, limit: 2, offset: 0, nextOffset: 2 });
      expect((page.body.alerts as unknown[]).length).toBe(2);
      const audit = await call('/admin/audit?limit=2');
      expect(audit.body).toMatchObject({ total: expect.any(Number), nextAfter: expect.any(Number) });
    });

    it('commits a change with its audit entry or not at all: a failing audit append leaves no hotlist entry', async () => {
      const db = t.node.infra.db;
      // The audit log refuses this one entry, as a full disk or a broken connection would at that moment.
      await db.exec(`create function fuzz_refuse() returns trigger language plpgsql as $$ begin
          if new.details->>'why' = 'audit will fail' then raise exception 'audit append refused'; end if; return new; end $$;
        create trigger fuzz_refuse before insert on audit_log for each row execute function fuzz_refuse();`);
      try {
        const before = await snapshot();
        const res = await call('/hotlist', {
          method: 'POST',
          body: listing({ plate: '沪C99999', why: 'audit will fail' }),
        });
        expect(res).toMatchObject({ status: 500, body: { error: expect.stringMatching(/not completed/) } });
        expect(await snapshot()).toEqual(before);
        expect(t.node.hotlistIndex.lookup('沪C99999')).toEqual([]);
      } finally {
        await db.exec('drop trigger fuzz_refuse on audit_log; drop function fuzz_refuse();');
      }
    });
  });
});
