// The camera inventory through the API on a running node: add, change, disable, remove, each audited and
// effective on the node without a restart; YAML cameras imported at start; only admins change it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspFixtureServer, type RtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { startTestNode, projectRoot, type TestNode } from './helpers/node.js';

interface CameraView {
  id: string;
  name: string;
  enabled: boolean;
  source?: string;
  status: { state: string };
  holder: { nodeId: string; token: number } | null;
  analysis: { fps: number };
}

const file = `${projectRoot}/fixtures/media/checkpoint.mp4`;

describe('camera inventory API on a running node', () => {
  let rtsp: RtspFixtureServer;
  let t: TestNode;
  let admin: string;
  let operator: string;

  beforeAll(async () => {
    rtsp = await startRtspFixtureServer({
      streams: [
        { mount: 'a', file },
        { mount: 'b', file },
      ],
    });
    // Plates off: the camera still decodes (its status goes online) without loading models.
    const yaml = `
cluster: { leaseMs: 3000, heartbeatMs: 2000, renewMs: 500 }
cameras:
  - { id: yaml-1, name: From YAML, source: '${rtsp.url('a')}', kind: street, lat: 22.5, lon: 114.0, district: d1, analysis: { plates: false, fps: 1 } }
`;
    t = await startTestNode('inventory', yaml);
    admin = await t.token('admin');
    operator = await t.token('operator');
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
    await rtsp?.stop();
  }, 60_000);

  const camera = async (id: string) =>
    ((await t.api('/cameras', admin)).body.cameras as CameraView[]).find((c) => c.id === id);
  const json = (body: unknown, method = 'POST'): RequestInit => ({
    method,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

  it('imports the YAML camera and runs it under a lease', async () => {
    await expect
      .poll(async () => (await camera('yaml-1'))?.status.state, { timeout: 60_000, interval: 500 })
      .toBe('online');
    expect((await camera('yaml-1'))?.holder?.nodeId).toBeTruthy();
    const { body } = await t.api('/nodes', operator);
    expect((body.nodes as { cameras: string[] }[]).flatMap((n) => n.cameras)).toContain('yaml-1');
  }, 90_000);

  it("adds a camera that the node then runs, without a restart, with the source's password masked", async () => {
    const res = await t.api(
      '/cameras?why=new%20gantry%20WO-17',
      admin,
      json({
        id: 'api-1',
        name: 'Added',
        source: `rtsp://viewer:s3cret@${rtsp.url('b').slice('rtsp://'.length)}`,
        kind: 'checkpoint',
        checkpointLevel: 3,
        lat: 22.51,
        lon: 114.01,
        district: 'd2',
        analysis: { plates: false, fps: 1 },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.source).toMatch(/^rtsp:\/\/viewer:\*\*\*@/);
    await expect
      .poll(async () => (await camera('api-1'))?.holder?.token, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(0);
    const audit = (await t.api('/admin/audit?action=camera.add', admin)).body;
    expect(JSON.stringify(audit)).toContain('new gantry WO-17');
    expect(JSON.stringify(audit)).not.toContain('s3cret');
    expect(
      (
        await t.api(
          '/cameras?why=again',
          admin,
          json({ id: 'api-1', name: 'Twice', source: rtsp.url('b'), kind: 'street', lat: 1, lon: 1, district: 'd' }),
        )
      ).status,
    ).toBe(409);
  }, 60_000);

  it('checks bodies against the YAML camera schema and refuses non-admins', async () => {
    const bad = await t.api(
      '/cameras?why=typo%20test',
      admin,
      json({
        id: 'x-1',
        name: 'X',
        source: 'http://nope',
        kind: 'checkpoint',
        lat: 1,
        lon: 1,
        district: 'd',
        lanez: 2,
      }),
    );
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/source|lanez|checkpointLevel/);
    expect((await t.api('/cameras/yaml-1?why=no', operator, json({ name: 'nope' }, 'PATCH'))).status).toBe(403);
    expect((await t.api('/cameras/yaml-1', admin, json({ name: 'no reason' }, 'PATCH'))).status).toBe(400);
    expect(
      (await t.api('/cameras/yaml-1?why=checkpoint%20without%20level', admin, json({ kind: 'checkpoint' }, 'PATCH')))
        .status,
    ).toBe(400);
  });

  it('disables, changes and re-enables a camera on the node that holds it', async () => {
    const off = await t.api('/cameras/yaml-1?why=lens%20broken', admin, json({ enabled: false }, 'PATCH'));
    expect(off.status).toBe(200);
    await expect.poll(async () => (await camera('yaml-1'))?.holder, { timeout: 30_000, interval: 500 }).toBeNull();
    expect((await camera('yaml-1'))?.status.state).toBe('disabled');
    const on = await t.api(
      '/cameras/yaml-1?why=lens%20fixed',
      admin,
      json({ enabled: true, analysis: { fps: 2 } }, 'PATCH'),
    );
    expect(on.status).toBe(200);
    expect((on.body as unknown as CameraView).analysis.fps).toBe(2);
    await expect
      .poll(async () => (await camera('yaml-1'))?.holder?.token, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(0);
    const actions = ((await t.api('/admin/audit?limit=100', admin)).body.entries as { action: string }[]).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['camera.add', 'camera.disable', 'camera.enable']));
  }, 90_000);

  it('removes a camera: the node stops it and the inventory no longer lists it', async () => {
    expect((await t.api('/cameras/api-1?why=gantry%20removed', admin, { method: 'DELETE' })).status).toBe(200);
    expect(await camera('api-1')).toBeUndefined();
    await expect
      .poll(
        async () => ((await t.api('/nodes', admin)).body.nodes as { cameras: string[] }[]).flatMap((n) => n.cameras),
        { timeout: 30_000, interval: 500 },
      )
      .not.toContain('api-1');
    expect((await t.api('/cameras/api-1', admin)).status).toBe(404);
  }, 60_000);
});
