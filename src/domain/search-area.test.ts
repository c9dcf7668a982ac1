import { describe, expect, it } from 'vitest';
import { parseCompass } from './search-area.js';

describe('parseCompass', () => {
  it('reads compass points and degrees', () => {
    expect(parseCompass('n')).toBe(0);
    expect(parseCompass('SW')).toBe(225);
    expect(parseCompass('360')).toBe(0);
    expect(parseCompass('12.5')).toBe(12.5);
    expect(parseCompass('up')).toBeNull();
    expect(parseCompass('-5')).toBeNull();
  });
});
