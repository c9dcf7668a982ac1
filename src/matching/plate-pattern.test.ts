// Tests for hotlist plate patterns: anchoring, wildcards, OCR-equivalent literals and the index.
import { describe, expect, it } from 'vitest';
import { PatternIndex, PatternSyntaxError, compilePattern, matchPattern, patternOcrSubstitutions } from './plate-pattern.js';

const matches = (pattern: string, plate: string) => matchPattern(compilePattern(pattern), plate);

describe('compilePattern', () => {
  it('records the literal ends and the length range', () => {
    const p = compilePattern('粤B1?3*');
    expect(p.literalPrefix).toBe('粤B1');
    expect(p.literalSuffix).toBe('');
    expect(p.minLength).toBe(5);
    expect(p.maxLength).toBe(Infinity);
    expect(compilePattern('粤B12?45').maxLength).toBe(7);
    expect(compilePattern('*345').literalSuffix).toBe('345');
  });

  it('collapses runs of * and rejects an empty pattern', () => {
    expect(compilePattern('粤**5').source).toBe('粤*5');
    expect(() => compilePattern('')).toThrow(PatternSyntaxError);
  });
});

describe('matchPattern', () => {
  it('anchors at both ends: the whole plate must match', () => {
    expect(matches('粤B123', '粤B12345')).toBe(false);
    expect(matches('B12345', '粤B12345')).toBe(false);
    expect(matches('粤B12345', '粤B12345')).toBe(true);
  });

  it('takes ? as exactly one character', () => {
    expect(matches('粤B1?345', '粤B12345')).toBe(true);
    expect(matches('粤B1?345', '粤B1345')).toBe(false);
    expect(matches('粤B1?345', '粤B122345')).toBe(false);
    expect(matches('???????', '粤B12345')).toBe(true);
  });

  it('takes * as any run, including an empty one', () => {
    expect(matches('粤B*45', '粤B12345')).toBe(true);
    expect(matches('粤B*45', '粤B45')).toBe(true);
    expect(matches('粤B*45', '粤B12346')).toBe(false);
  });

  it('handles * at both ends (a substring search)', () => {
    expect(matches('*234*', '粤B12345')).toBe(true);
    expect(matches('*234*', '234')).toBe(true);
    expect(matches('*234*', '粤B12435')).toBe(false);
    expect(matches('*1*4*', '粤B12345')).toBe(true);
  });

  it('backtracks when the first place a * could end is wrong', () => {
    // The first '5' is not followed by '5X'; only the later one is.
    expect(matches('*55X', '粤B5155X')).toBe(true);
    expect(matches('粤*A*A', '粤AAXA')).toBe(true);
  });

  it('is character-exact; OCR-equivalent literals only count through patternOcrSubstitutions', () => {
    const p = compilePattern('粤B*0S');
    expect(matchPattern(p, '粤B12OS')).toBe(false);
    expect(patternOcrSubstitutions(p, '粤B12OS')).toBe(1);
    expect(patternOcrSubstitutions(p, '粤812O5')).toBe(3);
    expect(patternOcrSubstitutions(p, '粤B1207')).toBeNull();
  });

  it('picks the cheapest alignment of a *', () => {
    // '*0' can end on the 'O' (1 substitution) or on the '0' (none).
    expect(patternOcrSubstitutions(compilePattern('粤*0?'), '粤AO0X')).toBe(0);
  });
});

describe('PatternIndex', () => {
  const build = () => {
    const index = new PatternIndex<string>();
    for (const [id, pattern] of Object.entries({
      prefix: '粤B12*',
      short: '粤?345*',
      suffix: '*8888',
      both: '*666*',
      mid: '?A1*9',
    })) {
      index.add(compilePattern(pattern), id);
    }
    return index;
  };
  const ids = (index: PatternIndex<string>, plate: string, maxOcr = 0) =>
    index
      .match(plate, maxOcr)
      .map((h) => h.value)
      .sort();

  it('finds prefix, suffix and unanchored patterns', () => {
    const index = build();
    expect(ids(index, '粤B12345')).toEqual(['prefix']);
    expect(ids(index, '粤X34512')).toEqual(['short']);
    expect(ids(index, '湘A18888')).toEqual(['suffix']);
    expect(ids(index, '湘A16669')).toEqual(['both', 'mid']);
    expect(ids(index, '京C00000')).toEqual([]);
    // Only '*666*' lacks a literal end; '?A1*9' is found through its suffix.
    expect(index.linearCount).toBe(1);
  });

  it('finds a pattern through an OCR-equivalent first character only when allowed', () => {
    const index = build();
    // 'S' for '5' in the suffix anchor: the canonical key still finds the bucket.
    expect(ids(index, '湘A1888B')).toEqual([]);
    expect(ids(index, '湘A1888B', 1)).toEqual(['suffix']);
    expect(index.match('湘A1888B', 1)[0].ocrSubstitutions).toBe(1);
  });

  it('removes patterns and replaces a re-added value', () => {
    const index = build();
    expect(index.remove('prefix')).toBe(true);
    expect(index.remove('prefix')).toBe(false);
    expect(ids(index, '粤B12345')).toEqual([]);
    index.add(compilePattern('*45'), 'suffix');
    expect(index.size).toBe(4);
    expect(ids(index, '粤B12345')).toEqual(['suffix']);
    expect(ids(index, '湘A18888')).toEqual([]);
  });
});
