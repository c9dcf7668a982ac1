// The live camera view and signed media URLs against a real node: the fixture camera served by the real
// RTSP server, copied by real ffmpeg into fragmented MP4, shared by its viewers and stopped after the last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/lib/redis-server.js';
import { SIG } from '../src/api/media-url.js';
import { startTestNode, type TestNode } from './helpers/node.js';

const LIVE = '/api/v1/cameras/gate-1/live';

/** Reads a live response until the top-level boxes include ftyp, moov and a moof; then leaves the reader open. */
async function boxesOf(res: Response): Promise<{ types: string[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let buf = Buffer.alloc(0);
  const types: string[] = [];
  while (!types.includes('moof')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`live stream ended after boxes ${types.join(',')}`);
    buf = Buffer.concat([buf, value]);
    while (buf.length >= 8 && buf.readUInt32BE(0) <= buf.length) {
      types.push(buf.toString('latin1', 4, 8));
      buf = buf.subarray(buf.readUInt32BE(0));
    }
  }
  return { types, reader };
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('live camera view and signed media URLs', () => {
  let t: TestNode;
  let operator: string;
  let admin: string;

  beforeAll(async () => {
    const rtspPort = await freePort();
    // Analysis at 1 fps and small: this test is about the live view, not the models.
    const yaml = `
live: { maxViewersPerCamera: 2, stopAfterMs: 0, startTimeoutMs: 8000 }
recording: { segmentSeconds: 2 }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:${rtspPort}/checkpoint", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian,
      analysis: { plates: false, fps: 1, width: 320, height: 180 } }
  - { id: gate-2, name: Gone, source: "rtsp://127.0.0.1:${rtspPort}/absent", kind: street, lat: 22.5302, lon: 114.0402, district: futian,
      analysis: { plates: false, fps: 1, width: 320, height: 180 } }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: [{ mount: checkpoint, file: fixtures/media/checkpoint.mp4 }]
`;
    t = await startTestNode('live', yaml);
    [operator, admin] = await Promise.all([t.token('operator'), t.token('admin')]);
  });
  afterAll(async () => t?.stop());

  const get = (path: string, token?: string) =>
    fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const sign = async (token: string, body: Record<string, unknown>) =>
    t.api('/media-urls', token, { method: 'POST', body: JSON.stringify(body) });

  it('streams fMP4 to its viewers from one shared ffmpeg, and stops it after the last leaves', async () => {
    const first = await get(LIVE, operator);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('video/mp4');
    expect(first.headers.get('x-codec')).toMatch(/^avc1\.[0-9a-f]{6}$/);
    const a = await boxesOf(first);
    expect(a.types.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(a.types).toContain('mdat');

    // The second viewer opens it the way a <video> would: a signed URL, no header.
    const signed = await sign(operator, { path: LIVE });
    expect(signed.status).toBe(201);
    const second = await get(signed.body.url as string);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-live-session')).toBe(first.headers.get('x-live-session'));
    const b = await boxesOf(second);
    expect(b.types.slice(0, 2)).toEqual(['ftyp', 'moov']);

    const listed = (await t.api('/live', admin)).body.streams as { camera: string; viewers: number; pid: number }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ camera: 'gate-1', viewers: 2 });
    const pid = listed[0].pid;
    expect(isRunning(pid)).toBe(true);

    // A third viewer is over this camera's limit of two.
    const third = await get(LIVE, admin);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: string }).error).toContain('maxViewersPerCamera');

    await a.reader.cancel();
    await expect
      .poll(async () => ((await t.api('/live', admin)).body.streams as { viewers: number }[])[0]?.viewers)
      .toBe(1);
    expect(isRunning(pid)).toBe(true);
    await b.reader.cancel();
    await expect.poll(async () => ((await t.api('/live', admin)).body.streams as unknown[]).length).toBe(0);
    await expect.poll(() => isRunning(pid)).toBe(false);

    const views = await t.node.infra.repos.audit.list({ action: 'live.view' });
    expect(views.filter((e) => e.target === 'gate-1')).toHaveLength(2);
  });

  it('says a camera without picture is offline, and keeps other accounts to their rights', async () => {
    const offline = await get('/api/v1/cameras/gate-2/live', operator);
    expect(offline.status).toBe(503);
    expect(await offline.json()).toMatchObject({
      camera: 'gate-2',
      state: 'offline',
      error: expect.stringContaining('offline'),
    });
    expect((await get('/api/v1/cameras/nowhere/live', operator)).status).toBe(404);
    expect((await get(LIVE, await t.token('investigator'))).status).toBe(403);
    const checkpoint = await t.token('checkpoint', 'gate-1');
    expect((await get('/api/v1/cameras/gate-2/live', checkpoint)).status).toBe(403);
    const own = await get(LIVE, checkpoint);
    expect(own.status).toBe(200);
    await (await boxesOf(own)).reader.cancel();
    expect((await get(LIVE)).status).toBe(401);
  });

  it('falls back to MJPEG on request, counting its viewers against the same camera limit', async () => {
    const mjpeg = await get(`${LIVE}?format=mjpeg`, operator);
    expect(mjpeg.status).toBe(200);
    expect(mjpeg.headers.get('content-type')).toBe('multipart/x-mixed-replace; boundary=vigil-frame');
    expect(mjpeg.headers.get('x-codec')).toBe('mjpeg');
    const reader = (mjpeg.body as ReadableStream<Uint8Array>).getReader();
    let buf = Buffer.alloc(0);
    // One whole part: the boundary, its headers, a JPEG from FF D8 to FF D9 of the stated length.
    while (!/Content-Length: \d+\r\n\r\n/.test(buf.toString('latin1')) || buf.length < 200)
      buf = Buffer.concat([buf, (await reader.read()).value as Uint8Array]);
    const text = buf.toString('latin1');
    expect(text.startsWith('--vigil-frame\r\nContent-Type: image/jpeg\r\n')).toBe(true);
    const length = Number(/Content-Length: (\d+)/.exec(text)?.[1]);
    const at = text.indexOf('\r\n\r\n') + 4;
    while (buf.length < at + length) buf = Buffer.concat([buf, (await reader.read()).value as Uint8Array]);
    expect([buf[at], buf[at + 1], buf[at + length - 2], buf[at + length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);

    const fmp4 = await get(LIVE, operator);
    expect(fmp4.status).toBe(200);
    expect((await get(`${LIVE}?format=mjpeg`, admin)).status).toBe(429);
    expect((await get(`${LIVE}?format=h265`, admin)).status).toBe(400);
    await reader.cancel();
    await fmp4.body?.cancel();
    await expect.poll(async () => ((await t.api('/live', admin)).body.streams as unknown[]).length).toBe(0);
  });

  it('opens footage through a signed URL with a stated purpose, and nothing else', async () => {
    const investigator = await t.token('investigator');
    // Wait for two closed segments of the fixture camera.
    const list = async () =>
      (
        await t.api(
          '/footage/gate-1?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&purpose=live%20test',
          investigator,
        )
      ).body.segments as { start: string; end: string }[];
    await expect.poll(async () => (await list()).length, { timeout: 30_000, interval: 1000 }).toBeGreaterThanOrEqual(1);
    const [seg] = await list();
    const play = `/api/v1/footage/gate-1/play?from=${encodeURIComponent(seg.start)}&to=${encodeURIComponent(seg.end)}`;

    const refused = await sign(investigator, { path: play });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('purpose');
    const issued = await sign(investigator, { path: play, purpose: 'case 2026-live-17' });
    expect(issued.status).toBe(201);
    const url = issued.body.url as string;
    expect(url).toContain('purpose=case+2026-live-17');
    const audit = await t.node.infra.repos.audit.list({ action: 'media-url.issue' });
    expect(audit.at(-1)).toMatchObject({
      target: '/api/v1/footage/gate-1/play',
      details: expect.objectContaining({ purpose: 'case 2026-live-17' }),
    });

    const video = await get(url);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const ranged = await fetch(`${t.url}${url}`, { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);

    // Changed range, another camera, a non-media path, a crop the operator... each refused.
    expect((await get(url.replace('gate-1', 'gate-2'))).status).toBe(401);
    expect((await get(url.replace('purpose=case', 'purpose=just'))).status).toBe(401);
    const sig = new URL(url, t.url).searchParams;
    expect(
      (
        await get(
          `/api/v1/alerts?${SIG.exp}=${sig.get(SIG.exp)}&${SIG.tid}=${sig.get(SIG.tid)}&${SIG.sig}=${sig.get(SIG.sig)}`,
        )
      ).status,
    ).toBe(401);
    expect((await sign(investigator, { path: '/api/v1/alerts' })).status).toBe(400);
    // The URL carries its asker's role: an investigator may not watch live, signed or not.
    const live = await sign(investigator, { path: LIVE });
    expect((await get(live.body.url as string)).status).toBe(403);
  });
});
