// Unit: ffmpeg's CSV segment list split across chunks, quoted names, and stream time to wall time.
import { describe, expect, it } from 'vitest';
import { SegmentListParser, WallClockAnchor, parseLine } from './segment-list.js';

describe('SegmentListParser', () => {
  it('yields one segment per complete line, whatever the chunking', () => {
    const p = new SegmentListParser();
    expect(p.push('r1-000000.ts,0.000000,2.9')).toEqual([]);
    expect(p.push('00000\nr1-000001.ts,2.900000,4.900000\nr1-0')).toEqual([
      { file: 'r1-000000.ts', startRel: 0, endRel: 2.9 },
      { file: 'r1-000001.ts', startRel: 2.9, endRel: 4.9 },
    ]);
    expect(p.push('00002.ts,4.9,6.8\r\n')).toEqual([{ file: 'r1-000002.ts', startRel: 4.9, endRel: 6.8 }]);
  });

  it('reads quoted names and skips malformed lines', () => {
    expect(parseLine('"a,""b"".ts",1,2')).toEqual({ file: 'a,"b".ts', startRel: 1, endRel: 2 });
    expect(parseLine('x.ts,2,1')).toBeNull();
    expect(parseLine('garbage')).toBeNull();
  });
});

describe('WallClockAnchor', () => {
  it('takes the smallest now - end seen, since delivery delays only add', () => {
    const a = new WallClockAnchor();
    a.observe(2.9, 10_000);
    expect(a.toWall(0)).toBe(7100);
    a.observe(4.9, 12_050);
    expect(a.toWall(0)).toBe(7100);
    a.observe(6.9, 13_950);
    expect(a.toWall(2.9)).toBe(7050 + 2900);
  });

  it('never starts a run before the previous run ended', () => {
    const a = new WallClockAnchor(9000);
    a.observe(3, 11_000);
    expect(a.toWall(0)).toBe(9000);
  });
});
