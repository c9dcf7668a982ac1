// Tests the ffmpeg argument builder: option placement per source kind, validation, and one real decode.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildDecodeArgs, frameBytes, parseSource } from './ffmpeg-args.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/media');

/** The value that follows `flag` in args, asserting the flag is there. */
function valueOf(args: string[], flag: string): string {
  const i = args.indexOf(flag);
  expect(i, `${flag} missing from ${args.join(' ')}`).toBeGreaterThanOrEqual(0);
  return args[i + 1];
}

describe('parseSource', () => {
  it('classifies rtsp, file URLs and paths', () => {
    expect(parseSource('rtsp://10.0.0.5:554/stream1')).toEqual({ kind: 'rtsp', url: 'rtsp://10.0.0.5:554/stream1' });
    expect(parseSource('RTSPS://cam/x')).toEqual({ kind: 'rtsp', url: 'RTSPS://cam/x' });
    expect(parseSource('file:///data/a%20b.mp4')).toEqual({ kind: 'file', path: '/data/a b.mp4' });
    expect(parseSource('file://fixtures/media/x.mp4')).toEqual({
      kind: 'file',
      path: path.resolve('fixtures/media/x.mp4'),
    });
    expect(parseSource('/abs/clip.mp4')).toEqual({ kind: 'file', path: '/abs/clip.mp4' });
  });

  it('rejects other schemes with a message naming the accepted ones', () => {
    expect(() => parseSource('http://cam/video.mjpg')).toThrow(/rtsp:\/\/, rtsps:\/\/, file:\/\//);
  });
});

describe('buildDecodeArgs', () => {
  it('puts the RTSP input options before -i and the output options after it', () => {
    const args = buildDecodeArgs({ source: 'rtsp://127.0.0.1:8554/cam', fps: 5, width: 1280, height: 720 });
    const input = args.indexOf('-i');
    expect(args[input + 1]).toBe('rtsp://127.0.0.1:8554/cam');
    for (const flag of ['-rtsp_transport', '-timeout', '-fflags', '-flags', '-analyzeduration']) {
      expect(args.indexOf(flag)).toBeLessThan(input);
    }
    expect(valueOf(args, '-rtsp_transport')).toBe('tcp');
    expect(valueOf(args, '-timeout')).toBe('5000000');
    expect(valueOf(args, '-fflags')).toBe('nobuffer');
    expect(valueOf(args, '-flags')).toBe('low_delay');
    expect(valueOf(args, '-vf')).toBe('fps=5,scale=1280:720');
    expect(args.indexOf('-vf')).toBeGreaterThan(input);
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    expect(args).not.toContain('-re');
    expect(args).not.toContain('-stream_loop');
  });

  it('plays files in real time and loops them by default, with no RTSP options', () => {
    const args = buildDecodeArgs({ source: pathToFileURL('/videos/gate.mp4').href, fps: 2.5, width: 640, height: 360 });
    const input = args.indexOf('-i');
    expect(args[input + 1]).toBe('/videos/gate.mp4');
    expect(args.indexOf('-re')).toBeLessThan(input);
    expect(valueOf(args, '-stream_loop')).toBe('-1');
    expect(args.indexOf('-stream_loop')).toBeLessThan(input);
    expect(args).not.toContain('-rtsp_transport');
    expect(valueOf(args, '-vf')).toBe('fps=2.5,scale=640:360');
  });

  it('honours the options', () => {
    const args = buildDecodeArgs({
      source: 'rtsp://cam/x',
      fps: 10,
      width: 320,
      height: 240,
      rtspTimeoutMs: 1500,
      probeMs: 300,
      threads: 2,
      logLevel: 'warning',
    });
    expect(valueOf(args, '-timeout')).toBe('1500000');
    expect(valueOf(args, '-analyzeduration')).toBe('300000');
    expect(valueOf(args, '-threads')).toBe('2');
    expect(valueOf(args, '-loglevel')).toBe('warning');
    const file = buildDecodeArgs({ source: '/v.mp4', fps: 10, width: 320, height: 240, realtime: false, loop: false });
    expect(file).not.toContain('-re');
    expect(file).not.toContain('-stream_loop');
  });

  it('rejects sizes and rates that ffmpeg would fail on later', () => {
    const base = { source: '/v.mp4', fps: 5, width: 640, height: 360 };
    expect(() => buildDecodeArgs({ ...base, fps: 0 })).toThrow(/fps/);
    expect(() => buildDecodeArgs({ ...base, width: 640.5 })).toThrow(/width must be a positive integer/);
    expect(() => buildDecodeArgs({ ...base, height: -1 })).toThrow(/height/);
    expect(() => buildDecodeArgs({ ...base, threads: 0 })).toThrow(/threads/);
  });

  it('decodes a fixture with real ffmpeg into whole frames of the asked size', async () => {
    const args = buildDecodeArgs({
      source: path.join(media, 'checkpoint.mp4'),
      fps: 5,
      width: 320,
      height: 180,
      realtime: false,
      loop: false,
    });
    const { stdout } = await promisify(execFile)('ffmpeg', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    // 10 s at 5 fps; the fps filter may round the last frame either way.
    const frames = stdout.length / frameBytes(320, 180);
    expect(Number.isInteger(frames)).toBe(true);
    expect(frames).toBeGreaterThanOrEqual(49);
    expect(frames).toBeLessThanOrEqual(51);
  });
});
