// Integration: scope for a real person. A user account with scope district A, made by an admin and signed in
// with a password (session cookie + CSRF, first password changed), never sees district B's alert, camera,
// unit, footage, plate crop, interception order, report row or work order, while it sees district A's.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';
import { plateReadEvent } from './helpers/plate-read.js';
import { SessionClient } from './helpers/session-client.js';

const PLATE_A = '粤B4E7K3';
const PLATE_B = '粤B7Q3M8';
const GOOD = 'harbour signal 62 willow';

const yaml = `
dispatch: { ackTimeoutSeconds: 600 }
recording: { enabled: false }
accounts:
  scrypt: { N: 16384 }
cameras:
  - { id: cam-a1, name: A street, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5431, lon: 114.0579, district: dist-a, grid: ga, enabled: false }
  - { id: gate-a, name: A gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5441, lon: 114.0589, district: dist-a, grid: ga, enabled: false }
  - { id: cam-b1, name: B street, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.6431, lon: 114.1579, district: dist-b, grid: gb, enabled: false }
  - { id: gate-b, name: B gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.6441, lon: 114.1589, district: dist-b, grid: gb, enabled: false }
units:
  - { id: u-a, callsign: A1, type: car, homeGrid: ga, district: dist-a }
  - { id: u-b, callsign: B1, type: car, homeGrid: gb, district: dist-b }
demo:
  enabled: true
  streams: []
  hotlist:
    - { plate: ${PLATE_A}, category: stolen_vehicle, reason: stolen (scope session test), priority: 1 }
    - { plate: ${PLATE_B}, category: stolen_vehicle, reason: stolen (scope session test), priority: 1 }
  positions:
    - { unit: u-a, lat: 22.5451, lon: 114.0579 }
    - { unit: u-b, lat: 22.6451, lon: 114.1579 }
`;

type Row = Record<string, unknown>;
const ids = (rows: unknown) => (rows as { id: string }[]).map((r) => r.id);

