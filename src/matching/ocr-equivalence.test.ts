// Tests for the OCR confusion groups: canonical forms and position-by-position difference counts.
import { describe, expect, it } from 'vitest';
import {
  OCR_EQUIVALENCE_GROUPS,
  areOcrEquivalent,
  canonicalChar,
  canonicalForm,
  compareOcr,
  countOcrSubstitutions,
  packCanonical,
  packedDifferences,
} from './ocr-equivalence.js';

describe('canonicalChar', () => {
  it('maps every member of a group to the same character', () => {
    for (const group of OCR_EQUIVALENCE_GROUPS) {
      const canon = new Set([...group].map(canonicalChar));
      expect(canon.size).toBe(1);
    }
  });

  it('keeps groups apart and leaves other characters alone', () => {
    const canons = OCR_EQUIVALENCE_GROUPS.map((g) => canonicalChar(g[0]));
    expect(new Set(canons).size).toBe(OCR_EQUIVALENCE_GROUPS.length);
    for (const ch of ['A', '3', '7', 'T', '粤', '警']) expect(canonicalChar(ch)).toBe(ch);
  });

  it('folds the AutoVu groups exactly', () => {
    expect([...'ODQ'].map(canonicalChar).join('')).toBe('000');
    expect([
      canonicalChar('I'),
      canonicalChar('Z'),
      canonicalChar('S'),
      canonicalChar('B'),
      canonicalChar('G'),
    ]).toEqual(['1', '2', '5', '8', '6']);
  });
});

describe('canonicalForm', () => {
  it('makes OCR-equivalent plates equal and keeps the province', () => {
    expect(canonicalForm('粤B0O5S8')).toBe('粤800558');
    expect(canonicalForm('粤BD1Z6G')).toBe(canonicalForm('粤8012G6'));
    expect(canonicalForm('京A12345')).toBe('京A12345');
  });

  it('does not equate plates that differ outside the groups', () => {
    expect(canonicalForm('粤B12345')).not.toBe(canonicalForm('粤B12346'));
    expect(canonicalForm('粤B12345')).not.toBe(canonicalForm('湘B12345'));
  });
});

describe('compareOcr', () => {
  it('counts in-group and other differences separately', () => {
    expect(compareOcr('粤B12345', '粤B12345')).toEqual({ ocrSubstitutions: 0, otherDifferences: 0 });
    expect(compareOcr('粤B12345', '粤8I2345')).toEqual({ ocrSubstitutions: 2, otherDifferences: 0 });
    expect(compareOcr('粤B12345', '粤8I2347')).toEqual({ ocrSubstitutions: 2, otherDifferences: 1 });
    expect(compareOcr('粤B12345', '湘B12345')).toEqual({ ocrSubstitutions: 0, otherDifferences: 1 });
  });

  it('treats members of one group as equivalent to each other, not only to the canon', () => {
    expect(areOcrEquivalent('D', 'Q')).toBe(true);
    expect(areOcrEquivalent('O', '0')).toBe(true);
    expect(areOcrEquivalent('B', '6')).toBe(false);
    expect(countOcrSubstitutions('DQO', 'QOD')).toBe(3);
  });

  it('returns null for different lengths', () => {
    expect(compareOcr('粤B12345', '粤B1234')).toBeNull();
    expect(countOcrSubstitutions('AB', 'A')).toBeNull();
  });
});

describe('packCanonical', () => {
  it('packs OCR-equivalent text to the same number and counts differing positions', () => {
    expect(packCanonical('D1Z5B')).toBe(packCanonical('0I2S8'));
    expect(packedDifferences(packCanonical('12345'), packCanonical('12345'))).toBe(0);
    expect(packedDifferences(packCanonical('12345'), packCanonical('1Z34S'))).toBe(0);
    expect(packedDifferences(packCanonical('12345'), packCanonical('72345'))).toBe(1);
    expect(packedDifferences(packCanonical('12345'), packCanonical('12349'))).toBe(1);
    expect(packedDifferences(packCanonical('12345'), packCanonical('A234B'))).toBe(2);
    expect(packedDifferences(packCanonical('ZZZZZ'), packCanonical('YYYYY'))).toBe(5);
  });

  it('packs a slice, and refuses more than five characters', () => {
    expect(packCanonical('粤B12345', 2, 7)).toBe(packCanonical('12345'));
    expect(() => packCanonical('123456')).toThrow(RangeError);
  });

  it('never counts more differences than the canonical strings have (Han shares one code)', () => {
    expect(packedDifferences(packCanonical('警'), packCanonical('学'))).toBe(0);
  });
});
