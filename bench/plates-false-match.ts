// Plate bench helper: how often a random read matches a random 1M-entry hotlist through the OCR-equivalent groups.
import { PLATE_ALNUM, PLATE_LETTERS, PROVINCES } from '../src/domain/plate-text.js';
import { OCR_EQUIVALENCE_GROUPS } from '../src/matching/ocr-equivalence.js';
import { seededRandom } from '../src/vision/plate-render.js';

/** Canonical form under the given groups (first member of each group stands for all). */
function canonicaliser(groups: readonly string[]): (text: string) => string {
  const map = new Map<string, string>();
  for (const g of groups) for (const ch of g) map.set(ch, g[0]);
  return (text) => [...text].map((ch) => map.get(ch) ?? ch).join('');
}

/**
 * Entries and reads are uniform ordinary plates (province, letter, five of A-Z/0-9 without I/O),
 * so the rate is the chance that a plate nobody listed is alerted on by equivalence alone.
 */
export function falseMatchRate(groups: readonly string[], entries = 1_000_000, reads = 200_000, seed = 7) {
  const rnd = seededRandom(seed);
  const pick = (chars: string) => chars[Math.floor(rnd() * chars.length)];
  const plate = () =>
    pick(PROVINCES) + pick(PLATE_LETTERS) + Array.from({ length: 5 }, () => pick(PLATE_ALNUM)).join('');
  const canon = canonicaliser(groups);
  const exact = new Set<string>();
  const canonical = new Set<string>();
  for (let i = 0; i < entries; i++) {
    const p = plate();
    exact.add(p);
    canonical.add(canon(p));
  }
  let exactHits = 0,
    equivalentHits = 0;
  for (let i = 0; i < reads; i++) {
    const r = plate();
    if (exact.has(r)) exactHits++;
    else if (canonical.has(canon(r))) equivalentHits++;
  }
  return {
    groups: groups.join(' '),
    entries,
    reads,
    exactCollisionRate: exactHits / reads,
    falseMatchRate: equivalentHits / reads,
  };
}

/** The table in use, and the table with the given measured pairs added (each joins its groups). */
export function falseMatchReport(measuredPairs: string[]) {
  const extended = [...OCR_EQUIVALENCE_GROUPS];
  for (const pair of measuredPairs) {
    const [a, b] = pair.split('/');
    const ia = extended.findIndex((g) => g.includes(a));
    const ib = extended.findIndex((g) => g.includes(b));
    if (ia >= 0 && ia === ib) continue;
    const merged = [...new Set([...(ia >= 0 ? extended[ia] : a), ...(ib >= 0 ? extended[ib] : b)])].join('');
    for (const i of [ia, ib].filter((i) => i >= 0).sort((x, y) => y - x)) extended.splice(i, 1);
    extended.push(merged);
  }
  return { inUse: falseMatchRate(OCR_EQUIVALENCE_GROUPS), withMeasured: falseMatchRate(extended) };
}
