// The camera clock through CameraSource with real ffmpeg and the RTSP fixture server: frames carry the offset
// of the server's sender-report clock, and a real ffmpeg failing on the clock output (its pipe:3 is /dev/full)
// costs the camera nothing: it runs on without the clock.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../domain/frame.js';
import { CameraSource } from './camera-source.js';
import { CLOCK_SETTLE_MS } from './camera-clock.js';
import { startRtspFixtureServer } from './rtsp-fixture-server.js';

const street = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/media/street.mp4');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function serve(clockOffsetSeconds: number): Promise<string> {
  const server = await startRtspFixtureServer({ streams: [{ mount: 'street', file: street }], clockOffsetSeconds });
  cleanup.push(() => server.stop());
  return server.url('street');
}

function run(
  url: string,
  ffmpegPath = 'ffmpeg',
  cameraClock = true,
): { source: CameraSource; frames: Frame[]; errors: string[] } {
  const frames: Frame[] = [];
  const errors: string[] = [];
  const source = new CameraSource({
    cameraId: 'c',
    url,
    fps: 5,
    width: 160,
    height: 90,
    ffmpegPath,
    cameraClock,
    onFrame: (f) => void frames.push(f),
  });
  source.on('status', (s) => s.lastError && errors.push(s.lastError));
  cleanup.push(() => source.stop());
  source.start();
  return { source, frames, errors };
}

describe('camera clock through CameraSource', () => {
  it('stamps frames with the camera clock minus the node clock, once the settle time is over', async () => {
    const { frames } = run(await serve(-20));
    await expect
      .poll(() => frames.at(-1)?.clockOffsetMs, { timeout: CLOCK_SETTLE_MS + 15_000, interval: 500 })
      .toBeDefined();
    const offsets = frames.filter((f) => f.clockOffsetMs !== undefined).map((f) => (f.clockOffsetMs as number) / 1000);
    // Late by a frame interval (0.1 s at the fixture's 10 fps) plus the loopback's delay.
    for (const s of offsets) expect(s).toBeGreaterThan(-20.5);
    for (const s of offsets) expect(s).toBeLessThan(-19.9);
    // Frames before the settle time carry none (the muxer stamps the node's clock until a sender report).
    expect(frames[0].clockOffsetMs).toBeUndefined();
  }, 60_000);

  it('runs on without the clock output when ffmpeg fails on it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-clock-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const wrapper = path.join(dir, 'ffmpeg');
    // Real ffmpeg whose clock output cannot be written: "Could not write header for output file #1".
    writeFileSync(wrapper, '#!/bin/sh\nexec 3>/dev/full\nexec ffmpeg "$@"\n');
    chmodSync(wrapper, 0o755);
    const { source, frames, errors } = run(await serve(0), wrapper);
    await expect.poll(() => frames.length, { timeout: 30_000, interval: 500 }).toBeGreaterThan(10);
    expect(source.status().state).toBe('online');
    expect(errors.join('\n')).toMatch(/camera-clock output: it runs without it/);
    expect(frames.every((f) => f.clockOffsetMs === undefined)).toBe(true);
  }, 60_000);

  it('asks ffmpeg for no clock output where nothing judges the clock (cameraClock: false)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-clock-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const wrapper = path.join(dir, 'ffmpeg');
    const argv = path.join(dir, 'argv');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" > ${argv}\nexec ffmpeg "$@"\n`);
    chmodSync(wrapper, 0o755);
    const { frames } = run(await serve(0), wrapper, false);
    await expect.poll(() => frames.length, { timeout: 30_000, interval: 500 }).toBeGreaterThan(5);
    const args = readFileSync(argv, 'utf8');
    expect(args).toContain('pipe:1');
    expect(args).not.toContain('write_prft');
    expect(args).not.toContain('pipe:3');
  }, 60_000);
});
