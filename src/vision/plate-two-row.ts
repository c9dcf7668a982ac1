// Two-row plates (lorries, buses, trailers, motorcycles): split at the row gap, each row read under its own grammar, joined.
import type { RgbImage } from '../domain/frame.js';
import { type PlateFormat, type PlateTemplate, matchPlateFormat, normalisePlate } from '../domain/plate-text.js';
import {
  type CtcProbabilities,
  type CtcReading,
  type PlateDecoder,
  type PlateDecoderOptions,
  createPlateDecoder,
} from './ctc-decode.js';
import type { OnnxSession } from './onnx-session.js';
import { recProbabilities, widenSideways } from './plate-models.js';
import { buildAutomaton, type Automaton } from './plate-automaton.js';
import { cutRows, splitRows } from './plate-rows.js';

export interface TwoRowOptions {
  /** The PP-OCR rec session (input [1, 3, 48, W]) and its CTC classes. */
  rec: OnnxSession;
  charset: string[];
  /** The one-row layouts; those of seven characters opening with a province give the two rows. */
  templates: readonly PlateTemplate[];
  /** Formats the joined text must fit (the reader's). */
  formats: readonly PlateFormat[];
  decoder?: PlateDecoderOptions;
  /** Joined reads under this mean character probability are dropped. */
  minConfidence: number;
  /** A joined read with a character under this probability was invented to fill a slot. */
  minCharProbability: number;
}

export interface TwoRowReader {
  /** The plate read row by row, or null when the crop is not a two-row plate (or reads as none). */
  read(crop: RgbImage): Promise<(CtcReading & { format: string }) | null>;
}

/** Sideways padding of a row before rec, as a share of its height (the model drops a tight last character). */
const ROW_PAD = 0.3;

/**
 * The two rows' grammars from the one-row templates: a two-row plate carries the same
 * registration, province and letter above, the five characters after them below (GA 36).
 * Layouts with a fixed first character (粤Z cross-border, 使 embassy) and eight-character
 * new-energy layouts are never two-row.
 */
export function rowTemplates(templates: readonly PlateTemplate[]): { top: PlateTemplate[]; bottom: PlateTemplate[] } {
  // The top row opens with the province: a set of characters that holds no digit (the old
  // embassy layout, six digits then 使, opens with a digit set and is one-row only).
  const split = templates.filter((t) => t.slots.length === 7 && t.slots[0].length > 1 && !/[0-9]/.test(t.slots[0]));
  const top = new Map<string, PlateTemplate>();
  for (const t of split) top.set(t.slots.slice(0, 2).join('|'), { name: `${t.name}-top`, slots: t.slots.slice(0, 2) });
  return { top: [...top.values()], bottom: split.map((t) => ({ name: `${t.name}-bottom`, slots: t.slots.slice(2) })) };
}

/** True when the automaton accepts the whole text: the joined rows spell a plate of the grammar. */
export function acceptsText(automaton: Automaton, text: string): boolean {
  const labels = new Map(automaton.alphabet.map((ch, i) => [ch, i + 1] as const));
  let state = 0;
  for (const ch of text) {
    const k = labels.get(ch);
    if (k === undefined || !automaton.states[state].allowed.includes(k)) return false;
    state = automaton.states[state].next[k];
  }
  return automaton.states[state].accepting;
}

export function createTwoRowReader(opts: TwoRowOptions): TwoRowReader {
  const rows = rowTemplates(opts.templates);
  if (!rows.top.length) return { read: async () => null };
  const top = createPlateDecoder(opts.charset, rows.top, opts.decoder);
  // The province correction belongs to the top row only: the bottom row holds no province.
  const bottom = createPlateDecoder(opts.charset, rows.bottom, { ...opts.decoder, logBias: undefined });
  const grammar = buildAutomaton(opts.templates);
  const readRow = async (row: RgbImage, decoder: PlateDecoder) => decoder.decode(await rowProbabilities(opts.rec, row));
  return {
    read: async (crop) => {
      const split = splitRows(crop);
      if (!split) return null;
      const cut = cutRows(crop, split);
      const upper = await readRow(cut.top, top);
      if (!upper) return null;
      const lower = await readRow(cut.bottom, bottom);
      if (!lower) return null;
      const text = normalisePlate(upper.text + lower.text);
      const format = acceptsText(grammar, text) ? matchPlateFormat(text, opts.formats) : null;
      if (!format) return null;
      const charProbs = [...upper.charProbs, ...lower.charProbs];
      const confidence = charProbs.reduce((a, b) => a + b, 0) / charProbs.length;
      if (confidence < opts.minConfidence || Math.min(...charProbs) < opts.minCharProbability) return null;
      const alternatives = [...(upper.alternatives ?? []), ...(lower.alternatives ?? [])];
      return { text, charProbs, confidence, alternatives, format };
    },
  };
}

/** One row through the rec model: widened with its edge pixels, scaled to height 48. */
function rowProbabilities(rec: OnnxSession, row: RgbImage): Promise<CtcProbabilities> {
  return recProbabilities(rec, widenSideways(row, ROW_PAD));
}
