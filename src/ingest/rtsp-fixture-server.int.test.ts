// Integration tests of the RTSP fixture server: real GStreamer serving, real ffprobe reading past one loop.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspFixtureServer, RtspFixtureServerError, type RtspFixtureServer } from './rtsp-fixture-server.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/media');
const run = promisify(execFile);

describe('RTSP fixture server', () => {
  let server: RtspFixtureServer;

  beforeAll(async () => {
    server = await startRtspFixtureServer({
      streams: [
        { mount: 'street', file: path.join(media, 'street.mp4') },
        { mount: '/checkpoint', file: path.join(media, 'checkpoint.mp4') },
      ],
    });
  });
  afterAll(async () => server?.stop());

  it('picks a free port and names its mounts with or without the slash', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url('street')).toBe(`rtsp://127.0.0.1:${server.port}/street`);
    expect(server.url('/checkpoint')).toBe(`rtsp://127.0.0.1:${server.port}/checkpoint`);
    expect(() => server.url('nope')).toThrow(/no mount \/nope/);
  });

  it('loops the file with timestamps that only move forward', async () => {
    // street.mp4 lasts 6 s at 10 fps; read 14 s of packets, into the third loop: a server that
    // re-stamped the same buffers once served the third pass 10 s late.
    const { stdout } = await run(
      'ffprobe',
      [
        ...['-v', 'error', '-rtsp_transport', 'tcp', '-read_intervals', '%+14', '-select_streams', 'v'],
        ...['-show_entries', 'packet=pts_time', '-of', 'csv=p=0', server.url('street')],
      ],
      { timeout: 40_000 },
    );
    const pts = stdout
      .split('\n')
      .map((l) => Number.parseFloat(l))
      .filter((t) => Number.isFinite(t));
    expect(pts.length).toBeGreaterThan(125);
    expect(pts[pts.length - 1] - pts[0]).toBeGreaterThan(12.5);
    for (let i = 1; i < pts.length; i++) {
      const step = pts[i] - pts[i - 1];
      expect(step, `packet ${i}`).toBeGreaterThan(0);
      expect(step, `packet ${i}`).toBeLessThan(0.15); // no gap at the loop point either
    }
  });

  it('serves a second mount at its own size', async () => {
    const { stdout } = await run(
      'ffprobe',
      [
        ...['-v', 'error', '-rtsp_transport', 'tcp', '-select_streams', 'v'],
        ...['-show_entries', 'stream=width,height', '-of', 'csv=p=0', server.url('checkpoint')],
      ],
      { timeout: 30_000 },
    );
    expect(stdout.trim()).toBe('1280,720');
  });
});

describe('RTSP fixture server start-up failures', () => {
  it('names the file it cannot read', async () => {
    const err = await startRtspFixtureServer({
      streams: [{ mount: 'x', file: path.join(media, 'not-an-image.jpg') }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RtspFixtureServerError);
    expect((err as Error).message).toMatch(/cannot read .*not-an-image\.jpg/);
  });

  it('says when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startRtspFixtureServer({
        port,
        streams: [{ mount: 'x', file: path.join(media, 'street.mp4') }],
      }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(new RegExp(`cannot listen on 127.0.0.1:${port}`));
    } finally {
      blocker.close();
    }
  });

  it('names the missing packages and the setup command when GStreamer bindings are absent', async () => {
    // python3 -S skips site-packages, so `import gi` fails exactly as on a machine without python3-gi.
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-rtsp-'));
    const python = path.join(dir, 'python-without-gi');
    writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
    chmodSync(python, 0o755);
    const err = await startRtspFixtureServer({
      python,
      streams: [{ mount: 'x', file: path.join(media, 'street.mp4') }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RtspFixtureServerError);
    expect((err as Error).message).toMatch(/packages missing/);
    expect((err as Error).message).toContain('gir1.2-gst-rtsp-server-1.0');
    expect((err as Error).message).toContain('scripts/setup.sh --test');
  });
});
