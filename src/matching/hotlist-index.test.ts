// Tests for the hotlist index: match levels, limits, soft province, expiry, patterns and ordering.
import { describe, expect, it } from 'vitest';
import type { HotlistEntry } from '../domain/hotlist.js';
import { HotlistIndex, type MatchOptions } from './hotlist-index.js';
import { compareOcr, type OcrComparison } from './ocr-equivalence.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
let nextId = 0;

function entry(target: { plate: string } | { pattern: string }, extra: Partial<HotlistEntry> = {}): HotlistEntry {
  return {
    ...target,
    id: `e${++nextId}`,
    category: 'stolen_vehicle',
    reason: 'reported stolen',
    source: 'case 2026-0001',
    addedBy: 'officer.li',
    priority: 3,
    expiresAt: '2027-01-31T00:00:00Z',
    createdAt: '2026-11-01T00:00:00Z',
    active: true,
    ...extra,
  };
}

function indexOf(...entries: HotlistEntry[]): HotlistIndex {
  const index = new HotlistIndex();
  for (const e of entries) index.add(e);
  return index;
}

const summary = (index: HotlistIndex, plate: string, opts: Partial<MatchOptions> = {}) =>
  index.lookup(plate, opts, NOW).map((m) => ({
    id: m.entry.id,
    level: m.level,
    ocr: m.ocrSubstitutions,
    other: m.otherDifferences,
    province: m.provinceDiffers,
  }));

describe('HotlistIndex exact and OCR-equivalent', () => {
  const listed = entry({ plate: '粤B12345' });
  const index = indexOf(listed, entry({ plate: '湘A77777' }));

  it('matches the listed plate exactly, after normalising the read', () => {
    expect(summary(index, '粤b 12-345')).toEqual([
      { id: listed.id, level: 'exact', ocr: 0, other: 0, province: false },
    ]);
    expect(summary(index, '粤Ｂ１２３４５')).toHaveLength(1);
  });

  it('allows one in-group substitution by default and reports it', () => {
    expect(summary(index, '粤8I2345')).toEqual([]);
    expect(summary(index, '粤B1Z345')).toEqual([
      { id: listed.id, level: 'ocr_equivalent', ocr: 1, other: 0, province: false },
    ]);
  });

  it('respects the OCR limit exactly', () => {
    expect(summary(index, '粤8I2345', { ocrEquivalent: 2 })).toHaveLength(1);
    expect(summary(index, '粤8IZ345', { ocrEquivalent: 2 })).toEqual([]);
    expect(summary(index, '粤B1Z345', { ocrEquivalent: 0 })).toEqual([]);
    expect(summary(index, '粤B12345', { ocrEquivalent: 0 })).toHaveLength(1);
  });

  it('does not match a different plate, a shorter one, or an empty read', () => {
    expect(summary(index, '粤B12346')).toEqual([]);
    expect(summary(index, '粤B1234')).toEqual([]);
    expect(summary(index, ' - ')).toEqual([]);
  });

  it('rejects options it cannot honour', () => {
    expect(() => index.lookup('粤B12345', { otherDifferences: 2 })).toThrow(/otherDifferences/);
    expect(() => index.lookup('粤B12345', { ocrEquivalent: -1 })).toThrow(RangeError);
  });
});

