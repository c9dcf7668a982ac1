// In-memory plate hotlist index: exact, OCR-equivalent, soft-province and one-difference lookups at 1M entries.
import { normaliseForHotlist, type HotlistEntry } from '../domain/hotlist.js';
import { MAX_PACKED_CHARS, canonicalCode, canonicalForm, packCanonical, packedDifferences } from './ocr-equivalence.js';
import { PatternIndex, compilePattern } from './plate-pattern.js';

/**
 * Looser options find more misreads and many more innocent plates. On 1M synthetic listed plates
 * (bench/hotlist.bench.ts), unlisted reads matching some plate: exact 0%, ocrEquivalent 1: 0.2%,
 * softProvince: 13%, softProvince + otherDifferences 1: 91%. Fuzzy modes suit small lists only.
 */
export interface MatchOptions {
  /** Most positions that may differ within an OCR confusion group (0/O/D/Q, 1/I, ...). Default 1. */
  ocrEquivalent: number;
  /**
   * Most positions after the first that may differ in any other way. Default 0; at most 1, since
   * the index proves candidates by two halves (pigeonhole) and two halves only cover one difference.
   */
  otherDifferences: number;
  /**
   * The first character (the province) may differ or be missing: readers lose it on dark crops.
   * Default false. Never counted in otherDifferences.
   */
  softProvince: boolean;
}

export const DEFAULT_MATCH_OPTIONS: Readonly<MatchOptions> = Object.freeze({
  ocrEquivalent: 1,
  otherDifferences: 0,
  softProvince: false,
});

export type MatchLevel = 'exact' | 'ocr_equivalent' | 'fuzzy' | 'pattern';

export interface HotlistMatch {
  entry: HotlistEntry;
  level: MatchLevel;
  ocrSubstitutions: number;
  otherDifferences: number;
  provinceDiffers: boolean;
}

/** One listed entry as the index holds it. */
interface Listed {
  entry: HotlistEntry;
  /** Normalised plate or pattern. */
  key: string;
  /** NaN for an unparseable date, which then never counts as live. */
  expiresMs: number;
  /** Number of the last lookup that saw this entry, so buckets that overlap report it once. */
  seen: number;
}

/** Most canonical plates are listed once: a bare reference saves a one-element array (~50 B) each. */
type Bucket = Listed | Listed[];

interface Difference {
  ocr: number;
  other: number;
  provinceDiffers: boolean;
}

const isHan = (code: number): boolean => code >= 0x2e80;
/** As the schema allows; a body of up to 9 characters splits into halves that pack into int32s. */
const MAX_PLATE_CHARS = 2 * MAX_PACKED_CHARS;
/**
 * Reads already in stored form skip NFKC, which costs more than the rest of an exact lookup.
 * Only the unified CJK block: compatibility ideographs (U+F900...) still need NFKC.
 */
const NORMALISED = /^[\u4e00-\u9fffA-Z0-9]+$/;

function resolveOptions(opts: Partial<MatchOptions>): MatchOptions {
  const o = { ...DEFAULT_MATCH_OPTIONS, ...opts };
  if (!Number.isInteger(o.ocrEquivalent) || o.ocrEquivalent < 0) {
    throw new RangeError(`ocrEquivalent: expected a whole number >= 0, got ${o.ocrEquivalent}`);
  }
  if (o.otherDifferences !== 0 && o.otherDifferences !== 1) {
    throw new RangeError(
      `otherDifferences: expected 0 or 1, got ${o.otherDifferences}; more than one free difference ` +
        'on a 7-character plate matches too many innocent plates, and the index cannot find them quickly',
    );
  }
  return o;
}

export class HotlistIndex {
  /** Canonical (OCR-folded) whole plate -> entries: exact and OCR-equivalent reads, one Map.get. */
  private readonly byCanon = new Map<string, Bucket>();
  /**
   * `${bodyLength}:${half}:${text}` -> entries, over the canonical plate without its first
   * character (the body). Two bodies within one substitution agree on at least one half
   * (pigeonhole), so looking up both halves finds every such plate. Buckets hold up to a few
   * thousand entries at 1M, so each keeps the other half packed in a typed array and most
   * candidates are rejected without touching their objects. Also serves soft province: with no
   * free difference both halves agree, so the smaller bucket holds every candidate.
   */
  private readonly byHalf = new Map<string, HalfBucket>();
  private readonly patterns = new PatternIndex<Listed>();
  private readonly byId = new Map<string, Listed>();
  private stamp = 0;

  get size(): number {
    return this.byId.size;
  }

