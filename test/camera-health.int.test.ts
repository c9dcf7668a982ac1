// Camera health end to end: a clip made by ffmpeg that freezes, goes black and gets covered, served by the
// real RTSP fixture server and decoded by real ffmpeg: each fault shows on GET /cameras, opens a work order
// with an evidence picture, and the order closes by itself when the picture recovers; every step audited.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/lib/redis-server.js';
import { projectRoot, startTestNode, type TestNode } from './helpers/node.js';

const run = promisify(execFile);
/** Seconds of each phase: clean (learning), frozen, clean, black, clean, covered, clean. */
const PHASES = { frozen: [15, 33], black: [41, 59], covered: [67, 85] } as const;
const CLIP_S = 100;

/** The street fixture looped to CLIP_S with sensor-like noise, and the three faults cut into it. */
async function makeClip(out: string): Promise<void> {
  const on = (k: keyof typeof PHASES) => `enable='between(t,${PHASES[k][0]},${PHASES[k][1]})'`;
  const [f0, f1] = PHASES.frozen;
  const filter = [
    'fps=10',
    'noise=alls=6:allf=t',
    // Frozen: one frame held for the phase (the clip is cut back to length after).
    `loop=loop=${(f1 - f0) * 10}:size=1:start=${f0 * 10}`,
    'setpts=N/(10*TB)',
    `fade=t=out:st=${PHASES.black[0]}:d=1:${on('black')}`,
    `drawbox=x=0:y=ih*0.3:w=iw:h=ih*0.7:color=0x505048:t=fill:${on('covered')}`,
  ].join(',');
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-stream_loop',
    '-1',
    '-i',
    path.join(projectRoot, 'fixtures/media/street.mp4'),
    '-t',
    String(CLIP_S),
    '-an',
    '-vf',
    filter,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '20',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

type CameraView = { id: string; diagnostics: 'ok' | 'unknown' | { faults: { kind: string; since: string }[] } };
type Order = { id: string; kind: string; status: string; closeReason: string | null; notes: { note: string }[] };

describe('camera health through the RTSP fixture server', () => {
  let t: TestNode;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-health-int-'));
    const clip = path.join(dir, 'faults.mp4');
    await makeClip(clip);
    const rtspPort = await freePort();
    const timing = 'raiseAfterSeconds: 6, clearAfterSeconds: 3, workOrderAfterSeconds: 4';
    t = await startTestNode(
      'camera-health',
      `
health:
  learnSeconds: 8
  frozen: { ${timing} }
  black: { ${timing} }
  covered: { ${timing} }
cameras:
  - { id: cam-1, name: Street 1, source: "rtsp://127.0.0.1:${rtspPort}/street", kind: street, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, heading: 90,
      analysis: { plates: false, objects: false, fps: 5, width: 640, height: 360 } }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: [{ mount: street, file: ${JSON.stringify(clip)} }]
`,
    );
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each fault on the API, opens a work order for it, and closes the order when the picture recovers', async () => {
    const maintenance = await t.token('maintenance');
    const seen = new Set<string>();
    const faultsNow = async () => {
      const cams = (await t.api('/cameras', maintenance)).body.cameras as CameraView[];
      const h = cams.find((c) => c.id === 'cam-1')?.diagnostics;
      for (const f of typeof h === 'object' ? h.faults : []) seen.add(f.kind);
      return [...seen].sort();
    };
    await expect
      .poll(faultsNow, { timeout: 150_000, interval: 1000 })
      .toEqual(expect.arrayContaining(['black', 'covered', 'frozen']));

    const orders = async () => (await t.api('/work-orders?camera=cam-1', maintenance)).body.workOrders as Order[];
    const closedKinds = async () =>
      (await orders())
        .filter((o) => o.status === 'closed' && o.closeReason === 'recovered')
        .map((o) => o.kind)
        .sort();
    await expect
      .poll(closedKinds, { timeout: 60_000, interval: 1000 })
      .toEqual(expect.arrayContaining(['black', 'covered', 'frozen']));
    const frozen = (await orders()).find((o) => o.kind === 'frozen') as Order;
    expect(frozen.notes.at(-1)?.note).toMatch(/camera recovered/);

    // The history keeps each episode with its evidence picture.
    const history = (await t.api('/cameras/cam-1/health', maintenance)).body as {
      faults: { kind: string; clearedAt: string | null; evidence: string | null }[];
    };
    for (const kind of ['frozen', 'black', 'covered']) {
      const f = history.faults.find((x) => x.kind === kind);
      expect(f?.clearedAt).not.toBeNull();
      expect(f?.evidence).toMatch(/evidence\.jpg$/);
    }
    const evidence = history.faults.find((x) => x.kind === 'covered')?.evidence as string;
    const res = await fetch(`${t.url}${evidence}`, { headers: { authorization: `Bearer ${maintenance}` } });
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const actions = (await t.node.infra.repos.audit.list({ limit: 1000 })).map((e) => e.action);
    expect(actions.filter((a) => a === 'work-order.opened').length).toBeGreaterThanOrEqual(3);
    expect(actions.filter((a) => a === 'work-order.closed').length).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it('lets maintenance work an order: a unit token may not, and a closed order cannot be acknowledged', async () => {
    const maintenance = await t.token('maintenance');
    const unit = await t.token('unit', 'u-1');
    const [order] = (await t.api('/work-orders?status=closed', maintenance)).body.workOrders as Order[];
    expect((await t.api(`/work-orders/${order.id}/acknowledge`, unit, { method: 'POST' })).status).toBe(403);
    expect((await t.api(`/work-orders/${order.id}/acknowledge`, maintenance, { method: 'POST' })).status).toBe(409);
    expect((await t.api('/cameras/cam-1/health', unit)).status).toBe(403);
  });
});
