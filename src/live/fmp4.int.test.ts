import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Fmp4Splitter, codecOf, type Fragment } from './fmp4.js';
import { buildLiveArgs } from './live-args.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/media/checkpoint.mp4');

/** The fixture (1280x720 H.264 main, 10 fps, a keyframe every second) through the live route's own output arguments. */
function liveBytes(): Buffer {
  const args = buildLiveArgs({ source: fixture, fragmentMs: 100 }).filter(
    (a, i, all) => a !== '-re' && !(a === '-stream_loop' || all[i - 1] === '-stream_loop'),
  );
  const out = spawnSync('ffmpeg', args, { maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`ffmpeg failed: ${out.stderr.toString()}`);
  return out.stdout;
}

describe('fragmented MP4 splitting', () => {
  it('gives the init segment once, then whole fragments, keyframes marked, whatever the chunk sizes', () => {
    const bytes = liveBytes();
    for (const chunk of [1, 1000, bytes.length]) {
      const inits: Buffer[] = [];
      const fragments: Fragment[] = [];
      const s = new Fmp4Splitter({ init: (i) => inits.push(i), fragment: (f) => fragments.push(f) });
      for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
      expect(inits).toHaveLength(1);
      expect(codecOf(inits[0])).toBe('avc1.4d401f');
      // 10 s at 10 fps, one frame per fragment (100 ms), a keyframe each second.
      expect(fragments).toHaveLength(100);
      expect(fragments.flatMap((f, i) => (f.keyframe ? [i] : []))).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
      // Nothing lost: all that is left is the index ffmpeg appends when the input ends (a camera never ends).
      const used = inits[0].length + fragments.reduce((n, f) => n + f.bytes.length, 0);
      expect(bytes.toString('latin1', used + 4, used + 8)).toBe('mfra');
    }
  });

  it('refuses a stream that is not MP4 boxes', () => {
    const s = new Fmp4Splitter({ init: () => {}, fragment: () => {} });
    expect(() => s.push(Buffer.from([0, 0, 0, 1, 0x6d, 0x6f, 0x6f, 0x66]))).toThrow(/bad MP4 box size/);
  });
});