  /** Adds an entry, replacing any entry with the same id. */
  add(entry: HotlistEntry): void {
    this.remove(entry.id);
    const raw = entry.plate ?? entry.pattern;
    if (!raw) throw new TypeError(`hotlist entry ${entry.id}: expected a plate or a pattern`);
    const normalised = normaliseForHotlist(raw);
    if (entry.plate !== undefined && normalised.length > MAX_PLATE_CHARS) {
      throw new RangeError(`hotlist entry ${entry.id}: plate longer than ${MAX_PLATE_CHARS} characters`);
    }
    // Keep the entry's own string when it was already normalised, so it is stored once.
    const key = normalised === raw ? raw : normalised;
    const listed: Listed = { entry, key, expiresMs: Date.parse(entry.expiresAt), seen: 0 };
    this.byId.set(entry.id, listed);
    if (entry.plate === undefined) {
      this.patterns.add(compilePattern(key), listed);
      return;
    }
    const canon = canonicalForm(key);
    const existing = this.byCanon.get(canon);
    if (existing === undefined) this.byCanon.set(canon, listed);
    else if (Array.isArray(existing)) existing.push(listed);
    else this.byCanon.set(canon, [existing, listed]);
    const province = canon.charCodeAt(0);
    for (const half of halves(canon, 1)) {
      let bucket = this.byHalf.get(half.key);
      if (!bucket) this.byHalf.set(half.key, (bucket = new HalfBucket()));
      bucket.push(listed, half.otherPacked, province);
    }
  }

  /** The ids listed now (a resync removes those the database no longer holds live). */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Removes an entry by id; false when it was not listed. */
  remove(id: string): boolean {
    const listed = this.byId.get(id);
    if (!listed) return false;
    this.byId.delete(id);
    if (listed.entry.plate === undefined) {
      this.patterns.remove(listed);
      return true;
    }
    const canon = canonicalForm(listed.key);
    const bucket = this.byCanon.get(canon);
    if (bucket === listed) this.byCanon.delete(canon);
    else if (Array.isArray(bucket)) {
      bucket.splice(bucket.indexOf(listed), 1);
      if (bucket.length === 1) this.byCanon.set(canon, bucket[0]);
    }
    for (const { key } of halves(canon, 1)) {
      const bucket = this.byHalf.get(key);
      if (bucket && bucket.delete(listed) && bucket.length === 0) this.byHalf.delete(key);
    }
    return true;
  }

  /**
   * Live entries matching a read plate, best first: exact, then fewer differences (other and
   * province before OCR-equivalent), plates before patterns, then priority. Expiry is checked
   * against `now` on every lookup, so an entry stops matching the moment it lapses.
   */
  lookup(plate: string, opts: Partial<MatchOptions> = {}, now = Date.now()): HotlistMatch[] {
    const o = resolveOptions(opts);
    const probe = NORMALISED.test(plate) ? plate : normaliseForHotlist(plate);
    if (probe.length === 0) return [];
    const stamp = ++this.stamp;
    const matches: HotlistMatch[] = [];
    const diff: Difference = { ocr: 0, other: 0, provinceDiffers: false };
    const consider = (listed: Listed, skip: 0 | 1): void => {
      if (listed.seen === stamp) return;
      listed.seen = stamp;
      if (isLive(listed, now) && compare(probe, listed.key, skip, o, diff)) matches.push(toMatch(listed.entry, diff));
    };

    // No listed plate is longer; a longer read can still match a pattern.
    if (probe.length <= MAX_PLATE_CHARS) this.lookupPlates(probe, o, consider);
    for (const hit of this.patterns.match(probe, o.ocrEquivalent)) {
      if (!isLive(hit.value, now)) continue;
      const { entry } = hit.value;
      matches.push({
        entry,
        level: 'pattern',
        ocrSubstitutions: hit.ocrSubstitutions,
        otherDifferences: 0,
        provinceDiffers: false,
      });
    }
    return matches.sort(compareMatches);
  }

  /** Offers `consider` every plate entry that could be within the options' differences of `probe`. */
  private lookupPlates(probe: string, o: MatchOptions, consider: (listed: Listed, skip: 0 | 1) => void): void {
    const canon = canonicalForm(probe);
    const sameCanon = this.byCanon.get(canon);
    if (Array.isArray(sameCanon)) for (const listed of sameCanon) consider(listed, 0);
    else if (sameCanon) consider(sameCanon, 0);
    if (o.softProvince || o.otherDifferences > 0) {
      // Without soft province, candidates must share the (canonical) province: filtered in the bucket.
      const province = o.softProvince ? -1 : canon.charCodeAt(0);
      this.scanHalves(canon, 1, province, o.otherDifferences, (listed) => consider(listed, 0));
    }
    // A read without its province ('A29C52' for '皖A29C52') is the listed plate's body.
    if (o.softProvince && !isHan(probe.charCodeAt(0))) {
      this.scanHalves(canon, 0, -1, o.otherDifferences, (listed) => consider(listed, 1));
    }
  }

  /**
   * Offers `visit` every entry whose body (from `bodyStart` of the canonical read) is within
   * `maxOther` differences, judged on the packed halves; `province` -1 accepts any province.
   */
  private scanHalves(
    canon: string,
    bodyStart: 0 | 1,
    province: number,
    maxOther: number,
    visit: (l: Listed) => void,
  ): void {
    const [first, second] = halves(canon, bodyStart);
    const a = this.byHalf.get(first.key);
    const b = this.byHalf.get(second.key);
    if (maxOther > 0) {
      a?.scan(first.otherPacked, province, maxOther, visit);
      b?.scan(second.otherPacked, province, maxOther, visit);
    } else if (a && b) {
      if (a.length <= b.length) a.scan(first.otherPacked, province, 0, visit);
      else b.scan(second.otherPacked, province, 0, visit);
    }
  }
}

