// Licence plate text: normalisation, the Chinese plate grammar, and named formats from config.

/** The 31 mainland province abbreviations that open an ordinary plate. */
export const PROVINCES = '京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新';
/** Letters used on plates: I and O are never issued because they read as 1 and 0. */
export const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export const PLATE_DIGITS = '0123456789';
export const PLATE_ALNUM = PLATE_LETTERS + PLATE_DIGITS;
/** Characters that close a special-purpose plate. */
export const PLATE_SUFFIXES = '警学挂港澳领使';
/**
 * Third character of a small new-energy plate: D/F from GA 36-2018 (pure electric / other),
 * widened in 2021 to A-E (pure electric) and F-K (other) when the D and F series ran out.
 */
export const NEW_ENERGY_SMALL_CLASS = 'ABCDEFGHJK';
/** Last character of a large new-energy plate (buses, lorries): still only D or F. */
export const NEW_ENERGY_LARGE_CLASS = 'DF';

/** Every character that can appear on a Chinese plate; the decoder restricts CTC classes to these. */
export const PLATE_CHARSET = [...new Set(PROVINCES + PLATE_ALNUM + PLATE_SUFFIXES)].join('');

/** A named format checked against normalised text. */
export type PlateFormat = { name: string; pattern: RegExp };

/**
 * A plate layout as one set of allowed characters per position. The same definition yields the
 * regular expression used for matching and the automaton the CTC decoder walks, so the two can
 * never disagree.
 */
export type PlateTemplate = { name: string; slots: string[] };

const rep = (chars: string, n: number): string[] => Array.from({ length: n }, () => chars);

export const CHINESE_TEMPLATES: readonly PlateTemplate[] = [
  { name: 'cn-ordinary', slots: [PROVINCES, PLATE_LETTERS, ...rep(PLATE_ALNUM, 5)] },
  {
    name: 'cn-new-energy-small',
    slots: [PROVINCES, PLATE_LETTERS, NEW_ENERGY_SMALL_CLASS, PLATE_ALNUM, ...rep(PLATE_DIGITS, 4)],
  },
  {
    name: 'cn-new-energy-large',
    slots: [PROVINCES, PLATE_LETTERS, ...rep(PLATE_DIGITS, 5), NEW_ENERGY_LARGE_CLASS],
  },
  { name: 'cn-police', slots: [PROVINCES, PLATE_LETTERS, ...rep(PLATE_ALNUM, 4), '警'] },
  { name: 'cn-coach', slots: [PROVINCES, PLATE_LETTERS, ...rep(PLATE_ALNUM, 4), '学'] },
  { name: 'cn-trailer', slots: [PROVINCES, PLATE_LETTERS, ...rep(PLATE_ALNUM, 4), '挂'] },
  // Cross-border cars registered in Guangdong all carry 粤Z.
  { name: 'cn-hong-kong', slots: ['粤', 'Z', ...rep(PLATE_ALNUM, 4), '港'] },
  { name: 'cn-macau', slots: ['粤', 'Z', ...rep(PLATE_ALNUM, 4), '澳'] },
  { name: 'cn-consulate', slots: [PROVINCES, PLATE_LETTERS, ...rep(PLATE_DIGITS, 4), '领'] },
  // Embassy plates: 使 + 3-digit mission code + 3-digit serial; the pre-2018 layout put 使 last.
  { name: 'cn-embassy', slots: ['使', ...rep(PLATE_DIGITS, 6)] },
  { name: 'cn-embassy-old', slots: [...rep(PLATE_DIGITS, 6), '使'] },
];

const escapeClass = (chars: string): string => chars.replace(/[\\\]^-]/g, '\\$&');

export function templateToFormat(template: PlateTemplate): PlateFormat {
  const body = template.slots.map((s) => (s.length === 1 ? escapeClass(s) : `[${escapeClass(s)}]`)).join('');
  return { name: template.name, pattern: new RegExp(`^${body}$`, 'u') };
}

export const CHINESE_FORMATS: readonly PlateFormat[] = CHINESE_TEMPLATES.map(templateToFormat);

/** Separators people and OCR put inside plates; none of them is part of the registration. */
const SEPARATORS = /[\s·•・∙.\-‐‑‒–—―_]/gu;

/** Full-width to half-width, upper case, separators removed: `ｊ·A 12-345` -> `JA12345`. */
export function normalisePlate(raw: string): string {
  // NFKC folds full-width Latin letters, digits and punctuation to ASCII and leaves CJK alone.
  return raw.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
}

/** Thrown when a configured plate format cannot be compiled; the message names the format. */
export class PlateFormatError extends Error {
  override name = 'PlateFormatError';
}

/**
 * Compiles formats given in config. Patterns are anchored here (`^(?:...)$`) because a format
 * describes a whole plate: an unanchored `[A-Z]{2}[0-9]{2}` would accept any longer read.
 */
export function compileFormats(defs: { name: string; pattern: string }[]): PlateFormat[] {
  return defs.map(({ name, pattern }) => {
    if (!name) throw new PlateFormatError(`plate format with pattern ${JSON.stringify(pattern)} has no name`);
    try {
      return { name, pattern: new RegExp(`^(?:${pattern})$`, 'u') };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new PlateFormatError(`plate format "${name}": invalid pattern ${JSON.stringify(pattern)}: ${why}`);
    }
  });
}

/** Name of the first format the normalised text fits, or null. */
export function matchPlateFormat(text: string, formats: readonly PlateFormat[]): string | null {
  const plate = normalisePlate(text);
  return formats.find((f) => f.pattern.test(plate))?.name ?? null;
}
