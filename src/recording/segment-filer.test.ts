// Which index errors belong to one segment (set it aside) and which to the system (keep it pending, retry).
import { describe, expect, it } from 'vitest';
import { isSegmentFault, parsePendingName, pendingName } from './segment-filer.js';

describe('isSegmentFault', () => {
  it('is true for rows the database refuses by checks or types, false for outages', () => {
    expect(isSegmentFault({ code: '23514', message: 'new row violates check constraint "segments_check"' })).toBe(true);
    expect(isSegmentFault({ code: '23503' })).toBe(true);
    expect(isSegmentFault({ code: '22008' })).toBe(true);
    expect(isSegmentFault({ code: '08006' })).toBe(false);
    expect(isSegmentFault({ code: '57P01' })).toBe(false);
    expect(isSegmentFault({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isSegmentFault(new Error('PGlite is closed'))).toBe(false);
    expect(isSegmentFault(null)).toBe(false);
  });
});

describe('pending names', () => {
  it('carry both wall times through a restart', () => {
    expect(parsePendingName(pendingName(1_700_000_000_000, 1_700_000_060_000))).toEqual({
      startMs: 1_700_000_000_000,
      endMs: 1_700_000_060_000,
    });
    expect(parsePendingName('r1-000001.ts')).toBeNull();
  });
});
