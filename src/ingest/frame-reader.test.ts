// Tests FrameReader: frames come out whole and in order whatever the chunking, with no needless copies.
import { describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader.js';

/** A stream of `count` frames of `size` bytes where byte i of frame f is (f * 31 + i) & 0xff. */
function stream(count: number, size: number): Buffer {
  const out = Buffer.alloc(count * size);
  for (let f = 0; f < count; f++) for (let i = 0; i < size; i++) out[f * size + i] = (f * 31 + i) & 0xff;
  return out;
}

function feed(reader: FrameReader, data: Buffer, chunkSizes: number[]): Buffer[] {
  const frames: Buffer[] = [];
  let offset = 0;
  for (let k = 0; offset < data.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    frames.push(...reader.push(data.subarray(offset, offset + size)));
    offset += size;
  }
  return frames;
}

describe('FrameReader', () => {
  const size = 12; // a 2x2 rgb24 frame

  it.each([
    ['one byte at a time', [1]],
    ['chunks smaller than a frame', [5]],
    ['chunks of exactly one frame', [12]],
    ['chunks spanning several frames', [29]],
    ['irregular chunks', [7, 1, 30, 12, 2, 50]],
  ])('splits %s into whole frames in order', (_name, chunkSizes) => {
    const data = stream(10, size);
    const reader = new FrameReader(size);
    const frames = feed(reader, data, chunkSizes);
    expect(frames).toHaveLength(10);
    frames.forEach((frame, f) => expect(frame.equals(data.subarray(f * size, (f + 1) * size))).toBe(true));
    expect(reader.pendingBytes).toBe(0);
  });

  it('keeps a trailing partial frame until the rest arrives', () => {
    const data = stream(2, size);
    const reader = new FrameReader(size);
    expect(reader.push(data.subarray(0, 17))).toHaveLength(1);
    expect(reader.pendingBytes).toBe(5);
    const [second] = reader.push(data.subarray(17));
    expect(second.equals(data.subarray(12))).toBe(true);
  });

  it('returns frames wholly inside a chunk as views of it, not copies', () => {
    const chunk = stream(3, size);
    const frames = new FrameReader(size).push(chunk);
    expect(frames).toHaveLength(3);
    for (const frame of frames) expect(frame.buffer).toBe(chunk.buffer);
  });

  it('gives assembled frames their own memory, so later chunks cannot change them', () => {
    const reader = new FrameReader(size);
    const first = Buffer.alloc(8, 1);
    reader.push(first);
    const [frame] = reader.push(Buffer.alloc(8, 2));
    first.fill(9);
    expect([...frame]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('drops a partial frame on reset', () => {
    const reader = new FrameReader(size);
    reader.push(Buffer.alloc(5, 7));
    reader.reset();
    expect(reader.pendingBytes).toBe(0);
    const [frame] = reader.push(Buffer.alloc(size, 3));
    expect([...frame]).toEqual(new Array(size).fill(3));
  });

  it('rejects a frame size that is not a positive integer', () => {
    expect(() => new FrameReader(0)).toThrow(RangeError);
    expect(() => new FrameReader(1.5)).toThrow(RangeError);
  });
});
