// CTC decoding of PP-OCR rec output: plain greedy, and a best path constrained to the plate grammar.
import type { PlateTemplate } from '../domain/plate-text.js';
import { buildAutomaton, type Automaton } from './plate-automaton.js';

/** Rec output for one image: `steps` rows of `classes` probabilities, row-major. */
export interface CtcProbabilities {
  data: Float32Array;
  steps: number;
  classes: number;
}

export interface CtcReading {
  text: string;
  /** Per character, the highest probability it had over the frames that emitted it. */
  charProbs: number[];
  /** Mean of charProbs (0 for empty text). */
  confidence: number;
  /**
   * Grammar decoding only: per character, the characters the grammar allowed in its place, most
   * probable first (the chosen one included), with their probabilities at the character's peak frame.
   */
  alternatives?: CharAlternative[][];
}

export interface CharAlternative {
  char: string;
  p: number;
}

/** CTC classes of PP-OCR: blank, then the dictionary lines, then a space. */
export function ctcCharset(dictionary: string): string[] {
  const keys = dictionary.split(/\r?\n/);
  if (keys[keys.length - 1] === '') keys.pop();
  return ['', ...keys, ' '];
}

const reading = (text: string, charProbs: number[]): CtcReading => ({
  text,
  charProbs,
  confidence: charProbs.length ? charProbs.reduce((a, b) => a + b, 0) / charProbs.length : 0,
});

/** Arg-max per step, repeats merged, blanks dropped: for text that follows no grammar. */
export function greedyDecode(probs: CtcProbabilities, charset: readonly string[]): CtcReading {
  const { data, steps, classes } = probs;
  let text = '';
  const charProbs: number[] = [];
  let prev = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[t * classes + c] > data[t * classes + best]) best = c;
    const p = data[t * classes + best];
    if (best !== 0 && best === prev) charProbs[charProbs.length - 1] = Math.max(charProbs[charProbs.length - 1], p);
    else if (best !== 0) {
      text += charset[best];
      charProbs.push(p);
    }
    prev = best;
  }
  return reading(text, charProbs);
}

/**
 * Classes whose probability is credited to a plate character: its lower-case and full-width
 * forms, and O for 0 and I for 1, which plates never carry (the rec model was trained on
 * general text, where O and I are common).
 */
function aliasesOf(ch: string): string[] {
  const forms = (c: string) => [c, c.toLowerCase(), c < '\u007f' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c];
  const extra = ch === '0' ? forms('O') : ch === '1' ? forms('I') : [];
  return [...new Set([...forms(ch), ...extra])];
}

export interface PlateDecoderOptions {
  /**
   * Added to a character's log probability before decoding, e.g. to take out a prior the model
   * learnt from its training data (see province-prior.ts). Default none.
   */
  logBias?: ReadonlyMap<string, number>;
  /** How many alternatives each character keeps. Default 3. */
  alternatives?: number;
}

export interface PlateDecoder {
  /**
   * The most probable CTC path that spells a plate of one of the templates, or null when there
   * are too few steps to spell any. The path may go through characters the model all but ruled
   * out: callers judge that from charProbs.
   */
  decode(probs: CtcProbabilities): CtcReading | null;
}

/**
 * Best-path (Viterbi) CTC decoding over the product of the plate automaton and the last emitted
 * label. Unlike fixing a greedy string afterwards, a dark province or a Q/0 confusion is settled
 * by the probabilities the model gave to the characters the grammar allows at that position.
 */
export function createPlateDecoder(
  charset: readonly string[],
  templates: readonly PlateTemplate[],
  opts: PlateDecoderOptions = {},
): PlateDecoder {
  const automaton = buildAutomaton(templates);
  const index = new Map(charset.map((ch, i) => [ch, i] as const));
  const sources = automaton.alphabet.map((ch) =>
    aliasesOf(ch).flatMap((a) => (index.has(a) ? [index.get(a) as number] : [])),
  );
  const missing = automaton.alphabet.filter((_, k) => sources[k].length === 0);
  if (missing.length) throw new Error(`plate characters missing from the OCR dictionary: ${missing.join('')}`);
  // The dot after the second character, and spaces or dashes, are read as text but are no
  // part of a plate: their frames count as blank rather than forcing a character in.
  const blank = [0, ...SEPARATORS.flatMap((ch) => (index.has(ch) ? [index.get(ch) as number] : []))];
  const bias = new Float64Array(automaton.alphabet.length + 1);
  automaton.alphabet.forEach((ch, k) => (bias[k + 1] = opts.logBias?.get(ch) ?? 0));
  const keep = opts.alternatives ?? 3;
  return {
    decode: (probs) => {
      const lp = foldedLogProbs(probs, [blank, ...sources], bias);
      const path = viterbi(automaton, lp);
      return path && spell(automaton, lp, path, keep);
    },
  };
}

const SEPARATORS = ['·', '•', '・', '.', '-', ' '];

interface LogProbs {
  data: Float64Array;
  steps: number;
  width: number;
}

/** log P per step for [blank, ...alphabet], each label summing the classes folded into it, plus its bias. */
function foldedLogProbs(probs: CtcProbabilities, sources: number[][], bias: Float64Array): LogProbs {
  const width = sources.length;
  const out = new Float64Array(probs.steps * width);
  for (let t = 0; t < probs.steps; t++) {
    const row = t * probs.classes;
    for (let k = 0; k < width; k++) {
      let p = 0;
      for (const c of sources[k]) p += probs.data[row + c];
      out[t * width + k] = Math.log(p + 1e-12) + bias[k];
    }
  }
  return { data: out, steps: probs.steps, width };
}

