// Plate bench helpers: the rendered set per province and layout, and character confusions counted from misreads.
import { plateSet } from '../fixtures/plate-set.js';
import { renderPlateCrop } from '../src/vision/plate-render.js';
import type { PlateReader } from '../src/vision/plate-reader.js';

/** Benchmark seed of the rendered set; the province correction was fitted on another (fixtures/make-province-prior.ts). */
export const RENDERED_SEED = 13;

export interface Tally {
  plates: number;
  exact: number;
  /** First character right (the province, or 使). */
  province: number;
  /** Province wrong but flagged uncertain, with the truth among its alternatives. */
  provinceFlagged: number;
}

const tally = (): Tally => ({ plates: 0, exact: 0, province: 0, provinceFlagged: 0 });

/** Substitutions between truth and read, position by position, for reads of the right length. */
export class Confusions {
  private readonly counts = new Map<string, number>();

  add(truth: string, read: string | undefined): void {
    if (!read || read === truth) return;
    const [t, r] = [[...truth], [...read]];
    if (t.length !== r.length) return;
    // Position 0 is the province; its confusions are reported per province, not here.
    for (let i = 1; i < t.length; i++)
      if (t[i] !== r[i]) this.counts.set(`${t[i]}>${r[i]}`, (this.counts.get(`${t[i]}>${r[i]}`) ?? 0) + 1);
  }

  /** Pairs seen at least twice in either direction, most frequent first: `{ pair: 'T/7', count }`. */
  pairs(min = 2): { pair: string; count: number }[] {
    const both = new Map<string, number>();
    for (const [k, n] of this.counts) {
      const [a, b] = k.split('>');
      const key = [a, b].sort().join('/');
      both.set(key, (both.get(key) ?? 0) + n);
    }
    return [...both]
      .filter(([, n]) => n >= min)
      .sort((a, b) => b[1] - a[1])
      .map(([pair, count]) => ({ pair, count }));
  }
}

const rate = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : 0);

/** Reads every plate of the rendered set as a crop; exact and province accuracy per province (ordinary plates) and per layout. */
export async function benchRendered(reader: PlateReader, confusions: Confusions, perProvince = 6) {
  const byProvince = new Map<string, Tally>();
  const byKind = new Map<string, Tally>();
  const all = tally();
  for (const c of plateSet({ seed: RENDERED_SEED, perProvince })) {
    const read = await reader.readCrop(await renderPlateCrop(c));
    confusions.add(c.text, read?.text);
    const groups = [all, c.kind === 'ordinary' ? at(byProvince, c.province) : at(byKind, c.kind)];
    const provinceRight = read !== null && [...read.text][0] === c.province;
    const flagged =
      read !== null &&
      !provinceRight &&
      read.chars[0].uncertain &&
      read.chars[0].alternatives.some((a) => a.char === c.province);
    for (const g of groups) {
      g.plates++;
      if (read?.text === c.text) g.exact++;
      if (provinceRight) g.province++;
      if (flagged) g.provinceFlagged++;
    }
  }
  const view = (t: Tally) => ({ ...t, exactRate: rate(t.exact, t.plates), provinceRate: rate(t.province, t.plates) });
  return {
    seed: RENDERED_SEED,
    ...view(all),
    perProvince: Object.fromEntries(
      [...byProvince].map(([k, t]) => [k, `${t.exact}/${t.plates} exact, province ${t.province}/${t.plates}`]),
    ),
    perLayout: Object.fromEntries([...byKind].map(([k, t]) => [k, view(t)])),
  };
}

function at(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = tally()));
  return t;
}
