// Tests for hotlist plate patterns: anchoring, wildcards, OCR-equivalent literals and the index.
import { describe, expect, it } from 'vitest';
import {
  PatternIndex,
  PatternSyntaxError,
  compilePattern,
  matchPattern,
  patternOcrSubstitutions,
} from './plate-pattern.js';

const matches = (pattern: string, plate: string) => matchPattern(compilePattern(pattern), plate);

describe('compilePattern', () => {
  it('records the length range', () => {
    const p = compilePattern('粤B1?3*');
    expect(p.minLength).toBe(5);
    expect(p.maxLength).toBe(Infinity);
    expect(compilePattern('粤B12?45').maxLength).toBe(7);
    expect(compilePattern('*345').minLength).toBe(3);
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

  it('finds prefix, suffix and unanchored patterns, none by scanning', () => {
    const index = build();
    expect(ids(index, '粤B12345')).toEqual(['prefix']);
    expect(ids(index, '粤X34512')).toEqual(['short']);
    expect(ids(index, '湘A18888')).toEqual(['suffix']);
    expect(ids(index, '湘A16669')).toEqual(['both', 'mid']);
    expect(ids(index, '京C00000')).toEqual([]);
    expect(index.linearCount).toBe(0);
  });

  it('reports a pattern once when its fragment occurs twice in the plate', () => {
    const index = new PatternIndex<string>();
    index.add(compilePattern('*88*'), 'twice');
    expect(index.match('粤B88188', 0)).toEqual([{ value: 'twice', ocrSubstitutions: 0 }]);
  });

  it('tests wildcard-only patterns (which the schema forbids) on every lookup', () => {
    const index = new PatternIndex<string>();
    index.add(compilePattern('???????'), 'any7');
    expect(index.linearCount).toBe(1);
    expect(ids(index, '粤B12345')).toEqual(['any7']);
    expect(ids(index, '粤B1234')).toEqual([]);
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

  it('finds exactly the patterns a scan of all of them finds', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const chars = '粤湘A0OD1I58B3?*';
    const plateChars = '粤湘A0OD1I58B3';
    const index = new PatternIndex<number>();
    const all = Array.from({ length: 400 }, (_, i) => {
      const compiled = compilePattern(Array.from({ length: 2 + rand(6) }, () => chars[rand(chars.length)]).join(''));
      index.add(compiled, i);
      return compiled;
    });
    let hits = 0;
    for (let p = 0; p < 300; p++) {
      const plate = Array.from({ length: 5 + rand(4) }, () => plateChars[rand(plateChars.length)]).join('');
      for (const maxOcr of [0, 2]) {
        const expected = all
          .map((c, i) => ({ i, subs: patternOcrSubstitutions(c, plate) }))
          .filter((x) => x.subs !== null && x.subs <= maxOcr)
          .map((x) => x.i);
        const got = index
          .match(plate, maxOcr)
          .map((h) => h.value)
          .sort((a, b) => a - b);
        expect(got, plate).toEqual(expected);
        hits += got.length;
      }
    }
    expect(hits).toBeGreaterThan(100);
  });
});