describe('HotlistIndex fuzzy', () => {
  const listed = entry({ plate: '皖A29C52' });
  const twoAway = entry({ plate: '皖A29C53' });
  const oneAway = entry({ plate: '皖A2DC53' });
  const index = indexOf(listed, twoAway, oneAway);

  it('allows a different province only with softProvince', () => {
    expect(summary(index, '苏A29C52')).toEqual([]);
    expect(summary(index, '苏A29C52', { softProvince: true })).toEqual([
      { id: listed.id, level: 'fuzzy', ocr: 0, other: 0, province: true },
    ]);
  });

  it('matches a read that lost the province (the dark-crop failure) with softProvince', () => {
    expect(summary(index, 'A29C52')).toEqual([]);
    expect(summary(index, 'A29C52', { softProvince: true })).toEqual([
      { id: listed.id, level: 'fuzzy', ocr: 0, other: 0, province: true },
    ]);
  });

  it('counts a province read as a digit as the province, plus one other difference', () => {
    // From the plate-reading baseline: 皖A29C52 read as 8429C52.
    expect(summary(index, '8429C52', { softProvince: true })).toEqual([]);
    const found = summary(index, '8429C52', { softProvince: true, otherDifferences: 1 });
    expect(found.map((m) => m.id)).toEqual([listed.id]);
    expect(found[0]).toMatchObject({ level: 'fuzzy', other: 1, province: true });
  });

  it('finds one other difference in either half, never two', () => {
    const opts = { otherDifferences: 1 };
    expect(summary(index, '皖A79C52', opts).map((m) => m.id)).toEqual([listed.id]);
    expect(summary(index, '皖A29C72', opts).map((m) => m.id)).toEqual([listed.id]);
    expect(summary(index, '皖A79C72', opts)).toEqual([]);
    expect(summary(index, '皖A79C72', { ...opts, softProvince: true })).toEqual([]);
  });

  it('does not spend the other difference on the province when softProvince is off', () => {
    expect(summary(index, '苏A29C52', { otherDifferences: 1 })).toEqual([]);
  });

  it('combines OCR substitutions with the other difference and ranks by differences', () => {
    const found = summary(index, '皖A2DC52', { otherDifferences: 1, ocrEquivalent: 1 });
    // 皖A29C52: D for 9 is another difference; 皖A2DC53: 2 for 3; 皖A29C53: both, so two.
    expect(found.map((m) => m.id).sort()).toEqual([listed.id, oneAway.id].sort());
    expect(found.map((m) => m.id)).not.toContain(twoAway.id);
    expect(found.every((m) => m.other === 1)).toBe(true);
  });
});

describe('HotlistIndex liveness', () => {
  it('never matches expired or inactive entries, judged at lookup time', () => {
    const soon = entry({ plate: '京C11111' }, { expiresAt: '2026-11-24T12:00:01Z' });
    const inactive = entry({ plate: '京C22222' }, { active: false });
    const badDate = entry({ plate: '京C33333' }, { expiresAt: 'never' });
    const index = indexOf(soon, inactive, badDate);
    expect(index.lookup('京C11111', {}, NOW)).toHaveLength(1);
    expect(index.lookup('京C11111', {}, NOW + 1000)).toEqual([]);
    expect(index.lookup('京C22222', { otherDifferences: 1, softProvince: true }, NOW)).toEqual([]);
    expect(index.lookup('京C33333', {}, NOW)).toEqual([]);
  });

  it('applies expiry to patterns too', () => {
    const p = entry({ pattern: '*999' }, { expiresAt: '2026-01-01T00:00:00Z' });
    expect(indexOf(p).lookup('京C11999', {}, NOW)).toEqual([]);
  });
});

describe('HotlistIndex patterns, add and remove', () => {
  it('matches patterns with * at both ends and reports the level', () => {
    const p = entry({ pattern: '*88?8*' });
    const index = indexOf(p, entry({ plate: '粤B88188' }));
    const found = summary(index, '粤B88188');
    expect(found.map((m) => m.level)).toEqual(['exact', 'pattern']);
    expect(summary(index, '湘E8818X')).toEqual([{ id: p.id, level: 'pattern', ocr: 0, other: 0, province: false }]);
    expect(summary(index, '湘E881BX')).toEqual([{ id: p.id, level: 'pattern', ocr: 1, other: 0, province: false }]);
    expect(summary(index, '湘E881BX', { ocrEquivalent: 0 })).toEqual([]);
  });

  it('removes plates and patterns, and replaces an entry re-added with the same id', () => {
    const plate = entry({ plate: '粤B12345' });
    const twin = entry({ plate: '粤B12345' });
    const pattern = entry({ pattern: '粤B*' });
    const index = indexOf(plate, twin, pattern);
    expect(index.size).toBe(3);
    expect(index.remove(plate.id)).toBe(true);
    expect(index.remove(plate.id)).toBe(false);
    expect(index.remove(pattern.id)).toBe(true);
    expect(summary(index, '粤B12345', { otherDifferences: 1 }).map((m) => m.id)).toEqual([twin.id]);
    index.add({ ...twin, plate: '粤B99999' });
    expect(index.size).toBe(1);
    expect(index.lookup('粤B12345', { otherDifferences: 1, softProvince: true }, NOW)).toEqual([]);
    expect(summary(index, '粤B99999').map((m) => m.id)).toEqual([twin.id]);
  });
});

