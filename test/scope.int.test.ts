// Integration: scoped roles on a whole node (real Redis, PGlite, queues, dispatch). An operator of district A
// never sees district B's alerts (list, item, live event, crop), cameras or units; a checkpoint cannot fetch
// another camera's crop, a unit only the crops of its offers; investigators search their scope unless a case
// grants more; a four-eyes face confirmation needs two people, not two tokens of one person.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Scope } from '../src/domain/scope.js';
import type { Principal, Role, TokenRepo } from '../src/store/token-repo.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient } from './helpers/sse.js';

const PLATE_A = '粤B4E7K2';
const PLATE_B = '粤B7Q3M9';

const yaml = `
dispatch: { ackTimeoutSeconds: 600 }
cameras:
  - { id: cam-a1, name: A street, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5431, lon: 114.0579, district: dist-a, grid: ga, enabled: false }
  - { id: gate-a, name: A gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5441, lon: 114.0589, district: dist-a, grid: ga, enabled: false }
  - { id: cam-b1, name: B street, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.6431, lon: 114.1579, district: dist-b, grid: gb, enabled: false }
  - { id: gate-b, name: B gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.6441, lon: 114.1589, district: dist-b, grid: gb, enabled: false }
units:
  - { id: u-a, callsign: A1, type: car, homeGrid: ga, district: dist-a }
  # No district of its own: the district of the cameras in its home grid (gb: dist-b).
  - { id: u-b, callsign: B1, type: car, homeGrid: gb }
demo:
  enabled: true
  streams: []
  hotlist:
    - { plate: ${PLATE_A}, category: stolen_vehicle, reason: stolen (scope test), priority: 1 }
    - { plate: ${PLATE_B}, category: stolen_vehicle, reason: stolen (scope test), priority: 1 }
  positions:
    - { unit: u-a, lat: 22.5451, lon: 114.0579 }
    - { unit: u-b, lat: 22.6451, lon: 114.1579 }
`;

/**
 * Who has which scope and who is which person is the accounts' part (users, sessions); here it is given to
 * device tokens through the node's own token repository, so every request still runs the real middleware.
 */
function scopedTokens(tokens: TokenRepo) {
  const extra = new Map<string, Partial<Principal>>();
  const resolve = tokens.resolve.bind(tokens);
  const byId = tokens.byId.bind(tokens);
  const widen = (p: Principal | null) => (p ? { ...p, ...extra.get(p.tokenId) } : null);
  tokens.resolve = async (secret) => widen(await resolve(secret));
  tokens.byId = async (id) => widen(await byId(id));
  let n = 0;
  return async (role: Role, opts: { subject?: string; scope?: Scope | null; personId?: string } = {}) => {
    const { token, principal } = await tokens.create(`${role}-scoped-${++n}`, role, opts.subject ?? null);
    extra.set(principal.tokenId, { scope: opts.scope ?? null, ...(opts.personId ? { personId: opts.personId } : {}) });
    return token;
  };
}

type Body = Record<string, unknown>;
type AlertView = { id: string; camera?: { id: string } | null; cameraId?: string; plateReadId?: string };
const cameraOf = (a: AlertView) => a.cameraId ?? a.camera?.id;