describe('a scoped user signed in with a password', () => {
  let t: TestNode;
  let admin: string;
  let user: SessionClient;
  const reads = { a: '', b: '' };
  const alerts = { a: '', b: '' };
  const orders = { a: '', b: '' };
  const work = { a: randomUUID(), b: randomUUID() };

  const asAdmin = (method: string, pathname: string, body?: unknown) =>
    t.api(pathname, admin, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const get = async (pathname: string) => (await user.request('GET', pathname)).status;

  async function hit(cameraId: string, plate: string): Promise<{ read: string; alert: string }> {
    const crop = sharp({ create: { width: 120, height: 40, channels: 3, background: '#1040c0' } }).jpeg();
    const event = { ...plateReadEvent(cameraId, plate), cropJpeg: (await crop.toBuffer()).toString('base64') };
    await t.node.queues.add('plate-reads', event);
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      const found = (
        (await asAdmin('GET', '/alerts?limit=500')).body.alerts as { id: string; plateReadId: string }[]
      ).find((a) => a.plateReadId === event.eventId);
      if (found) return { read: event.eventId, alert: found.id };
    }
    throw new Error(`no alert for the read at ${cameraId} within 30 s`);
  }

  async function workOrder(id: string, cameraId: string): Promise<void> {
    const fault = randomUUID();
    await t.node.infra.db.query(
      `insert into camera_faults (id, camera_id, kind, since, raised_at, last_seen, detail)
       values ($1, $2, 'offline', now(), now(), now(), 'no frames (scope session test)')`,
      [fault, cameraId],
    );
    await t.node.infra.db.query(
      `insert into work_orders (id, camera_id, fault_id, kind, status) values ($1, $2, $3, 'offline', 'open')`,
      [id, cameraId, fault],
    );
  }

  beforeAll(async () => {
    t = await startTestNode('scope-session', yaml);
    admin = await t.token('admin');
    ({ read: reads.b, alert: alerts.b } = await hit('cam-b1', PLATE_B));
    ({ read: reads.a, alert: alerts.a } = await hit('cam-a1', PLATE_A));
    for (const [k, alertId, gate] of [
      ['a', alerts.a, 'gate-a'],
      ['b', alerts.b, 'gate-b'],
    ] as const) {
      const made = await asAdmin('POST', '/interceptions', { alertId, cameraIds: [gate] });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      orders[k] = made.body.id as string;
    }
    await workOrder(work.a, 'cam-a1');
    await workOrder(work.b, 'cam-b1');

    // The person: made by the admin with scope district A, first password changed, signed in again.
    const made = await asAdmin('POST', '/users', {
      username: 'chen.a',
      displayName: 'Chen (district A)',
      roles: ['operator'],
      scope: { districts: ['dist-a'] },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const first = new SessionClient(t.url);
    expect((await first.signIn('chen.a', made.body.oneTimePassword as string)).status).toBe(200);
    const changed = await first.request('POST', '/session/password', {
      currentPassword: made.body.oneTimePassword,
      newPassword: GOOD,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    user = new SessionClient(t.url);
    const signed = await user.signIn('chen.a', GOOD);
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ via: 'session', scope: { districts: ['dist-a'] } });
    expect(user.csrf).toBeTruthy();
  });

  afterAll(async () => t?.stop());

  it("lists only district A's alerts, cameras and units, and answers 404 for B's", async () => {
    const list = (await user.request('GET', '/alerts?limit=500')).body;
    expect(ids(list.alerts)).toEqual([alerts.a]);
    expect(list.total).toBe(1);
    expect(await get(`/alerts/${alerts.a}`)).toBe(200);
    expect(await get(`/alerts/${alerts.b}`)).toBe(404);
    expect(ids((await user.request('GET', '/cameras')).body.cameras).sort()).toEqual(['cam-a1', 'gate-a']);
    expect(await get('/cameras/cam-b1')).toBe(404);
    expect(ids((await user.request('GET', '/units')).body.units)).toEqual(['u-a']);
  });

  it("never fetches B's footage or plate crop", async () => {
    expect(await get(`/plate-reads/${reads.a}/crop.jpg`)).toBe(200);
    expect(await get(`/plate-reads/${reads.b}/crop.jpg`)).toBe(404);
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 3600_000).toISOString();
    const purpose = `purpose=scope%20session%20test&from=${from}&to=${to}`;
    expect(await get(`/footage/cam-a1?${purpose}`)).toBe(200);
    expect(await get(`/footage/cam-b1?${purpose}`)).toBe(404);
  });

  it("sees A's interception order and never B's, nor may it cancel B's", async () => {
    expect(ids((await user.request('GET', '/interceptions')).body.orders)).toEqual([orders.a]);
    expect(await get(`/interceptions/${orders.a}`)).toBe(200);
    expect(await get(`/interceptions/${orders.b}`)).toBe(404);
    const cancel = await user.request('POST', `/interceptions/${orders.b}/cancel`, { reason: 'not my district' });
    expect(cancel.status).toBe(404);
    expect((await asAdmin('GET', `/interceptions/${orders.b}`)).body.status).toBe('open');
    // Nor order B's checkpoints from B's hit.
    const order = await user.request('POST', '/interceptions', { alertId: alerts.b, cameraIds: ['gate-b'] });
    expect(order.status).toBe(404);
  });

  it("sees A's work orders and camera health, never B's", async () => {
    expect(ids((await user.request('GET', '/work-orders')).body.workOrders)).toEqual([work.a]);
    expect(await get(`/work-orders/${work.a}`)).toBe(200);
    expect(await get(`/work-orders/${work.b}`)).toBe(404);
    expect(await get('/cameras/cam-a1/health')).toBe(200);
    expect(await get('/cameras/cam-b1/health')).toBe(404);
    const report = (await user.request('GET', '/reports/camera-health')).body as { rows?: Row[] };
    const districts = new Set((report.rows ?? []).map((r) => r.district));
    expect(districts.has('dist-b')).toBe(false);
  });

  it("counts only A's cameras in the reports", async () => {
    const heat = (await user.request('GET', '/reports/heat?kind=reads')).body;
    const all = (await asAdmin('GET', '/reports/heat?kind=reads')).body;
    const grids = (body: Row) => JSON.stringify(body);
    expect(grids(all)).toContain('gb');
    expect(grids(heat)).toContain('ga');
    expect(grids(heat)).not.toContain('gb');
  });

  it("lists only A's situation reports and patrol plans, the limit counting A's alone", async () => {
    const db = t.node.infra.db;
    // B's report is the newest: a limit applied before the scope filter would leave A's user an empty list.
    for (const [district, minutesAgo] of [
      ['dist-a', 10],
      ['dist-b', 1],
    ] as const) {
      const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
      await db.query(
        `insert into situation_reports (id, district, period, start_date, period_from, period_to, trigger, made_by, made_at, data)
         values ($1, $2, 'day', '2026-01-01', $3, $3, 'request', 'test', $3, '{}')`,
        [randomUUID(), district, at],
      );
    }
    const reports = (await user.request('GET', '/situation-reports?limit=1')).body.reports as Row[];
    expect(reports.map((r) => r.district)).toEqual(['dist-a']);
    const newest = (await asAdmin('GET', '/situation-reports?limit=1')).body.reports as Row[];
    expect(newest.map((r) => r.district)).toEqual(['dist-b']);

    for (const [district, grid, lat] of [
      ['dist-a', 'ga', 22.5431],
      ['dist-b', 'gb', 22.6431],
    ] as const) {
      const point = { type: 'Point', coordinates: [114.0579, lat] };
      const plan = {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { id: 'p1', grid }, geometry: point }],
      };
      const put = await asAdmin('PUT', `/patrol-plans/${district}`, plan);
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    const plans = (await user.request('GET', '/patrol-plans')).body.plans as Row[];
    expect(plans.map((p) => p.district)).toEqual(['dist-a']);
    expect(await get('/patrol-plans/dist-b')).toBe(404);
  });
});
