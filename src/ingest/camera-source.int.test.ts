// Integration tests of CameraSource with real ffmpeg and the real RTSP fixture server, plus scripted
// stand-ins for ffmpeg where a failure (a stall mid-stream, a crash) must happen on cue.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../domain/frame.js';
import { CameraSource, type CameraState, type CameraStatus } from './camera-source.js';
import { startRtspFixtureServer, type RtspFixtureServer } from './rtsp-fixture-server.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/media');
const checkpoint = path.join(media, 'checkpoint.mp4');

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Records the states and errors a source reports, and stops it after the test. */
function track(source: CameraSource): { states: CameraState[]; errors: string[] } {
  const states: CameraState[] = [];
  const errors: string[] = [];
  source.on('status', (s) => {
    states.push(s.state);
    if (s.lastError) errors.push(s.lastError);
  });
  cleanup.push(() => source.stop());
  return { states, errors };
}

async function waitForState(source: CameraSource, state: CameraState, timeoutMs: number): Promise<CameraStatus> {
  await expect.poll(() => source.status().state, { timeout: timeoutMs, interval: 50 }).toBe(state);
  return source.status();
}

/** An executable standing in for ffmpeg: a shell script that ignores its arguments. */
function fakeFfmpeg(script: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-ffmpeg-')), 'ffmpeg');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('CameraSource over RTSP', () => {
  it('delivers frames of the configured size with rising seq and capture times', async () => {
    const server = await startRtspFixtureServer({ streams: [{ mount: 'cam', file: checkpoint }] });
    cleanup.push(() => server.stop());
    const frames: Frame[] = [];
    const source = new CameraSource({
      cameraId: 'gate-1',
      url: server.url('cam'),
      fps: 5,
      width: 640,
      height: 360,
      onFrame: (f) => void frames.push(f),
    });
    const { states } = track(source);
    source.start();
    await expect.poll(() => frames.length, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(6);

    const status = source.status();
    expect(states.slice(0, 2)).toEqual(['starting', 'online']);
    expect(status).toMatchObject({ cameraId: 'gate-1', state: 'online', restarts: 0, lastError: null });
    expect(status.fps).toBeGreaterThan(0);
    expect(status.lastFrameAt).toBe(frames.at(-1)?.capturedAt);
    for (const [i, f] of frames.entries()) {
      expect(f).toMatchObject({ cameraId: 'gate-1', width: 640, height: 360, seq: i });
      expect(f.data.length).toBe(640 * 360 * 3);
      if (i) expect(f.capturedAt).toBeGreaterThanOrEqual(frames[i - 1].capturedAt);
    }
    // Bytes are R, G, B in that order: the verge at the left edge is grass green (#4f7a3a in the fixture).
    const px = (20 + 180 * 640) * 3;
    const [r, g, b] = frames[0].data.subarray(px, px + 3);
    expect(g).toBeGreaterThan(r + 20);
    expect(g).toBeGreaterThan(b + 20);

    await source.stop();
    const delivered = frames.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(source.status().state).toBe('stopped');
    expect(frames.length).toBe(delivered);
  });

  it('goes offline when the server stops and comes back when it returns on the same port', async () => {
    let server: RtspFixtureServer = await startRtspFixtureServer({ streams: [{ mount: 'cam', file: checkpoint }] });
    const port = server.port;
    cleanup.push(() => server.stop());
    const source = new CameraSource({
      cameraId: 'gate-2',
      url: server.url('cam'),
      fps: 5,
      width: 320,
      height: 180,
      stallTimeoutMs: 2000,
      backoffBaseMs: 200,
      backoffMaxMs: 1000,
    });
    const { states } = track(source);
    source.start();
    await waitForState(source, 'online', 20_000);

    await server.stop();
    const offline = await waitForState(source, 'offline', 2000 + 1000);
    expect(offline.lastError).toBeTruthy();

    server = await startRtspFixtureServer({ port, streams: [{ mount: 'cam', file: checkpoint }] });
    const back = await waitForState(source, 'online', 20_000);
    expect(back.restarts).toBeGreaterThanOrEqual(1);
    expect(back.lastError).toBeNull();
    expect(states).toEqual(expect.arrayContaining(['starting', 'online', 'offline']));
    expect(states.at(-1)).toBe('online');
  });

  it('reports an unreachable camera as offline with the reason, and keeps retrying', async () => {
    const source = new CameraSource({
      cameraId: 'nowhere',
      url: 'rtsp://127.0.0.1:1/none',
      fps: 5,
      width: 320,
      height: 180,
      backoffBaseMs: 100,
      backoffMaxMs: 300,
    });
    const restartedAt: number[] = [];
    source.on('status', (s) => s.restarts > restartedAt.length && restartedAt.push(Date.now()));
    track(source);
    source.start();
    const status = await waitForState(source, 'offline', 10_000);
    expect(status.lastError).toMatch(/Connection refused/i);
    await expect.poll(() => source.status().restarts, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(source.status().state).toBe('offline');
    // Backoff doubles from 100 ms up to the 300 ms ceiling; timers never fire early, so these are lower bounds.
    expect(restartedAt[1] - restartedAt[0]).toBeGreaterThanOrEqual(195);
    expect(restartedAt[2] - restartedAt[1]).toBeGreaterThanOrEqual(295);
  });

  it('kills an ffmpeg that connects but never gets a first frame', async () => {
    // A TCP server that accepts and says nothing: ffmpeg would wait out its own socket timeout.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          sockets.forEach((s) => s.destroy());
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const source = new CameraSource({
      cameraId: 'mute',
      url: `rtsp://127.0.0.1:${port}/x`,
      fps: 5,
      width: 320,
      height: 180,
      startTimeoutMs: 800,
      decode: { rtspTimeoutMs: 30_000 },
      backoffBaseMs: 100,
    });
    track(source);
    source.start();
    const status = await waitForState(source, 'offline', 5000);
    expect(status.lastError).toMatch(/no first frame within 800 ms/);
  });
});

describe('CameraSource watchdog and queue', () => {
  it('restarts a decoder that stalls mid-stream', async () => {
    // One 2x2 frame, then silence while staying alive: only the stall watchdog can notice.
    const ffmpegPath = fakeFfmpeg('head -c 12 /dev/zero; exec sleep 30');
    const source = new CameraSource({
      cameraId: 'stall',
      url: '/dev/null',
      fps: 5,
      width: 2,
      height: 2,
      ffmpegPath,
      stallTimeoutMs: 300,
      backoffBaseMs: 100,
      backoffMaxMs: 400,
    });
    const { states, errors } = track(source);
    source.start();
    await expect.poll(() => source.status().restarts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    // Each run delivered its frame (so it went online) and then was killed for the stall.
    const changes = states.filter((s, i) => s !== states[i - 1]);
    expect(changes.slice(0, 4)).toEqual(['starting', 'online', 'offline', 'online']);
    expect(errors[0]).toBe('no frame for 300 ms');
  });

  it('puts ffmpeg stderr into lastError when it exits, and a missing ffmpeg does not crash', async () => {
    const crashing = new CameraSource({
      cameraId: 'crash',
      url: '/dev/null',
      fps: 5,
      width: 2,
      height: 2,
      backoffBaseMs: 5000,
      ffmpegPath: fakeFfmpeg('echo "pipe:1: something broke" >&2; exit 1'),
    });
    track(crashing);
    crashing.start();
    const crashed = await waitForState(crashing, 'offline', 5000);
    expect(crashed.lastError).toBe('ffmpeg exited with code 1: pipe:1: something broke');

    const missing = new CameraSource({
      cameraId: 'none',
      url: '/dev/null',
      fps: 5,
      width: 2,
      height: 2,
      ffmpegPath: '/nonexistent/ffmpeg',
      backoffBaseMs: 5000,
    });
    track(missing);
    missing.start();
    expect((await waitForState(missing, 'offline', 5000)).lastError).toMatch(
      /cannot run \/nonexistent\/ffmpeg: .*ENOENT/,
    );
  });

  it('keeps only the newest frame while an async handler is busy, and counts the dropped ones', async () => {
    let active = 0;
    let maxActive = 0;
    const seen: number[] = [];
    const source = new CameraSource({
      cameraId: 'slow',
      url: pathToFileURL(checkpoint).href,
      fps: 10,
      width: 160,
      height: 90,
      onFrame: async (f) => {
        maxActive = Math.max(maxActive, ++active);
        seen.push(f.seq);
        await new Promise((resolve) => setTimeout(resolve, 450));
        active--;
      },
    });
    track(source);
    source.start();
    await expect.poll(() => source.status().dropped, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(5);
    await source.stop();
    expect(maxActive).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    // Newest-wins: after the first frame the handler skips ahead rather than taking the next in line.
    expect(seen.every((s, i) => i === 0 || s > seen[i - 1])).toBe(true);
    expect(seen.some((s, i) => i > 0 && s - seen[i - 1] > 1)).toBe(true);
  });

  it('rejects a bad size or source when constructed, not in the restart loop', () => {
    expect(() => new CameraSource({ cameraId: 'x', url: 'http://cam/x', fps: 5, width: 320, height: 180 })).toThrow(
      /unsupported video source/,
    );
    expect(() => new CameraSource({ cameraId: 'x', url: '/v.mp4', fps: 5, width: 0, height: 180 })).toThrow(/width/);
  });
});
