// A checkpoint lane over RTSP at 1920x1080: a plate too small to read at the 640 px detection size, a two-row
// lorry plate and an unlisted car drive through; the listed two alert once a pass, the unlisted one raises nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/lib/redis-server.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { writeLaneVideo } from './support/checkpoint-video.js';

describe('checkpoint lane read on the camera path', () => {
  let t: TestNode;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-lane-'));
    // 30 px high in 1920x1080, 10 px to the detector at 640: read only where its corners are refined at full size.
    const video = await writeLaneVideo(
      dir,
      'lane',
      [
        { plate: '浙T7G6D0', colour: 'blue', height: 30 },
        { plate: '苏E12345', colour: 'yellow', layout: 'two-row', height: 90 },
        { plate: '京A12345', colour: 'blue', height: 34 },
      ],
      { width: 1920, height: 1080, secondsEach: 4, fps: 10 },
    );
    const rtspPort = await freePort();
    t = await startTestNode(
      'lane',
      `
plates: { fuseWindowSeconds: 3 }
cameras:
  - id: lane-1
    name: Lane 1
    source: rtsp://127.0.0.1:${rtspPort}/lane
    kind: checkpoint
    checkpointLevel: 1
    lat: 22.5431
    lon: 114.0579
    district: futian
    analysis: { plates: true, fps: 5, width: 1920, height: 1080 }
units:
  - { id: car-11, callsign: C11, type: car, homeGrid: g1 }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: [{ mount: lane, file: ${video} }]
  hotlist:
    - { plate: 浙T7G6D0, category: stolen_vehicle, reason: stolen (test), priority: 1 }
    - { plate: 苏E12345, category: wanted, reason: driver wanted (test), priority: 2 }
  positions:
    - { unit: car-11, lat: 22.5485, lon: 114.0579 }
`,
    );
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('alerts on the small plate and the two-row plate, once a pass, and on nothing else', async () => {
    const tokens = t.node.demo?.tokens ?? [];
    const tokenOf = (name: string) => tokens.find((x) => x.name === name)?.token as string;
    const operator = tokenOf('operator');
    const investigator = tokenOf('investigator');
    type Alert = { plate: string; capturedAt: string };
    const alerts = async () => (await t.api('/alerts?limit=200', operator)).body.alerts as Alert[];
    const alerted = async () => [...new Set((await alerts()).map((a) => a.plate))].sort();
    await expect.poll(alerted, { timeout: 150_000, interval: 1000 }).toEqual(['浙T7G6D0', '苏E12345'].sort());

    // The unlisted car is read and stored like the others, and raises nothing.
    const readPlates = async () =>
      ((await t.api('/plate-reads?purpose=lane%20test&limit=100', investigator)).body.reads as { plate: string }[]).map(
        (r) => r.plate,
      );
    await expect.poll(readPlates, { timeout: 60_000, interval: 1000 }).toContain('京A12345');
    const reads = await readPlates();
    // Every read is one of the three plates shown: no misread stored as another plate.
    expect(reads.every((p) => ['浙T7G6D0', '苏E12345', '京A12345'].includes(p))).toBe(true);
    expect(await alerted()).toEqual(['浙T7G6D0', '苏E12345'].sort());
    // On a machine of several cores the camera ran on an analysis thread, and its one camera started only one.
    const pool = t.node.cameras?.analysisPool;
    expect(pool?.started ?? 1).toBe(1);
    // The 12 s video loops, so each loop is a new pass with its own alert; within one pass (4 s in
    // view), one alert: two alerts of one plate are never closer than the loop less its pass.
    for (const plate of ['浙T7G6D0', '苏E12345']) {
      const times = (await alerts())
        .filter((a) => a.plate === plate)
        .map((a) => Date.parse(a.capturedAt))
        .sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThan(6000);
    }
  }, 240_000);
});
