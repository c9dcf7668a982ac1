// Plate bench helpers: the rendered set per province and layout, two-row plates, and character confusions counted from misreads.
import sharp from 'sharp';
import { plateSet } from '../fixtures/plate-set.js';
import type { RgbImage } from '../src/domain/frame.js';
import { PLATE_DIGITS, PLATE_LETTERS, PROVINCES } from '../src/domain/plate-text.js';
import { renderPlateCrop, seededRandom } from '../src/vision/plate-render.js';
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

/** Two-row kinds of the bench: GA 36 rear plates of lorries and trailers (440 x 220 mm), and motorcycles (220 x 140 mm). */
const TWO_ROW_KINDS = [
  { kind: 'lorry', layout: 'two-row', suffix: '', heights: [96, 72, 60, 80, 56, 64] },
  { kind: 'trailer', layout: 'two-row', suffix: '挂', heights: [96, 72, 60, 80, 56, 64] },
  // Half as wide as a lorry plate, as tall as a car's: at a car plate's distance, 36-56 px.
  { kind: 'motorcycle', layout: 'motorcycle', suffix: '', heights: [56, 44, 40, 48, 36, 44] },
] as const;

/** Blur, tilt, dirt, darkness and JPEG cycle as in the one-row set; sizes are the kind's own. */
function twoRowDegradation(i: number, rnd: () => number) {
  const level = i % 6;
  return {
    blur: [0, 0.8, 0.6, 0.5, 1.0, 0.7][level],
    brightness: [1, 0.85, 0.45, 0.8, 0.6, 0.7][level],
    dirt: [0, 0.2, 0.1, 0.6, 0.3, 0.2][level],
    rotate: [0, -3, 4, 2, -6, 5][level] * (0.5 + rnd()),
    shear: [0, 0.05, -0.08, 0.1, -0.12, 0.06][level],
    jpegQuality: [95, 70, 60, 50, 40, 55][level],
    seed: Math.floor(rnd() * 1e9),
  };
}

/** The plate pasted low on a dark lorry or motorcycle body in a 1280 x 720 grey still, at a seeded place. */
async function twoRowScene(plate: RgbImage, rnd: () => number): Promise<RgbImage> {
  const [W, H] = [1280, 720];
  const x = Math.round(200 + rnd() * (W - 400 - plate.width));
  const y = Math.round(300 + rnd() * (H - 340 - plate.height));
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#8c8c8c"/>
  <rect x="${x - plate.width}" y="${y - plate.height * 2}" width="${plate.width * 3}" height="${plate.height * 3}" fill="#3a3f46"/></svg>`;
  const png = await sharp(plate.data, { raw: { width: plate.width, height: plate.height, channels: 3 } })
    .png()
    .toBuffer();
  const { data, info } = await sharp(Buffer.from(body))
    .composite([{ input: png, left: x, top: y }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Two-row plates of each kind, rendered and degraded like the one-row set, read three ways: as
 * a crop, in a 1280 x 720 still at full resolution, and in the same still at the camera path's
 * detection size (640, boxes refined at full resolution).
 */
export async function benchTwoRow(reader: PlateReader, perKind = 12) {
  const rnd = seededRandom(RENDERED_SEED);
  const pick = (chars: string) => chars[Math.floor(rnd() * chars.length)];
  const out: Record<string, object> = {};
  const totals = { plates: 0, crop: 0, still: 0, still640: 0 };
  for (const k of TWO_ROW_KINDS) {
    const t = { plates: 0, crop: 0, still: 0, still640: 0 };
    const misses: string[] = [];
    for (let i = 0; i < perKind; i++) {
      const serial = Array.from({ length: k.suffix ? 4 : 5 }, () =>
        rnd() < 0.3 ? pick(PLATE_LETTERS) : pick(PLATE_DIGITS),
      ).join('');
      const text = pick(PROVINCES) + pick(PLATE_LETTERS) + serial + k.suffix;
      const plate = await renderPlateCrop({
        text,
        colour: 'yellow',
        layout: k.layout,
        height: k.heights[i % k.heights.length],
        ...twoRowDegradation(i, rnd),
      });
      const scene = await twoRowScene(plate, rnd);
      const crop = (await reader.readCrop(plate))?.text;
      const still = (await reader.read(scene, { maxSide: 1280 })).map((r) => r.text);
      const still640 = (await reader.read(scene, { maxSide: 640 })).map((r) => r.text);
      t.plates++;
      if (crop === text) t.crop++;
      if (still.includes(text)) t.still++;
      if (still640.includes(text)) t.still640++;
      if (crop !== text || !still.includes(text) || !still640.includes(text))
        misses.push(
          `${text} (${plate.height} px): crop ${crop ?? '-'}, still ${still.join(',') || '-'}, 640 ${still640.join(',') || '-'}`,
        );
    }
    for (const key of ['plates', 'crop', 'still', 'still640'] as const) totals[key] += t[key];
    out[k.kind] = { ...t, cropRate: rate(t.crop, t.plates), stillRate: rate(t.still, t.plates), misses };
  }
  return {
    seed: RENDERED_SEED,
    ...totals,
    cropRate: rate(totals.crop, totals.plates),
    stillRate: rate(totals.still, totals.plates),
    still640Rate: rate(totals.still640, totals.plates),
    perKind: out,
  };
}
