// Tests for hotlist CSV import: quoting, BOM, header problems, and per-row errors that name the fix.
import { describe, expect, it } from 'vitest';
import { parseHotlistCsv, splitCsv } from './hotlist-csv.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HEADER = 'plate,pattern,category,reason,source,priority,expiresAt';
const parse = (text: string) => parseHotlistCsv(text, 'officer.li', { now: NOW });

describe('splitCsv', () => {
  it('reads RFC 4180 quoting: commas, newlines and doubled quotes inside quotes', () => {
    const { records, errors } = splitCsv('a,"b, c","say ""hi""\nthere"\r\nx,,""\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { row: 1, fields: ['a', 'b, c', 'say "hi"\nthere'] },
      { row: 2, fields: ['x', '', ''] },
    ]);
  });

  it('skips blank lines but keeps counting rows, and reads a last line without a newline', () => {
    const { records } = splitCsv('a\n\nb\r\n\r\nc');
    expect(records).toEqual([
      { row: 1, fields: ['a'] },
      { row: 3, fields: ['b'] },
      { row: 5, fields: ['c'] },
    ]);
  });

  it('reports text after a closing quote and an unclosed quote, by row', () => {
    const { records, errors } = splitCsv('ok\n"a"b,c\n"open,\nrest');
    expect(records).toEqual([{ row: 1, fields: ['ok'] }]);
    expect(errors.map((e) => e.row)).toEqual([2, 3]);
    expect(errors[1].message).toMatch(/never closed/);
  });
});

describe('parseHotlistCsv', () => {
  it('imports good rows, normalised, with addedBy from the caller and priority defaulted', () => {
    const csv = `\uFEFF${HEADER}\n粤b 12-345,,stolen_vehicle,"stolen, red Civic",case 2026-118,,2027-01-31T00:00:00Z\n,*88?8,wanted,"witness: ""ends 88?8""",bulletin 7,1,2027-01-31T00:00:00+08:00\n`;
    const { entries, errors } = parse(csv);
    expect(errors).toEqual([]);
    expect(entries).toEqual([
      {
        plate: '粤B12345',
        category: 'stolen_vehicle',
        reason: 'stolen, red Civic',
        source: 'case 2026-118',
        addedBy: 'officer.li',
        priority: 3,
        expiresAt: '2027-01-31T00:00:00Z',
      },
      {
        pattern: '*88?8',
        category: 'wanted',
        reason: 'witness: "ends 88?8"',
        source: 'bulletin 7',
        addedBy: 'officer.li',
        priority: 1,
        expiresAt: '2027-01-31T00:00:00+08:00',
      },
    ]);
  });

  it('names the row, the column, what is expected and what it got; good rows still import', () => {
    const csv = [
      HEADER,
      '粤B12345,,stolen_vehicle,stolen,case 1,2,2027-01-31T00:00:00Z',
      '粤B22222,,stolen_vehicle,stolen,case 1,2,2027-01-31T00:00:00Z',
      '粤B33333,,stolen_vehicle,stolen,case 1,2,tomorrow',
      '粤B44444,,stolen,stolen,case 1,high,2027-01-31T00:00:00Z',
    ].join('\n');
    const { entries, errors } = parse(csv);
    expect(entries.map((e) => e.plate)).toEqual(['粤B12345', '粤B22222']);
    expect(errors).toEqual([
      { row: 4, message: "expiresAt: expected an ISO date such as 2027-01-31T00:00:00Z, got 'tomorrow'" },
      { row: 5, message: expect.stringMatching(/^category: expected one of stolen_vehicle, .*, got 'stolen'$/) },
      { row: 5, message: "priority: expected a whole number from 1 (highest) to 5, got 'high'" },
    ]);
  });

  it('requires exactly one of plate and pattern, a reason, a source, and a future expiry', () => {
    const csv = [
      HEADER,
      ',,wanted,why,src,,2027-01-31T00:00:00Z',
      '粤B12345,粤B*,wanted,why,src,,2027-01-31T00:00:00Z',
      '粤B12345,,wanted, ,,,2027-01-31T00:00:00Z',
      '粤B12345,,wanted,why,src,,2026-11-01T00:00:00Z',
      ',*8*,wanted,why,src,,2027-01-31T00:00:00Z',
      '粤B12345,,wanted,why,src,6,2027-01-31T00:00:00Z',
    ].join('\n');
    const { entries, errors } = parse(csv);
    expect(entries).toEqual([]);
    const byRow = (row: number) => errors.filter((e) => e.row === row).map((e) => e.message);
    expect(byRow(2)).toEqual(['plate: expected a plate or a pattern']);
    expect(byRow(3)).toEqual(["pattern: expected a plate or a pattern, not both, got '粤B*'"]);
    expect(byRow(4)).toEqual([
      'reason: expected why the plate is listed (non-empty)',
      'source: expected where the record came from (non-empty)',
    ]);
    expect(byRow(5)[0]).toMatch(/^expiresAt: expected a date in the future, got '2026-11-01T00:00:00Z'/);
    expect(byRow(6)[0]).toMatch(/^pattern: expected at least 2 literal characters/);
    expect(byRow(7)).toEqual(["priority: expected a whole number from 1 (highest) to 5, got '6'"]);
  });

  it('fails a header missing a required column with one clear error', () => {
    const { entries, errors } = parse('plate,category,reason,priority\n粤B12345,wanted,why,1\n');
    expect(entries).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].row).toBe(1);
    expect(errors[0].message).toMatch(/^header: missing source, expiresAt; expected columns plate,pattern,/);
  });

  it('wants a plate or a pattern column, and refuses repeated columns', () => {
    expect(parse('category,reason,source,expiresAt\n').errors[0].message).toMatch(/missing plate or pattern/);
    expect(parse('plate,plate,category,reason,source,expires_at\n').errors[0].message).toMatch(/repeated plate/);
  });

  it('accepts columns in any order and case (the old expires_at too), and reports unknown columns without failing', () => {
    const csv = 'Expires_At,SOURCE,Reason,Category,Plate,colour\n2027-01-31T00:00:00Z,case 9,why,other,湘A12345,red\n';
    const { entries, errors } = parse(csv);
    expect(entries.map((e) => e.plate)).toEqual(['湘A12345']);
    expect(errors).toEqual([{ row: 1, message: expect.stringMatching(/^header: unknown column 'colour' ignored/) }]);
  });

  it('reports rows with the wrong number of fields', () => {
    const { errors } = parse(`${HEADER}\n粤B12345,,wanted,why\n`);
    expect(errors).toEqual([{ row: 2, message: 'expected 7 fields as in the header, got 4' }]);
  });

  it('reports an empty file and refuses an anonymous importer', () => {
    expect(parse('\uFEFF').errors[0].message).toMatch(/^header: the file is empty/);
    expect(() => parseHotlistCsv(HEADER, ' ')).toThrow(TypeError);
  });
});
