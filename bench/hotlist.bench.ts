// Benchmark: the plate hotlist index at 1,000,000 synthetic Chinese plates (build, memory, lookup cost).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HotlistEntry } from '../src/domain/hotlist.js';
import { HotlistIndex, type MatchOptions } from '../src/matching/hotlist-index.js';
import type { BenchContext } from './run.js';
import { seededRandom } from './common.js';

const ENTRIES = 1_000_000;
const PATTERNS = 1_000;
const PROBES = 10_000;
const NOW = Date.parse('2026-11-24T12:00:00Z');

// Registrations are uneven: a few provinces and the capital-city letters dominate. The skew makes
// the half buckets that start with the city letter larger, which is the case to measure.
const PROVINCES = '粤苏浙鲁豫川冀鄂湘皖闽京沪辽陕赣渝桂云黑吉晋津贵甘蒙新宁琼青藏';
const CITY = 'AAAABBBCCDDEEFGHJK';
const TAIL_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SWAPS: Record<string, string> = {
  '0': 'D',
  D: '0',
  '1': 'I',
  '2': 'Z',
  Z: '2',
  '5': 'S',
  S: '5',
  '8': 'B',
  B: '8',
  '6': 'G',
  G: '6',
  Q: '0',
};

const rand = seededRandom();
const pick = (s: string) => s[rand(s.length)];
const skewedProvince = () => PROVINCES[Math.min(rand(PROVINCES.length), rand(PROVINCES.length))];

function syntheticPlate(): string {
  if (rand(20) === 0) {
    // New-energy plates: 8 characters, D or F then five digits.
    return skewedProvince() + pick(CITY) + pick('DF') + Array.from({ length: 5 }, () => pick(DIGITS)).join('');
  }
  let tail = '';
  for (let i = 0; i < 5; i++) tail += rand(4) === 0 ? pick(TAIL_LETTERS) : pick(DIGITS);
  return skewedProvince() + pick(CITY) + tail;
}

/** Partial plates as witnesses report them: the start, the end, or a run from the middle. */
function syntheticPattern(i: number): string {
  const plate = syntheticPlate();
  if (i % 10 === 0) return `*${plate.slice(3, 5)}?${plate.slice(6, 8)}*`;
  if (i % 3 === 0) return `*${plate.slice(-4)}`;
  return `${plate.slice(0, 4)}*${plate.slice(-1)}`;
}

function entryFor(i: number, target: { plate: string } | { pattern: string }): HotlistEntry {
  return {
    ...target,
    id: `h${i}`,
    category: 'stolen_vehicle',
    reason: 'synthetic',
    source: 'bench',
    addedBy: 'bench',
    priority: 1 + (i % 5),
    expiresAt: '2027-06-30T00:00:00Z',
    createdAt: '2026-11-01T00:00:00Z',
    active: true,
  };
}

function ocrVariant(plate: string): string {
  const positions = [...plate].map((ch, i) => (i > 0 && SWAPS[ch] ? i : -1)).filter((i) => i > 0);
  if (positions.length === 0) return plate;
  const at = positions[rand(positions.length)];
  return plate.slice(0, at) + SWAPS[plate[at]] + plate.slice(at + 1);
}