/**
 * Lattice cell (state, label): label 0 means the current step emitted blank, label k > 0 that it
 * emitted alphabet[k-1] (new or repeated). A new character needs the previous step to be blank
 * or a different label, as CTC merges adjacent repeats.
 */
function viterbi(automaton: Automaton, lp: LogProbs): BestPath | null {
  const { states } = automaton;
  const W = lp.width;
  const data = lp.data;
  const cells = states.length * W;
  let score = new Float64Array(cells).fill(-Infinity);
  let next = new Float64Array(cells);
  const back = new Int32Array(lp.steps * cells);
  const start = cells; // a virtual "blank before the first step" cell in the start state
  // Plain loops and no closure: this runs for every crop read (about a millisecond with a closure per step).
  for (let t = 0; t < lp.steps; t++) {
    next.fill(-Infinity);
    const row = t * W;
    const backRow = t * cells;
    for (let s = 0; s < states.length; s++) {
      const base = s * W;
      let best = -Infinity,
        bestCell = -1,
        second = -Infinity,
        secondCell = -1;
      if (t === 0) {
        if (s === 0) {
          best = 0;
          bestCell = start;
        }
      } else {
        for (let k = 0; k < W; k++) {
          const v = score[base + k];
          if (v > best) {
            second = best;
            secondCell = bestCell;
            best = v;
            bestCell = base + k;
          } else if (v > second) {
            second = v;
            secondCell = base + k;
          }
        }
      }
      if (bestCell < 0) continue;
      // Blank: from the best cell of this state.
      let value = best + data[row];
      if (value > next[base]) {
        next[base] = value;
        back[backRow + base] = bestCell;
      }
      // The same label again (a repeat, merged by CTC).
      for (let k = 1; k < W && t > 0; k++) {
        const v = score[base + k];
        if (v === -Infinity) continue;
        value = v + data[row + k];
        if (value > next[base + k]) {
          next[base + k] = value;
          back[backRow + base + k] = base + k;
        }
      }
      // A new character the grammar allows here: from the best cell that is not that same label.
      const { allowed, next: to } = states[s];
      for (let i = 0; i < allowed.length; i++) {
        const k = allowed[i];
        const useSecond = bestCell === base + k;
        const from = useSecond ? secondCell : bestCell;
        if (from < 0) continue;
        const cell = to[k] * W + k;
        value = (useSecond ? second : best) + data[row + k];
        if (value > next[cell]) {
          next[cell] = value;
          back[backRow + cell] = from;
        }
      }
    }
    const swap = score;
    score = next;
    next = swap;
  }
  return bestAccepted(automaton, score, back, lp, cells);
}

/** The best path's label and automaton state at every step. */
interface BestPath {
  labels: Int32Array;
  states: Int32Array;
}

/** Picks the best accepting cell at the last step and walks the back-pointers. */
function bestAccepted(
  automaton: Automaton,
  score: Float64Array,
  back: Int32Array,
  lp: LogProbs,
  cells: number,
): BestPath | null {
  const W = lp.width;
  let cell = -1;
  for (let s = 0; s < automaton.states.length; s++) {
    if (!automaton.states[s].accepting) continue;
    for (let k = 0; k < W; k++) if (score[s * W + k] > (cell < 0 ? -Infinity : score[cell])) cell = s * W + k;
  }
  if (cell < 0 || score[cell] === -Infinity) return null;
  const labels = new Int32Array(lp.steps);
  const states = new Int32Array(lp.steps);
  for (let t = lp.steps - 1; t >= 0; t--) {
    labels[t] = cell % W;
    states[t] = (cell - labels[t]) / W;
    cell = back[t * cells + cell];
  }
  return { labels, states };
}

/** The path as text, each character's peak probability, and the allowed alternatives at that peak. */
function spell(automaton: Automaton, lp: LogProbs, path: BestPath, keep: number): CtcReading {
  const W = lp.width;
  let text = '';
  const charProbs: number[] = [];
  const peaks: number[] = [];
  for (let t = 0; t < lp.steps; t++) {
    const k = path.labels[t];
    if (k === 0) continue;
    // Bias can push a log probability past 0; a probability is still at most 1.
    const p = Math.min(1, Math.exp(lp.data[t * W + k]));
    // Same label and same automaton state as the step before: a repeat, not a new character.
    const repeat = t > 0 && path.labels[t - 1] === k && path.states[t - 1] === path.states[t];
    if (repeat) {
      if (p > charProbs[charProbs.length - 1]) [charProbs[charProbs.length - 1], peaks[peaks.length - 1]] = [p, t];
    } else {
      text += automaton.alphabet[k - 1];
      charProbs.push(p);
      peaks.push(t);
    }
  }
  // A cell's state is the one after its label, so character i was chosen in the state its
  // predecessor led to; the grammar's choices there are its alternatives.
  const alternatives = peaks.map((t, i) =>
    automaton.states[i === 0 ? 0 : path.states[peaks[i - 1]]].allowed
      .map((k) => ({ char: automaton.alphabet[k - 1], p: Math.min(1, Math.exp(lp.data[t * W + k])) }))
      .sort((a, b) => b.p - a.p)
      .slice(0, keep),
  );
  return { ...reading(text, charProbs), alternatives };
}
