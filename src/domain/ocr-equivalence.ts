// OCR-equivalent characters on plates: the confusion groups and canonical forms that store and matching share.

/**
 * Characters a plate reader confuses often enough that a hotlist should treat them as one
 * (the same groups Genetec AutoVu uses). The first member of each group is its canonical form.
 */
export const OCR_EQUIVALENCE_GROUPS: readonly string[] = ['0ODQ', '1I', '2Z', '5S', '8B', '6G'];

/** Canonical char code per ASCII code; other code points (Han provinces) are their own canon. */
const CANON = new Uint16Array(128);
for (let code = 0; code < 128; code++) CANON[code] = code;
for (const group of OCR_EQUIVALENCE_GROUPS) {
  for (const ch of group) CANON[ch.charCodeAt(0)] = group.charCodeAt(0);
}

/** Canonical code of one UTF-16 code unit (plates hold no surrogate pairs). */
export function canonicalCode(code: number): number {
  return code < 128 ? CANON[code] : code;
}

/** Canonical form of one character: `O`, `D`, `Q` -> `0`, `I` -> `1`, and so on. */
export function canonicalChar(ch: string): string {
  return String.fromCharCode(canonicalCode(ch.charCodeAt(0)));
}

/** Canonical form of a normalised plate (uppercase, half-width); equal forms are OCR-equivalent. */
export function canonicalForm(text: string): string {
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (canonicalCode(code) !== code) {
      changed = true;
      break;
    }
  }
  // Most plates have a character to fold, but skipping the copy when none does is free.
  if (!changed) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(canonicalCode(text.charCodeAt(i)));
  return out;
}
