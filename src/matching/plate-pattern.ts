// Hotlist plate patterns (`?` one character, `*` any run): compiling, matching, and an index by fragment.
import { canonicalCode, canonicalForm } from './ocr-equivalence.js';

export type PatternToken = { kind: 'literal'; code: number } | { kind: 'any_one' } | { kind: 'any_run' };

export interface CompiledPattern {
  /** The pattern as written (already normalised: uppercase, half-width). */
  source: string;
  tokens: PatternToken[];
  minLength: number;
  /** Infinity when the pattern holds a `*`. */
  maxLength: number;
  /**
   * The pattern over canonical (OCR-folded) characters as an anchored RegExp: a cheap test that
   * rejects almost every plate before the exact substitution count is worked out.
   */
  canonicalRegExp: RegExp;
}

export class PatternSyntaxError extends Error {
  override name = 'PatternSyntaxError';
}

export function compilePattern(pattern: string): CompiledPattern {
  if (pattern.length === 0) throw new PatternSyntaxError('a pattern cannot be empty');
  // `**` means the same as `*`; collapsing keeps the matcher's work proportional to the plate.
  const source = pattern.replace(/\*{2,}/g, '*');
  const tokens: PatternToken[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '*') tokens.push({ kind: 'any_run' });
    else if (ch === '?') tokens.push({ kind: 'any_one' });
    else tokens.push({ kind: 'literal', code: source.charCodeAt(i) });
  }
  const hasRun = source.includes('*');
  const fixed = tokens.filter((t) => t.kind !== 'any_run').length;
  return {
    source,
    tokens,
    minLength: fixed,
    maxLength: hasRun ? Infinity : fixed,
    canonicalRegExp: new RegExp(`^${[...canonicalForm(source)].map(regExpPart).join('')}$`, 'u'),
  };
}

function regExpPart(ch: string): string {
  if (ch === '*') return '.*';
  if (ch === '?') return '.';
  return ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

const NO_MATCH = 0x7fff;

/**
 * Fewest OCR-equivalent substitutions with which the pattern matches the whole plate, or null when
 * it matches under no alignment. A literal costs 0 when equal, 1 when in the same confusion group
 * (see ocr-equivalence.ts); wildcards cost nothing. Dynamic programme over pattern x plate,
 * because `*` can align in several ways and only the cheapest one counts.
 */
export function patternOcrSubstitutions(compiled: CompiledPattern, plate: string): number | null {
  const n = plate.length;
  if (n < compiled.minLength || n > compiled.maxLength) return null;
  let prev = new Uint16Array(n + 1).fill(NO_MATCH);
  let cur = new Uint16Array(n + 1);
  prev[0] = 0;
  for (const token of compiled.tokens) {
    cur.fill(NO_MATCH);
    if (token.kind === 'any_run') {
      let best = NO_MATCH;
      for (let j = 0; j <= n; j++) {
        best = Math.min(best, prev[j]);
        cur[j] = best;
      }
    } else {
      for (let j = 0; j < n; j++) {
        if (prev[j] === NO_MATCH) continue;
        if (token.kind === 'any_one') {
          cur[j + 1] = prev[j];
          continue;
        }
        const code = plate.charCodeAt(j);
        if (code === token.code) cur[j + 1] = prev[j];
        else if (canonicalCode(code) === canonicalCode(token.code)) cur[j + 1] = prev[j] + 1;
      }
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n] === NO_MATCH ? null : prev[n];
}

/** Anchored, whole-plate, character-exact match. */
export function matchPattern(compiled: CompiledPattern, plate: string): boolean {
  return patternOcrSubstitutions(compiled, plate) === 0;
}

/** One pattern match found by PatternIndex. */
export interface PatternHit<T> {
  value: T;
  ocrSubstitutions: number;
}

interface IndexedPattern<T> {
  compiled: CompiledPattern;
  value: T;
  bucket: PatternBucket<T>;
}

interface PatternBucket<T> {
  items: IndexedPattern<T>[];
  /** Last lookup that visited the bucket: a fragment can occur twice in one plate (`88` in 粤B88188). */
  seen: number;
}

/** Fragments are up to this many characters: selective enough, and a plate has only ~20 of them. */
const FRAGMENT_CHARS = 3;

/**
 * Patterns keyed by a fragment of their longest literal run (canonical, up to three characters),
 * and looked up by every fragment of the plate (about 20 Map reads for 7 characters). That finds
 * patterns anchored at either end or neither (`*12?4*`) alike, so no pattern with a literal is
 * scanned on every lookup; only wildcard-only patterns would be, and the schema forbids them.
 * What stays linear is the bucket: patterns sharing a fragment are each tested (RegExp, then DP).
 */
export class PatternIndex<T> {
  private readonly byFragment = new Map<string, PatternBucket<T>>();
  private readonly wildcardOnly: PatternBucket<T> = { items: [], seen: 0 };
  private readonly items = new Map<T, IndexedPattern<T>>();
  private stamp = 0;

  get size(): number {
    return this.items.size;
  }

  /** Patterns tested on every lookup because they have no literal character. */
  get linearCount(): number {
    return this.wildcardOnly.items.length;
  }

  add(compiled: CompiledPattern, value: T): void {
    this.remove(value);
    const key = fragmentKey(compiled.source);
    let bucket = key === '' ? this.wildcardOnly : this.byFragment.get(key);
    if (!bucket) this.byFragment.set(key, (bucket = { items: [], seen: 0 }));
    const item: IndexedPattern<T> = { compiled, value, bucket };
    bucket.items.push(item);
    this.items.set(value, item);
  }

  remove(value: T): boolean {
    const item = this.items.get(value);
    if (!item) return false;
    item.bucket.items.splice(item.bucket.items.indexOf(item), 1);
    this.items.delete(value);
    return true;
  }

  /** Every pattern matching the whole plate with at most maxOcr in-group substitutions. */
  match(plate: string, maxOcr: number): PatternHit<T>[] {
    const hits: PatternHit<T>[] = [];
    const canon = canonicalForm(plate);
    const stamp = ++this.stamp;
    const visit = (bucket: PatternBucket<T> | undefined): void => {
      if (!bucket || bucket.seen === stamp) return;
      bucket.seen = stamp;
      for (const item of bucket.items) {
        if (!item.compiled.canonicalRegExp.test(canon)) continue;
        const subs = patternOcrSubstitutions(item.compiled, plate);
        if (subs !== null && subs <= maxOcr) hits.push({ value: item.value, ocrSubstitutions: subs });
      }
    };
    if (this.byFragment.size > 0) {
      for (let start = 0; start < canon.length; start++) {
        for (let end = start + 1; end <= Math.min(start + FRAGMENT_CHARS, canon.length); end++) {
          visit(this.byFragment.get(canon.slice(start, end)));
        }
      }
    }
    visit(this.wildcardOnly);
    return hits;
  }
}

/**
 * The first characters of the pattern's longest literal run, canonical: a plate the pattern
 * matches (even OCR-equivalently) contains this fragment. '' when there is no literal.
 */
function fragmentKey(source: string): string {
  const runs = source.split(/[?*]/);
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  return canonicalForm(longest.slice(0, FRAGMENT_CHARS));
}
