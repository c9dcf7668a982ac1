import { describe, expect, it } from 'vitest';
import { CameraClockReader, CLOCK_SETTLE_MS, clockOutputArgs } from './camera-clock.js';

const NTP_UNIX_OFFSET_S = 2_208_988_800;

function box(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A version-1 prft box for a camera wall time (epoch ms). */
function prft(cameraMs: number): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt8(1, 0);
  body.writeUInt32BE(1, 4);
  const seconds = Math.floor(cameraMs / 1000);
  body.writeUInt32BE(seconds + NTP_UNIX_OFFSET_S, 8);
  body.writeUInt32BE(Math.round(((cameraMs - seconds * 1000) / 1000) * 2 ** 32), 12);
  return box('prft', body);
}

/** One fragment as ffmpeg writes it: prft, moof, mdat with the frame's bytes. */
function fragment(cameraMs: number, frameBytes: number): Buffer {
  return Buffer.concat([prft(cameraMs), box('moof', Buffer.alloc(100, 1)), box('mdat', Buffer.alloc(frameBytes, 7))]);
}

describe('CameraClockReader', () => {
  const start = 1_764_000_000_000;
  const now = start + CLOCK_SETTLE_MS + 1000;

  it('reads the offset from prft boxes, whatever the chunking, and passes over the frame data', () => {
    const stream = Buffer.concat([
      box('ftyp', Buffer.alloc(20)),
      box('moov', Buffer.alloc(600)),
      fragment(now + 30_000, 50_000),
      fragment(now - 7_250, 3),
    ]);
    // Chunks smaller than the 50 kB frame: each prft is seen before the next one is read.
    for (const chunkSize of [1, 7, 4096]) {
      const r = new CameraClockReader();
      r.reset(start);
      const seen: number[] = [];
      for (let pos = 0; pos < stream.length; pos += chunkSize) {
        r.push(stream.subarray(pos, pos + chunkSize), now);
        if (r.offsetMs !== null && seen.at(-1) !== r.offsetMs) seen.push(r.offsetMs);
      }
      expect(seen).toEqual([30_000, -7_250]);
    }
    const whole = new CameraClockReader();
    whole.reset(start);
    whole.push(stream, now);
    expect(whole.offsetMs).toBe(-7_250);
  });

  it('drops readings from the first seconds of a run (the muxer stamps its own clock until a sender report)', () => {
    const r = new CameraClockReader();
    r.reset(start);
    r.push(fragment(start + 30_000, 10), start + CLOCK_SETTLE_MS - 1);
    expect(r.offsetMs).toBeNull();
    r.push(fragment(now + 30_000, 10), now);
    expect(r.offsetMs).toBe(30_000);
    r.reset(now);
    expect(r.offsetMs).toBeNull();
  });

  it('stops reading a stream that is not MP4 boxes', () => {
    const r = new CameraClockReader();
    r.reset(start);
    r.push(Buffer.from([0, 0, 0, 3, 0x61, 0x62, 0x63, 0x64]), now);
    r.push(fragment(now + 30_000, 10), now);
    expect(r.offsetMs).toBeNull();
  });

  it('asks ffmpeg for one fragment per frame with the sender-report time on the given descriptor', () => {
    const args = clockOutputArgs(3);
    expect(args.at(-1)).toBe('pipe:3');
    expect(args.join(' ')).toContain('-write_prft wallclock');
    expect(args.join(' ')).toContain('frag_every_frame');
  });
});