/** Entries sharing one half of the body, with the other half packed for a fast first check. */
class HalfBucket {
  private refs: Listed[] = [];
  private otherHalf = new Int32Array(2);
  private province = new Uint16Array(2);

  get length(): number {
    return this.refs.length;
  }

  push(listed: Listed, otherPacked: number, province: number): void {
    const n = this.refs.length;
    if (n === this.otherHalf.length) {
      this.otherHalf = grown(this.otherHalf, new Int32Array(n * 2));
      this.province = grown(this.province, new Uint16Array(n * 2));
    }
    this.refs.push(listed);
    this.otherHalf[n] = otherPacked;
    this.province[n] = province;
  }

  /** Order inside a bucket carries no meaning, so the last entry fills the hole. */
  delete(listed: Listed): boolean {
    const i = this.refs.indexOf(listed);
    if (i === -1) return false;
    const last = this.refs.length - 1;
    this.refs[i] = this.refs[last];
    this.otherHalf[i] = this.otherHalf[last];
    this.province[i] = this.province[last];
    this.refs.pop();
    return true;
  }

  scan(otherPacked: number, province: number, maxOther: number, visit: (listed: Listed) => void): void {
    const { refs, otherHalf, province: provinces } = this;
    for (let i = 0; i < refs.length; i++) {
      if (province !== -1 && provinces[i] !== province) continue;
      const packed = otherHalf[i];
      if (packed !== otherPacked && (maxOther === 0 || packedDifferences(packed, otherPacked) > maxOther)) continue;
      visit(refs[i]);
    }
  }
}

function grown<A extends Int32Array | Uint16Array>(old: A, bigger: A): A {
  bigger.set(old);
  return bigger;
}

interface Half {
  /** Map key: body length, which half, and that half's canonical text. */
  key: string;
  /** The other half, packed into an int32 (see packCanonical). */
  otherPacked: number;
}

/** The two halves of the body `canon.slice(bodyStart)`. */
function halves(canon: string, bodyStart: 0 | 1): [Half, Half] {
  const length = canon.length - bodyStart;
  const mid = bodyStart + (length >> 1);
  return [
    { key: `${length}:0:${canon.slice(bodyStart, mid)}`, otherPacked: packCanonical(canon, mid, canon.length) },
    { key: `${length}:1:${canon.slice(mid)}`, otherPacked: packCanonical(canon, bodyStart, mid) },
  ];
}

function isLive(listed: Listed, now: number): boolean {
  return listed.entry.active && listed.expiresMs > now;
}

/**
 * Compares a read with a listed plate. `skip` is 1 when the read lacks the first (province)
 * character. Fills `diff` and says whether the options allow the difference; stops early
 * once a limit is passed, since most candidates from the half buckets fail.
 */
function compare(probe: string, listed: string, skip: 0 | 1, o: MatchOptions, diff: Difference): boolean {
  if (listed.length !== probe.length + skip) return false;
  diff.ocr = 0;
  diff.other = 0;
  diff.provinceDiffers = skip === 1;
  if (skip === 0 && probe.charCodeAt(0) !== listed.charCodeAt(0)) {
    if (canonicalCode(probe.charCodeAt(0)) === canonicalCode(listed.charCodeAt(0))) diff.ocr++;
    else diff.provinceDiffers = true;
  }
  if (diff.provinceDiffers && !o.softProvince) return false;
  for (let i = 1 - skip; i < probe.length; i++) {
    const a = probe.charCodeAt(i);
    const b = listed.charCodeAt(i + skip);
    if (a === b) continue;
    if (canonicalCode(a) === canonicalCode(b)) {
      if (++diff.ocr > o.ocrEquivalent) return false;
    } else if (++diff.other > o.otherDifferences) return false;
  }
  return diff.ocr <= o.ocrEquivalent;
}

function toMatch(entry: HotlistEntry, { ocr, other, provinceDiffers }: Difference): HotlistMatch {
  const level: MatchLevel = other > 0 || provinceDiffers ? 'fuzzy' : ocr > 0 ? 'ocr_equivalent' : 'exact';
  return { entry, level, ocrSubstitutions: ocr, otherDifferences: other, provinceDiffers };
}

function compareMatches(a: HotlistMatch, b: HotlistMatch): number {
  return (
    Number(b.level === 'exact') - Number(a.level === 'exact') ||
    a.otherDifferences + Number(a.provinceDiffers) - (b.otherDifferences + Number(b.provinceDiffers)) ||
    a.ocrSubstitutions - b.ocrSubstitutions ||
    Number(a.level === 'pattern') - Number(b.level === 'pattern') ||
    a.entry.priority - b.entry.priority ||
    (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0)
  );
}
