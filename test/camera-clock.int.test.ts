// Clock drift end to end: the RTSP fixture server sends RTCP sender reports from a clock 30 s ahead, real
// ffmpeg carries them (prft boxes on its second output) into the node, and GET /cameras/:id/health shows the
// clockDrift fault; served again with the right clock, the fault clears and its episode is closed.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspFixtureServer, type RtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { freePort } from '../src/lib/redis-server.js';
import { projectRoot, startTestNode, type TestNode } from './helpers/node.js';

type Health = {
  diagnostics: 'ok' | 'unknown' | { faults: { kind: string; detail: string }[] };
  faults: { kind: string; clearedAt: string | null; detail: string }[];
};

const OFFSET_S = 30;

describe('camera clock drift through the RTSP fixture server', () => {
  let t: TestNode;
  let rtsp: RtspFixtureServer | null = null;
  let port: number;
  const serve = (clockOffsetSeconds: number) =>
    startRtspFixtureServer({
      port,
      streams: [{ mount: 'street', file: path.join(projectRoot, 'fixtures/media/street.mp4') }],
      clockOffsetSeconds,
    });

  beforeAll(async () => {
    port = await freePort();
    rtsp = await serve(OFFSET_S);
    t = await startTestNode(
      'camera-clock',
      `
health:
  learnSeconds: 8
  clockDrift: { raiseAfterSeconds: 4, clearAfterSeconds: 4, workOrderAfterSeconds: 3600, maxOffsetSeconds: 2 }
cameras:
  - { id: cam-1, name: Street 1, source: "rtsp://127.0.0.1:${port}/street", kind: street, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, heading: 90,
      analysis: { plates: false, objects: false, fps: 5, width: 320, height: 180 } }
`,
    );
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await rtsp?.stop();
  });

  it('raises clockDrift for a camera 30 s ahead, and clears it when the camera sends the right time', async () => {
    const maintenance = await t.token('maintenance');
    const health = async () => (await t.api('/cameras/cam-1/health', maintenance)).body as Health;
    const liveDrift = async () => {
      const d = (await health()).diagnostics;
      return typeof d === 'object' ? (d.faults.find((f) => f.kind === 'clockDrift')?.detail ?? null) : null;
    };
    // Settle (12 s from ffmpeg's start) + raise time (4 s) + connecting: well within 60 s.
    await expect.poll(liveDrift, { timeout: 60_000, interval: 1000 }).toMatch(/^camera clock (29|30)\.\d s ahead/);

    // The camera's clock is set right (a restart of the camera): the same address, sender reports on time.
    await rtsp?.stop();
    rtsp = await serve(0);
    // Judged by the stored episode, not the live field: while ffmpeg reconnects the camera reads as unknown.
    const episode = async () => (await health()).faults.find((f) => f.kind === 'clockDrift');
    await expect
      .poll(async () => (await episode())?.clearedAt ?? null, { timeout: 90_000, interval: 1000 })
      .not.toBeNull();
    expect((await episode())?.detail).toMatch(/ahead of the node's/);
    await expect.poll(liveDrift, { timeout: 15_000, interval: 1000 }).toBeNull();
  }, 200_000);
});
