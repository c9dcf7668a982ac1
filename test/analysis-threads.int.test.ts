// Two checkpoint cameras from the real RTSP fixture server, analysed on two analysis threads of one node: each
// raises the listed plate's alert; a thread that dies is started again and its camera is read again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraFramesAnalysed } from '../src/lib/metrics.js';
import { freePort } from '../src/lib/redis-server.js';
import { startTestNode, type TestNode } from './helpers/node.js';

const analysis = '{ plates: true, fps: 5, width: 1280, height: 720, roi: { x: 0.1, y: 0.0, width: 0.8, height: 1.0 } }';

async function framesAnalysed(cameraId: string): Promise<number> {
  const { values } = await cameraFramesAnalysed.get();
  return values.find((v) => v.labels.camera === cameraId)?.value ?? 0;
}

describe('camera analysis on worker threads', () => {
  let t: TestNode;
  let operator: string;
  let investigator: string;

  beforeAll(async () => {
    const rtspPort = await freePort();
    const camera = (id: string, mount: string) => `
  - { id: ${id}, name: ${id}, source: "rtsp://127.0.0.1:${rtspPort}/${mount}", kind: checkpoint, checkpointLevel: 1,
      lat: 22.5431, lon: 114.0579, district: futian, analysis: ${analysis} }`;
    const yaml = `
plates: { fuseWindowSeconds: 3 }
vision: { analysisThreads: 2 }
cameras:${camera('gate-1', 'one')}${camera('gate-2', 'two')}
units:
  - { id: car-11, callsign: C11, type: car, homeGrid: g1 }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: [{ mount: one, file: fixtures/media/checkpoint.mp4 }, { mount: two, file: fixtures/media/checkpoint.mp4 }]
  hotlist: [{ plate: 粤B4E7K2, category: stolen_vehicle, reason: stolen (test), priority: 1 }]
  positions: [{ unit: car-11, lat: 22.5485, lon: 114.0579 }]
`;
    t = await startTestNode('threads', yaml);
    const tokens = t.node.demo?.tokens ?? [];
    operator = tokens.find((x) => x.role === 'operator')?.token as string;
    investigator = tokens.find((x) => x.name === 'investigator')?.token as string;
  });
  afterAll(async () => t?.stop());

  const reads = async (cameraId: string) =>
    (await t.api(`/plate-reads?purpose=threads%20test&camera=${cameraId}&limit=200`, investigator)).body.reads as {
      plate: string;
      lastSeen: string;
    }[];

  it('runs one camera per thread and alerts on the listed plate from each', async () => {
    const pool = t.node.cameras?.analysisPool;
    expect(pool?.size).toBe(2);
    await expect.poll(() => pool?.loads(), { timeout: 60_000, interval: 500 }).toEqual([1, 1]);
    expect(pool?.started).toBe(2);
    const cameras = async () =>
      new Set(
        ((await t.api('/alerts', operator)).body.alerts as { plate: string; camera: { id: string } | null }[])
          .filter((a) => a.plate === '粤B4E7K2')
          .map((a) => a.camera?.id),
      );
    await expect.poll(cameras, { timeout: 90_000, interval: 1000 }).toEqual(new Set(['gate-1', 'gate-2']));
    // The unlisted plate is read and stored too, from both cameras.
    for (const id of ['gate-1', 'gate-2'])
      await expect
        .poll(async () => (await reads(id)).map((r) => r.plate), { timeout: 30_000, interval: 1000 })
        .toContain('京A12345');
  });

  it('starts a crashed analysis thread again and analyses its camera again', async () => {
    const pool = t.node.cameras?.analysisPool;
    if (!pool) throw new Error('no analysis pool');
    const crashedAt = Date.now();
    pool.crashThreadOf('gate-2');
    // Past the crash, its frames are analysed again and new reads are stored; the other camera never stopped.
    const before = await framesAnalysed('gate-2');
    await expect.poll(() => framesAnalysed('gate-2'), { timeout: 60_000, interval: 500 }).toBeGreaterThan(before + 10);
    await expect
      .poll(async () => (await reads('gate-2')).filter((r) => Date.parse(r.lastSeen) > crashedAt + 1000).length, {
        timeout: 60_000,
        interval: 1000,
      })
      .toBeGreaterThan(0);
    expect(pool.loads()).toEqual([1, 1]);
    const health = (await t.api('/cameras', operator)).body.cameras as { id: string; status: { state: string } }[];
    expect(health.map((c) => c.status.state)).toEqual(['online', 'online']);
  });
});
