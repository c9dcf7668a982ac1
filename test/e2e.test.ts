// End to end: the fixture video served by a real RTSP server, decoded by real ffmpeg, plates read by the
// ONNX models, matched, queued and delivered to the nearer unit's stream; then the camera goes away and back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/lib/redis-server.js';
import { startRtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { startTestNode, projectRoot, type TestNode } from './helpers/node.js';
import { SseClient } from './helpers/sse.js';

describe('checkpoint camera to patrol unit', () => {
  let t: TestNode;
  let rtspPort: number;

  beforeAll(async () => {
    rtspPort = await freePort();
    const yaml = `
plates: { fuseWindowSeconds: 3 }
cameras:
  - id: gate-1
    name: Gate
    source: rtsp://127.0.0.1:${rtspPort}/checkpoint
    kind: checkpoint
    checkpointLevel: 1
    lat: 22.5431
    lon: 114.0579
    district: futian
    analysis: { plates: true, fps: 5, width: 1280, height: 720, roi: { x: 0.1, y: 0.0, width: 0.8, height: 1.0 } }
units:
  - { id: car-11, callsign: C11, type: car, homeGrid: g1 }
  - { id: car-12, callsign: C12, type: car, homeGrid: g1 }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: [{ mount: checkpoint, file: fixtures/media/checkpoint.mp4 }]
  hotlist: [{ plate: 粤B4E7K2, category: stolen_vehicle, reason: stolen (test), priority: 1 }]
  positions:
    - { unit: car-11, lat: 22.5485, lon: 114.0579 }
    - { unit: car-12, lat: 22.5431, lon: 114.0870 }
`;
    t = await startTestNode('e2e', yaml);
  });
  afterAll(async () => t?.stop());

  it('reads the listed plate and delivers the hit to the nearer unit only', async () => {
    const tokens = t.node.demo?.tokens ?? [];
    const tokenOf = (name: string) => tokens.find((x) => x.name === name)?.token as string;
    const near = new SseClient(`${t.url}/api/v1/stream`, tokenOf('unit-car-11'));
    const far = new SseClient(`${t.url}/api/v1/stream`, tokenOf('unit-car-12'));
    await Promise.all([near.ready, far.ready]);
    const offer = await near.waitFor((e) => e.event === 'offer', 60_000, 'offer for the listed plate');
    const alert = (offer.data.data as { alert: { plate: string; camera: { id: string } } }).alert;
    expect(alert.plate).toBe('粤B4E7K2');
    expect(alert.camera.id).toBe('gate-1');
    expect(far.events.filter((e) => e.event === 'offer')).toHaveLength(0);

    // The unlisted plate of the fixture is read and stored, and raises nothing.
    const investigator = tokenOf('investigator');
    await expect
      .poll(
        async () =>
          (
            (await t.api('/plate-reads?purpose=e2e%20test&limit=50', investigator)).body.reads as { plate: string }[]
          ).map((r) => r.plate),
        { timeout: 30_000, interval: 1000 },
      )
      .toContain('京A12345');
    const alerts = (await t.api('/alerts', tokenOf('operator'))).body.alerts as { plate: string }[];
    expect(alerts.every((a) => a.plate === '粤B4E7K2')).toBe(true);
    near.close();
    far.close();
  });

  it('marks the camera offline when its server goes away and online when it returns', async () => {
    const operator = t.node.demo?.tokens.find((x) => x.role === 'operator')?.token as string;
    const state = async () =>
      ((await t.api('/cameras', operator)).body.cameras as { status: { state: string } }[])[0].status.state;
    await expect.poll(state, { timeout: 20_000 }).toBe('online');
    await t.node.demo?.stop();
    await expect.poll(state, { timeout: 30_000, interval: 500 }).toBe('offline');
    const again = await startRtspFixtureServer({
      port: rtspPort,
      streams: [{ mount: 'checkpoint', file: `${projectRoot}/fixtures/media/checkpoint.mp4` }],
    });
    try {
      await expect.poll(state, { timeout: 60_000, interval: 500 }).toBe('online');
    } finally {
      await again.stop();
    }
  });
});
