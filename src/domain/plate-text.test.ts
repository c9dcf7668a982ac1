// Tests for plate text: normalisation, every Chinese format, and formats compiled from config.
import { describe, expect, it } from 'vitest';
import {
  CHINESE_FORMATS,
  CHINESE_TEMPLATES,
  PLATE_CHARSET,
  PROVINCES,
  PlateFormatError,
  compileFormats,
  matchPlateFormat,
  normalisePlate,
} from './plate-text.js';

describe('normalisePlate', () => {
  it('folds full-width characters and lower case, drops separators', () => {
    expect(normalisePlate('京Ａ·１２３４５')).toBe('京A12345');
    expect(normalisePlate('粤b 4e7-k2')).toBe('粤B4E7K2');
    expect(normalisePlate('沪AD•12345')).toBe('沪AD12345');
    expect(normalisePlate('ab12.cde')).toBe('AB12CDE');
    expect(normalisePlate('京A—12345')).toBe('京A12345');
  });
});

describe('Chinese formats', () => {
  const cases: [string, string | null][] = [
    ['京A12345', 'cn-ordinary'],
    ['粤B4E7K2', 'cn-ordinary'],
    ['沪AD12345', 'cn-new-energy-small'],
    ['沪AX12345', null], // X is not a new-energy class letter
    ['沪AD1234X', null], // last four of a small new-energy plate are digits
    ['苏E12345D', 'cn-new-energy-large'],
    ['苏E12345A', null],
    ['京A1234警', 'cn-police'],
    ['川A1234学', 'cn-coach'],
    ['鲁B123A挂', 'cn-trailer'],
    ['粤Z1234港', 'cn-hong-kong'],
    ['粤Z12A4澳', 'cn-macau'],
    ['沪A1234领', 'cn-consulate'],
    ['使014578', 'cn-embassy'],
    ['014578使', 'cn-embassy-old'],
    ['京I12345', null], // I is never issued
    ['京AO2345', null], // nor O
    ['XA12345', null],
    ['京A123456', null],
  ];
  it.each(cases)('%s -> %s', (plate, format) => {
    expect(matchPlateFormat(plate, CHINESE_FORMATS)).toBe(format);
  });

  it('normalises before matching', () => {
    expect(matchPlateFormat('京ａ·12345', CHINESE_FORMATS)).toBe('cn-ordinary');
  });

  it('builds its formats from the same templates the decoder walks', () => {
    expect(CHINESE_FORMATS.map((f) => f.name)).toEqual(CHINESE_TEMPLATES.map((t) => t.name));
    for (const ch of PROVINCES + 'AZ09警使') expect(PLATE_CHARSET).toContain(ch);
    expect(PLATE_CHARSET).not.toMatch(/[IO]/);
  });
});

describe('compileFormats', () => {
  it('anchors patterns so a longer read does not match', () => {
    const formats = compileFormats([{ name: 'uk', pattern: '[A-Z]{2}[0-9]{2}[A-Z]{3}' }]);
    expect(matchPlateFormat('ab12 cde', formats)).toBe('uk');
    expect(matchPlateFormat('XAB12CDE', formats)).toBeNull();
  });

  it('keeps order: the first matching format wins', () => {
    const formats = compileFormats([
      { name: 'specific', pattern: 'AB[0-9]+' },
      { name: 'general', pattern: '[A-Z0-9]+' },
    ]);
    expect(matchPlateFormat('AB12', formats)).toBe('specific');
    expect(matchPlateFormat('ZZ12', formats)).toBe('general');
  });

  it('names the format whose pattern is invalid', () => {
    expect(() => compileFormats([{ name: 'broken', pattern: '[A-Z' }])).toThrow(PlateFormatError);
    expect(() => compileFormats([{ name: 'broken', pattern: '[A-Z' }])).toThrow(/plate format "broken"/);
    expect(() => compileFormats([{ name: '', pattern: 'A' }])).toThrow(/has no name/);
  });
});