describe('HotlistIndex ordering', () => {
  it('puts exact first, then fewer differences, then higher priority', () => {
    const low = entry({ plate: '粤B12345' }, { priority: 5 });
    const high = entry({ plate: '粤B12345' }, { priority: 1 });
    const ocr = entry({ plate: '粤B1234S' }, { priority: 1 });
    const other = entry({ plate: '粤B12347' }, { priority: 1 });
    const pattern = entry({ pattern: '粤B123*' }, { priority: 1 });
    const index = indexOf(other, pattern, ocr, low, high);
    const ids = index.lookup('粤B12345', { otherDifferences: 1 }, NOW).map((m) => m.entry.id);
    expect(ids).toEqual([high.id, low.id, pattern.id, ocr.id, other.id]);
  });
});

describe('HotlistIndex against brute force', () => {
  // A tiny alphabet full of confusable characters makes near-misses common, so the half buckets,
  // the OCR limit and the province rules all get exercised; a seeded generator keeps it repeatable.
  const provinces = ['粤', '湘', '8'];
  const chars = 'A0OD1I5S8B37';
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const plate = (len: number) =>
    provinces[rand(3)] + Array.from({ length: len - 1 }, () => chars[rand(chars.length)]).join('');

  function reference(entries: HotlistEntry[], probe: string, o: MatchOptions): string[] {
    const ids: string[] = [];
    for (const e of entries) {
      const p = e.plate!;
      let province = false;
      let body: OcrComparison | null;
      if (p.length === probe.length) {
        const first = compareOcr(probe[0], p[0])!;
        province = first.otherDifferences > 0;
        body = compareOcr(probe.slice(1), p.slice(1));
        body!.ocrSubstitutions += first.ocrSubstitutions;
      } else if (p.length === probe.length + 1 && !/\p{Script=Han}/u.test(probe[0])) {
        province = true;
        body = compareOcr(probe, p.slice(1));
      } else continue;
      if (province && !o.softProvince) continue;
      if (body!.ocrSubstitutions > o.ocrEquivalent || body!.otherDifferences > o.otherDifferences) continue;
      ids.push(e.id);
    }
    return ids.sort();
  }

  it('finds exactly what a linear scan finds, for every option combination', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => entry({ plate: plate(i % 5 === 0 ? 8 : 7) }));
    const index = indexOf(...entries);
    const probes = [
      ...Array.from({ length: 150 }, () => plate(7)),
      ...Array.from({ length: 50 }, () => plate(8)),
      ...Array.from({ length: 50 }, () => plate(7).slice(1)),
    ];
    let compared = 0;
    for (const ocrEquivalent of [0, 1, 2]) {
      for (const otherDifferences of [0, 1]) {
        for (const softProvince of [false, true]) {
          const o = { ocrEquivalent, otherDifferences, softProvince };
          for (const probe of probes) {
            const got = index
              .lookup(probe, o, NOW)
              .map((m) => m.entry.id)
              .sort();
            expect(got, `${probe} ${JSON.stringify(o)}`).toEqual(reference(entries, probe, o));
            compared += got.length;
          }
        }
      }
    }
    // Guard against a vacuous pass: the probes must actually hit entries.
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('HotlistIndex limits', () => {
  it('refuses plates longer than the schema allows, and still matches long reads against patterns', () => {
    const index = indexOf(entry({ pattern: '*12345*' }), entry({ plate: '粤B1234567' }));
    expect(() => index.add(entry({ plate: '粤B123456789' }))).toThrow(RangeError);
    const long = '粤B12345678901234';
    expect(index.lookup(long, { otherDifferences: 1, softProvince: true }, NOW).map((m) => m.level)).toEqual([
      'pattern',
    ]);
    expect(summary(index, '粤B1234567', { softProvince: true })).toHaveLength(2);
    // The pattern matches with no difference at all, so it ranks above the province-less plate.
    expect(summary(index, 'B1234567', { softProvince: true, otherDifferences: 1 }).map((m) => m.level)).toEqual([
      'pattern',
      'fuzzy',
    ]);
  });
});