describe('scoped roles', () => {
  let t: TestNode;
  let token: ReturnType<typeof scopedTokens>;
  let opA: string;
  let opB: string;
  let opAll: string;
  let streamA: SseClient;
  let streamAll: SseClient;
  const reads: Record<'a' | 'b', string> = { a: '', b: '' };
  const alerts: Record<'a' | 'b', string> = { a: '', b: '' };

  const readAt = async (cameraId: string, plate: string) => {
    const eventId = randomUUID();
    const cropJpeg = (
      await sharp({ create: { width: 120, height: 40, channels: 3, background: '#1040c0' } })
        .jpeg()
        .toBuffer()
    ).toString('base64');
    const now = Date.now();
    await t.node.queues.add('plate-reads', {
      eventId,
      cameraId,
      plate,
      confidence: 0.95,
      format: 'cn-ordinary',
      firstSeen: now,
      lastSeen: now,
      capturedAt: now,
      readCount: 1,
      box: [1, 2, 3, 4],
      cropJpeg,
      update: false,
    });
    return eventId;
  };
  // expect.poll runs inside tests only; this one runs in beforeAll.
  const alertOf = async (readId: string) => {
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      const found = ((await t.api('/alerts?limit=500', opAll)).body.alerts as AlertView[]).find(
        (a) => a.plateReadId === readId,
      );
      if (found) return found.id;
    }
    throw new Error(`no alert for plate read ${readId} within 30 s`);
  };
  const status = async (path: string, tok: string) =>
    (await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${tok}` } })).status;

  beforeAll(async () => {
    t = await startTestNode('scope', yaml);
    token = scopedTokens(t.node.infra.repos.tokens);
    opA = await token('operator', { scope: { districts: ['dist-a'], cameras: [] } });
    opB = await token('operator', { scope: { districts: ['dist-b'], cameras: [] } });
    opAll = await token('operator');
    streamA = new SseClient(`${t.url}/api/v1/stream`, opA);
    streamAll = new SseClient(`${t.url}/api/v1/stream`, opAll);
    await Promise.all([streamA.ready, streamAll.ready]);
    await streamA.waitFor((e) => e.event === 'hello');
    // B's hit first: by the time A's own hit reaches operator A, B's was published long before.
    reads.b = await readAt('cam-b1', PLATE_B);
    alerts.b = await alertOf(reads.b);
    reads.a = await readAt('cam-a1', PLATE_A);
    alerts.a = await alertOf(reads.a);
  });

  afterAll(async () => {
    streamA?.close();
    streamAll?.close();
    await t?.stop();
  });

  it("lists only the operator's district's alerts, with a total that counts only those", async () => {
    const a = (await t.api('/alerts', opA)).body as Body;
    expect((a.alerts as AlertView[]).map(cameraOf)).toEqual(['cam-a1']);
    expect(a.total).toBe(1);
    const b = (await t.api('/alerts', opB)).body as Body;
    expect((b.alerts as AlertView[]).map((x) => x.id)).toEqual([alerts.b]);
    expect(b.total).toBe(1);
    expect(((await t.api('/alerts', opAll)).body as Body).total).toBe(2);
  });

  it("answers 404 for another district's alert, and refuses to dispose of it", async () => {
    expect((await t.api(`/alerts/${alerts.b}`, opA)).status).toBe(404);
    expect((await t.api(`/alerts/${alerts.a}`, opA)).status).toBe(200);
    const dispose = await t.api(`/alerts/${alerts.b}/disposition`, opA, {
      method: 'POST',
      body: JSON.stringify({ verdict: 'dismiss', reason: 'not mine to judge' }),
    });
    expect(dispose.status).toBe(404);
    expect(((await t.api(`/alerts/${alerts.b}`, opAll)).body as Body).status).toBe('candidate');
  });

  it("never streams another district's alert event to a scoped operator", async () => {
    await streamA.waitFor((e) => e.event === 'alert' && e.data.alertId === alerts.a, 30_000, "A's alert event");
    // The unscoped operator heard B's hit, so it was published; operator A never did.
    await streamAll.waitFor((e) => e.event === 'alert' && e.data.alertId === alerts.b, 30_000, "B's alert event");
    const aboutB = streamA.events.filter((e) => e.data.alertId === alerts.b || e.data.cameraId === 'cam-b1');
    expect(aboutB).toEqual([]);
    expect(streamA.events.filter((e) => e.event === 'alert').every((e) => e.data.cameraId === 'cam-a1')).toBe(true);
  });

  it("shows a scoped operator its district's cameras and units only", async () => {
    const cams = ((await t.api('/cameras', opA)).body.cameras as { id: string }[]).map((c) => c.id).sort();
    expect(cams).toEqual(['cam-a1', 'gate-a']);
    expect((await t.api('/cameras/cam-b1', opA)).status).toBe(404);
    const units = ((await t.api('/units', opA)).body.units as { id: string }[]).map((u) => u.id);
    expect(units).toEqual(['u-a']);
    // u-b has no district of its own: its home grid's cameras put it in dist-b.
    expect(((await t.api('/units', opB)).body.units as { id: string }[]).map((u) => u.id)).toEqual(['u-b']);
    expect(((await t.api('/units', opAll)).body.units as unknown[]).length).toBe(2);
    // Nor may it command another district's unit.
    expect(
      (
        await t.api('/units/u-a/status', opB, {
          method: 'POST',
          body: JSON.stringify({ status: 'off_duty', reason: 'not mine' }),
        })
      ).status,
    ).toBe(404);
  });

  it("gives each principal only the crops it may see: scope, a checkpoint's own camera, a unit's offers", async () => {
    const crop = (id: string) => `/plate-reads/${id}/crop.jpg`;
    expect(await status(crop(reads.a), opA)).toBe(200);
    expect(await status(crop(reads.b), opA)).toBe(404);
    expect(await status(crop(reads.b), opB)).toBe(200);

    const gateA = await token('checkpoint', { subject: 'gate-a' });
    const gateB = await token('checkpoint', { subject: 'gate-b' });
    const gateRead = await readAt('gate-a', '粤A00001');
    await expect.poll(() => t.node.infra.repos.plateReads.get(gateRead), { timeout: 15_000 }).toBeTruthy();
    expect(await status(crop(gateRead), gateA)).toBe(200);
    expect(await status(crop(gateRead), gateB)).toBe(404);
    // Another camera's read that was never shown to this checkpoint (normal duty level: own camera's hits only).
    expect(await status(crop(reads.b), gateA)).toBe(404);

    // Each hit was offered to the nearest unit: u-a for A's, u-b for B's.
    const unitA = await token('unit', { subject: 'u-a' });
    const unitB = await token('unit', { subject: 'u-b' });
    await expect.poll(() => status(crop(reads.a), unitA), { timeout: 30_000 }).toBe(200);
    expect(await status(crop(reads.a), unitB)).toBe(404);
    expect(await status(crop(gateRead), unitA)).toBe(404);
  });

  it("limits an investigator's searches to its scope unless a case grants more", async () => {
    const inv = await token('investigator', { scope: { districts: ['dist-a'], cameras: [] } });
    const admin = await token('admin');
    const search = async (q: string) =>
      (await t.api(`/plate-reads?${q}`, inv)).body as {
        reads: { id: string; cropUrl: string | null }[];
        total: number;
      };
    // District A's reads (cam-a1's hit and the gate-a read of the test before), never B's.
    const own = await search('purpose=scope%20test');
    expect(own.reads.map((r) => r.id)).toContain(reads.a);
    expect(own.reads.map((r) => r.id)).not.toContain(reads.b);
    expect(own.total).toBe(own.reads.length);
    // Asking for B's camera by name narrows to nothing: no total leaks.
    const named = await search('camera=cam-b1&purpose=scope%20test');
    expect(named.reads).toEqual([]);
    expect(named.total).toBe(0);

    expect(
      (
        await t.api('/cases', inv, {
          method: 'POST',
          body: JSON.stringify({ number: 'SC-1', title: 'cross-district theft' }),
        })
      ).status,
    ).toBe(201);
    const grant = { districts: ['dist-b'], cameras: [], reason: 'the vehicle crossed into B (scope test)' };
    expect((await t.api('/cases/SC-1/grants', inv, { method: 'PUT', body: JSON.stringify(grant) })).status).toBe(403);
    const granted = await t.api('/cases/SC-1/grants', admin, { method: 'PUT', body: JSON.stringify(grant) });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ number: 'SC-1', grants: { districts: ['dist-b'], cameras: [] } });

    const underCase = await search('case=SC-1');
    expect(underCase.reads.map((r) => r.id)).toEqual(expect.arrayContaining([reads.a, reads.b]));
    expect(underCase.total).toBe(own.total + 1);
    // The crop URL carries the case: the grant opens it, the bare URL does not.
    const bCrop = underCase.reads.find((r) => r.id === reads.b)?.cropUrl as string;
    expect(bCrop).toMatch(/\?case=SC-1$/);
    expect(await status(bCrop.replace('/api/v1', ''), inv)).toBe(200);
    expect(await status(`/plate-reads/${reads.b}/crop.jpg`, inv)).toBe(404);
    const audit = (await t.api('/admin/audit?action=case.grants', admin)).body.entries as { details: Body }[];
    expect(audit.at(-1)?.details).toMatchObject({ after: { districts: ['dist-b'] }, reason: grant.reason });
  });

  it('needs two different people for a four-eyes face confirmation: the same person twice is refused', async () => {
    const db = t.node.infra.db;
    const [subject, auth, sighting, alert] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const now = new Date().toISOString();
    await db.query(
      `insert into subjects (id, name, category, reason, added_by, expires_at) values ($1, 'X', 'wanted_police', 'warrant W-1', 'admin', now() + interval '1 day')`,
      [subject],
    );
    await db.query(
      `insert into face_authorisations (id, approved_by, legal_reference, cameras, starts_at, ends_at, created_by)
       values ($1, 'judge', 'order 1', '{cam-a1}', now() - interval '1 hour', now() + interval '1 day', 'admin')`,
      [auth],
    );
    await db.query(
      `insert into face_sightings (id, camera_id, authorisation_id, first_seen, last_seen, captured_at, box, quality, frames, embedding, matched)
       values ($1, 'cam-a1', $2, $3, $3, $3, '[0,0,1,1]', 0.9, 3, '{0.1,0.2}', true)`,
      [sighting, auth, now],
    );
    await db.query(
      `insert into alerts (id, kind, subject_id, face_sighting_id, authorisation_id, camera_id, plate, match, score, priority, captured_at, confirmations_required)
       values ($1, 'face', $2, $3, $4, 'cam-a1', '', '{"cosine":0.95,"score":0.95,"scoring":"cosine","threshold":0.9,"category":"wanted_police"}', 0.95, 1, $5, 2)`,
      [alert, subject, sighting, auth, now],
    );
    // One person (one user) with two tokens under different names: still one pair of eyes.
    const first = await token('operator', { personId: 'person-1' });
    const again = await token('operator', { personId: 'person-1' });
    const other = await token('operator', { personId: 'person-2' });
    const confirm = (tok: string) =>
      t.api(`/alerts/${alert}/disposition`, tok, {
        method: 'POST',
        body: JSON.stringify({ verdict: 'confirm', reason: 'face matches the custody photo' }),
      });
    expect((await confirm(first)).body).toMatchObject({ status: 'candidate' });
    const twice = await confirm(again);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatch(/another person/);
    expect((await confirm(other)).body).toMatchObject({ status: 'confirmed' });
    // A scoped operator of the other district cannot even see it.
    expect((await t.api(`/alerts/${alert}`, opB)).status).toBe(404);
  });
});
