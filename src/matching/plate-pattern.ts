// Hotlist plate patterns (`?` one character, `*` any run): compiling, matching, and a small index.
import { canonicalCode, canonicalForm } from './ocr-equivalence.js';

export type PatternToken = { kind: 'literal'; code: number } | { kind: 'any_one' } | { kind: 'any_run' };

export interface CompiledPattern {
  /** The pattern as written (already normalised: uppercase, half-width). */
  source: string;
  tokens: PatternToken[];
  /** Literal characters before the first wildcard ('' when it starts with one). */
  literalPrefix: string;
  /** Literal characters after the last wildcard. */
  literalSuffix: string;
  minLength: number;
  /** Infinity when the pattern holds a `*`. */
  maxLength: number;
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
  const firstWild = source.search(/[?*]/);
  const lastWild = Math.max(source.lastIndexOf('?'), source.lastIndexOf('*'));
  const hasRun = source.includes('*');
  const fixed = tokens.filter((t) => t.kind !== 'any_run').length;
  return {
    source,
    tokens,
    literalPrefix: firstWild === -1 ? source : source.slice(0, firstWild),
    literalSuffix: lastWild === -1 ? source : source.slice(lastWild + 1),
    minLength: fixed,
    maxLength: hasRun ? Infinity : fixed,
  };
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
  bucket: IndexedPattern<T>[];
}

/** Up to this many leading (or trailing) literal characters key a pattern: province + city letter. */
const KEY_CHARS = 2;

/**
 * Patterns, found by their canonical literal prefix (first one or two characters), else by their
 * literal suffix. Patterns with a wildcard at both ends (`*12?4*`, `?B123*`) have no anchor and
 * are checked linearly on every lookup: that list should stay short (hundreds, not millions).
 */
export class PatternIndex<T> {
  private readonly byPrefix = new Map<string, IndexedPattern<T>[]>();
  private readonly bySuffix = new Map<string, IndexedPattern<T>[]>();
  private readonly unanchored: IndexedPattern<T>[] = [];
  private readonly items = new Map<T, IndexedPattern<T>>();

  get size(): number {
    return this.items.size;
  }

  /** Patterns scanned on every lookup because neither end is literal. */
  get linearCount(): number {
    return this.unanchored.length;
  }

  add(compiled: CompiledPattern, value: T): void {
    this.remove(value);
    const bucket = this.bucketFor(compiled);
    const item: IndexedPattern<T> = { compiled, value, bucket };
    bucket.push(item);
    this.items.set(value, item);
  }

  remove(value: T): boolean {
    const item = this.items.get(value);
    if (!item) return false;
    item.bucket.splice(item.bucket.indexOf(item), 1);
    this.items.delete(value);
    return true;
  }

  /** Every pattern matching the whole plate with at most maxOcr in-group substitutions. */
  match(plate: string, maxOcr: number): PatternHit<T>[] {
    const hits: PatternHit<T>[] = [];
    const canon = canonicalForm(plate);
    const visit = (bucket: IndexedPattern<T>[] | undefined): void => {
      if (!bucket) return;
      for (const item of bucket) {
        const subs = patternOcrSubstitutions(item.compiled, plate);
        if (subs !== null && subs <= maxOcr) hits.push({ value: item.value, ocrSubstitutions: subs });
      }
    };
    // A pattern sits in exactly one bucket, so the buckets visited here never repeat a pattern.
    for (let k = 1; k <= Math.min(KEY_CHARS, canon.length); k++) {
      visit(this.byPrefix.get(canon.slice(0, k)));
      visit(this.bySuffix.get(canon.slice(canon.length - k)));
    }
    visit(this.unanchored);
    return hits;
  }

  private bucketFor(compiled: CompiledPattern): IndexedPattern<T>[] {
    const { literalPrefix, literalSuffix } = compiled;
    let map: Map<string, IndexedPattern<T>[]> | null = null;
    let key = '';
    if (literalPrefix.length > 0) {
      map = this.byPrefix;
      key = canonicalForm(literalPrefix.slice(0, KEY_CHARS));
    } else if (literalSuffix.length > 0) {
      map = this.bySuffix;
      key = canonicalForm(literalSuffix.slice(-KEY_CHARS));
    }
    if (!map) return this.unanchored;
    let bucket = map.get(key);
    if (!bucket) map.set(key, (bucket = []));
    return bucket;
  }
}