function fuzzyVariant(plate: string): string {
  // The worst case the options allow: wrong province and one more wrong character.
  const at = 2 + rand(plate.length - 2);
  const province = PROVINCES[(PROVINCES.indexOf(plate[0]) + 1) % PROVINCES.length];
  return province + plate.slice(1, at) + (plate[at] === '7' ? '4' : '7') + plate.slice(at + 1);
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
const heapMB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface ProbeSet {
  listed: string[];
  unlisted: string[];
}

function timeLookups(index: HotlistIndex, probes: ProbeSet, opts: Partial<MatchOptions>) {
  const all = [...probes.listed, ...probes.unlisted];
  for (const p of all) index.lookup(p, opts, NOW); // warm up the JIT before timing
  const micros: number[] = [];
  let listedFound = 0;
  let unlistedPlate = 0;
  let unlistedPattern = 0;
  let matches = 0;
  for (let i = 0; i < all.length; i++) {
    const t0 = process.hrtime.bigint();
    const found = index.lookup(all[i], opts, NOW);
    micros.push(Number(process.hrtime.bigint() - t0) / 1000);
    matches += found.length;
    if (i < probes.listed.length) {
      listedFound += found.some((m) => m.level !== 'pattern') ? 1 : 0;
    } else {
      unlistedPlate += found.some((m) => m.level !== 'pattern') ? 1 : 0;
      unlistedPattern += found.some((m) => m.level === 'pattern') ? 1 : 0;
    }
  }
  micros.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    options: { ocrEquivalent: 1, otherDifferences: 0, softProvince: false, ...opts },
    probes: all.length,
    usPerLookup: {
      p50: round(percentile(micros, 50)),
      p95: round(percentile(micros, 95)),
      p99: round(percentile(micros, 99)),
      max: round(micros[micros.length - 1]),
      mean: round(micros.reduce((a, b) => a + b, 0) / micros.length),
    },
    listedProbesFound: `${listedFound}/${probes.listed.length}`,
    /** Unlisted plates that matched a listed plate: the false-alert rate this mode would cause. */
    unlistedProbesMatchingAPlate: `${unlistedPlate}/${probes.unlisted.length}`,
    unlistedProbesMatchingAPattern: `${unlistedPattern}/${probes.unlisted.length}`,
    meanMatchesPerLookup: round(matches / all.length),
  };
}

export default async function hotlistBench(_ctx: BenchContext): Promise<object> {
  const heapStart = heapMB();
  const plates = new Set<string>();
  while (plates.size < ENTRIES) plates.add(syntheticPlate());
  const plateList = [...plates];
  const entries = plateList.map((plate, i) => entryFor(i, { plate }));
  for (let i = 0; i < PATTERNS; i++) entries.push(entryFor(ENTRIES + i, { pattern: syntheticPattern(i) }));
  const heapEntries = heapMB();

  const index = new HotlistIndex();
  const t0 = performance.now();
  for (const e of entries) index.add(e);
  const buildMs = performance.now() - t0;
  const heapIndex = heapMB();

  const listed = Array.from({ length: PROBES / 2 }, () => plateList[rand(plateList.length)]);
  const unlisted: string[] = [];
  while (unlisted.length < PROBES / 2) {
    const p = syntheticPlate();
    if (!plates.has(p)) unlisted.push(p);
  }

  const exact = timeLookups(index, { listed, unlisted }, { ocrEquivalent: 0 });
  const ocrEquivalent = timeLookups(index, { listed: listed.map(ocrVariant), unlisted }, { ocrEquivalent: 1 });
  const fuzzy = timeLookups(
    index,
    { listed: listed.map(fuzzyVariant), unlisted },
    { ocrEquivalent: 1, otherDifferences: 1, softProvince: true },
  );
  const softProvinceOnly = timeLookups(
    index,
    { listed: listed.map((p) => PROVINCES[(PROVINCES.indexOf(p[0]) + 1) % PROVINCES.length] + p.slice(1)), unlisted },
    { ocrEquivalent: 1, softProvince: true },
  );

  const round = (x: number) => Math.round(x);
  return {
    entries: index.size,
    plates: ENTRIES,
    patterns: PATTERNS,
    buildMs: round(buildMs),
    heapMB: {
      /** The synthetic entries plus the generator's Set and list of plates. */
      entriesAndGeneratorData: round(heapEntries - heapStart),
      index: round(heapIndex - heapEntries),
      indexBytesPerEntry: round(((heapIndex - heapEntries) * 2 ** 20) / index.size),
    },
    lookups: { exact, ocrEquivalent, fuzzy, softProvinceOnly },
  };
}
