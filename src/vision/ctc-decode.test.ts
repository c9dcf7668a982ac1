// Tests for CTC decoding on hand-built probability tensors: greedy, grammar-constrained, and the automaton.
import { describe, expect, it } from 'vitest';
import { CHINESE_TEMPLATES, PLATE_CHARSET } from '../domain/plate-text.js';
import { type CtcProbabilities, createPlateDecoder, ctcCharset, greedyDecode } from './ctc-decode.js';
import { buildAutomaton } from './plate-automaton.js';

// A small dictionary in PP-OCR's layout: every plate character plus look-alikes plates never use.
const charset = ctcCharset([...PLATE_CHARSET, 'O', 'I', 'o', '的'].join('\n') + '\n');
const decoder = createPlateDecoder(charset, CHINESE_TEMPLATES);

/** One frame per entry: a map of character -> probability, the rest of the mass on blank. */
function frames(spec: (string | Record<string, number>)[]): CtcProbabilities {
  const classes = charset.length;
  const data = new Float32Array(spec.length * classes);
  spec.forEach((f, t) => {
    const dist: Record<string, number> = typeof f === 'string' ? (f === '_' ? {} : { [f]: 0.95 }) : f;
    let used = 0;
    for (const [ch, p] of Object.entries(dist)) {
      data[t * classes + charset.indexOf(ch)] = p;
      used += p;
    }
    data[t * classes] += Math.max(0, 1 - used);
  });
  return { data, steps: spec.length, classes };
}

const spell = (text: string) => [...text].flatMap((ch) => [ch, '_']);

describe('ctcCharset', () => {
  it('puts blank first and space last', () => {
    expect(ctcCharset('a\nb\n')).toEqual(['', 'a', 'b', ' ']);
    expect(ctcCharset('a\r\nb')).toEqual(['', 'a', 'b', ' ']);
  });
});

describe('greedyDecode', () => {
  it('merges repeats, keeps characters split by a blank, and reports probabilities', () => {
    const r = greedyDecode(frames(['京', '京', '_', 'A', { '1': 0.6 }, { '1': 0.8 }, '_', '1']), charset);
    expect(r.text).toBe('京A11');
    expect(r.charProbs.map((p) => +p.toFixed(2))).toEqual([0.95, 0.95, 0.8, 0.95]);
    expect(r.confidence).toBeCloseTo((0.95 * 3 + 0.8) / 4, 5);
  });
});

describe('plate grammar decoder', () => {
  it('reads a clean ordinary plate', () => {
    const r = decoder.decode(frames(['_', ...spell('京A12345')]));
    expect(r?.text).toBe('京A12345');
    expect(r?.confidence).toBeCloseTo(0.95, 5);
  });

  it('chooses the best province where greedy reads a digit', () => {
    const p = frames([{ '8': 0.7, 皖: 0.2 }, '_', ...spell('A29C52')]);
    expect(greedyDecode(p, charset).text).toBe('8A29C52');
    const r = decoder.decode(p);
    expect(r?.text).toBe('皖A29C52');
    expect(r?.charProbs[0]).toBeCloseTo(0.2, 5);
  });

  it('reads a letter in second place and folds O into 0 later on', () => {
    const r = decoder.decode(
      frames([...spell('京'), { '8': 0.6, B: 0.35 }, '_', { O: 0.5, D: 0.3, '0': 0.15 }, '_', ...spell('1234')]),
    );
    expect(r?.text).toBe('京B01234');
    expect(r?.charProbs[2]).toBeCloseTo(0.65, 5);
  });

  it('keeps a doubled character apart only where a blank separates it', () => {
    expect(decoder.decode(frames(spell('京A00000')))?.text).toBe('京A00000');
    // Without blanks between them, five frames of 0 are one character; a plate can only be
    // forced through classes the model gave no probability, and the char probabilities show it.
    const forced = decoder.decode(frames(['京', 'A', '0', '0', '0', '0', '0']));
    expect(forced?.text).not.toBe('京A00000');
    expect(Math.min(...(forced?.charProbs ?? [0]))).toBeLessThan(1e-6);
  });

  it('drops the weakest extra character rather than return a read no plate has', () => {
    const r = decoder.decode(frames([...spell('京A12345'), { '6': 0.55 }]));
    expect(r?.text).toBe('京A12345');
  });

  it('reads new-energy and suffix plates', () => {
    expect(decoder.decode(frames(spell('沪AD12345')))?.text).toBe('沪AD12345');
    expect(decoder.decode(frames(spell('粤Z1234港')))?.text).toBe('粤Z1234港');
    expect(decoder.decode(frames(spell('使014578')))?.text).toBe('使014578');
  });

  it("gives each character the grammar's alternatives at its peak frame", () => {
    const r = decoder.decode(
      frames([{ 皖: 0.4, 浙: 0.3, 苏: 0.1 }, '_', { '8': 0.6, B: 0.3 }, '_', ...spell('12345')]),
    );
    expect(r?.text).toBe('皖B12345');
    expect(r?.alternatives?.[0].map((a) => a.char)).toEqual(['皖', '浙', '苏']);
    expect(r?.alternatives?.[0][1].p).toBeCloseTo(0.3, 5);
    // Second place takes only letters, so 8 is no alternative there.
    expect(r?.alternatives?.[1][0]).toMatchObject({ char: 'B' });
    expect(r?.alternatives?.[1].some((a) => a.char === '8')).toBe(false);
  });

  it('applies a per-character log bias before choosing (a learnt prior taken out)', () => {
    const p = frames([{ 皖: 0.4, 浙: 0.3 }, '_', ...spell('A12345')]);
    expect(decoder.decode(p)?.text).toBe('皖A12345');
    const corrected = createPlateDecoder(charset, CHINESE_TEMPLATES, { logBias: new Map([['皖', Math.log(0.5)]]) });
    const r = corrected.decode(p);
    expect(r?.text).toBe('浙A12345');
    expect(r?.alternatives?.[0].map((a) => a.char).slice(0, 2)).toEqual(['浙', '皖']);
    expect(r?.alternatives?.[0][1].p).toBeCloseTo(0.2, 5);
  });

  it('returns null when too few frames remain for any plate', () => {
    expect(decoder.decode(frames(spell('京A1')))).toBeNull();
  });

  it('refuses a dictionary that lacks plate characters', () => {
    expect(() => createPlateDecoder(ctcCharset('A\nB\n'), CHINESE_TEMPLATES)).toThrow(
      /missing from the OCR dictionary/,
    );
  });
});

describe('plate automaton', () => {
  it('accepts exactly the template lengths', () => {
    const a = buildAutomaton([
      { name: 'short', slots: ['AB', '12'] },
      { name: 'long', slots: ['A', '1', '2'] },
    ]);
    const walk = (text: string) => {
      let s = 0;
      for (const ch of text) {
        const k = a.alphabet.indexOf(ch) + 1;
        if (!a.states[s].allowed.includes(k)) return null;
        s = a.states[s].next[k];
      }
      return a.states[s];
    };
    expect(walk('B1')?.accepting).toBe(true);
    expect(walk('A1')?.templates).toEqual(['short', 'long']);
    expect(walk('A12')?.accepting).toBe(true);
    expect(walk('B12')).toBeNull();
  });
});
