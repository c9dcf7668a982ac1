// Unit: Range header parsing and the 200/206/416 responses with the right bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileResponse, parseRange } from './http-range.js';

describe('parseRange', () => {
  it('reads start-end, open-ended and suffix ranges, clamping the end to the file', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=95-200', 100)).toEqual({ kind: 'partial', start: 95, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
  });

  it('is unsatisfiable past the end, and ignores malformed or multi-range headers', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=9-3', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'whole' });
  });
});

describe('fileResponse', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-range-'));
  const file = path.join(dir, 'f.bin');
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  writeFileSync(file, data);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the requested bytes with 206 and Content-Range', async () => {
    const res = await fileResponse(file, 'bytes=100-199', { contentType: 'video/mp2t' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(res.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data.subarray(100, 200));
  });

  it('serves the whole file without a range, and 416 beyond it', async () => {
    const whole = await fileResponse(file, undefined, { contentType: 'video/mp4', downloadName: 'cam a.mp4' });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename="cam_a.mp4"');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(data);
    const out = await fileResponse(file, 'bytes=1000-', { contentType: 'video/mp4' });
    expect(out.status).toBe(416);
    expect(out.headers.get('content-range')).toBe('bytes */1000');
    expect(((await out.json()) as { error: string }).error).toMatch(/outside the file of 1000 bytes/);
  });
});
