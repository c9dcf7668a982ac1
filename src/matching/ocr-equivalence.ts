// OCR-equivalent characters on plates: the confusion groups, canonical forms, and difference counts.

import { canonicalCode } from '../domain/ocr-equivalence.js';

// The groups and canonical forms live in the domain (the store indexes plates by them); re-exported for matching.
export { OCR_EQUIVALENCE_GROUPS, canonicalChar, canonicalCode, canonicalForm } from '../domain/ocr-equivalence.js';

/** True when two characters are the same or in the same confusion group. */
export function areOcrEquivalent(a: string, b: string): boolean {
  return canonicalCode(a.charCodeAt(0)) === canonicalCode(b.charCodeAt(0));
}

/** How two equal-length strings differ, position by position. */
export interface OcrComparison {
  /** Positions whose characters differ but fall in one confusion group (e.g. `0` vs `D`). */
  ocrSubstitutions: number;
  /** Positions that differ in any other way. */
  otherDifferences: number;
}

/** Compares two strings position by position; null when their lengths differ. */
export function compareOcr(a: string, b: string): OcrComparison | null {
  if (a.length !== b.length) return null;
  let ocrSubstitutions = 0;
  let otherDifferences = 0;
  for (let i = 0; i < a.length; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (canonicalCode(ca) === canonicalCode(cb)) ocrSubstitutions++;
    else otherDifferences++;
  }
  return { ocrSubstitutions, otherDifferences };
}

/** Number of positions that differ only within a confusion group; null when lengths differ. */
export function countOcrSubstitutions(a: string, b: string): number | null {
  return compareOcr(a, b)?.ocrSubstitutions ?? null;
}

/** Packed canonical symbols, 6 bits each: 0-9, A-Z, and one shared code for anything else (Han). */
const SYMBOL_BITS = 6;
const OTHER_SYMBOL = 36;
/** Five symbols fill 30 bits of a small integer, so packs stay int32 and compare with bit operations. */
export const MAX_PACKED_CHARS = 5;
/** The lowest bit of each 6-bit symbol. */
const LOW_BITS = 0b000001_000001_000001_000001_000001;

function symbol(code: number): number {
  const c = canonicalCode(code);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return OTHER_SYMBOL;
}

/**
 * The canonical form of `text.slice(from, to)` (at most five characters) as one int32, so an
 * index can compare thousands of candidates in a typed array without touching their strings.
 * Non-alphanumerics share a code: equal packs are a hint, never a proof.
 */
export function packCanonical(text: string, from = 0, to = text.length): number {
  if (to - from > MAX_PACKED_CHARS) throw new RangeError(`packCanonical: at most ${MAX_PACKED_CHARS} characters`);
  let packed = 0;
  for (let i = from; i < to; i++) packed = (packed << SYMBOL_BITS) | symbol(text.charCodeAt(i));
  return packed;
}

/**
 * Positions at which two packs of equal length differ: never more than the canonical strings'
 * differences, so a filter on it drops no true match.
 */
export function packedDifferences(a: number, b: number): number {
  const x = a ^ b;
  // Fold each 6-bit symbol onto its lowest bit, then count those bits.
  const pairs = x | (x >>> 1);
  let any = (pairs | (pairs >>> 2) | (pairs >>> 4)) & LOW_BITS;
  let count = 0;
  while (any !== 0) {
    any &= any - 1;
    count++;
  }
  return count;
}
