import { describe, expect, it } from 'vitest';
import type { Box } from '../domain/frame.js';
import { PlatePassFuser, samePlate, type PlateObservation } from './plate-pass.js';

const crop = { data: Buffer.alloc(3), width: 1, height: 1 };
const box: Box = [0, 0, 10, 5];
const read = (text: string, confidence: number, capturedAt: number): PlateObservation => ({
  text,
  confidence,
  format: 'ordinary',
  box,
  crop,
  capturedAt,
});

describe('samePlate', () => {
  it('joins OCR-equivalent and one-off readings, not different plates', () => {
    expect(samePlate('粤B4E7K2', '粤B4E7K2')).toBe(true);
    expect(samePlate('粤B4E7K2', '粤84E7K2')).toBe(true);
    expect(samePlate('粤B4E7K2', '粤B4E7KZ')).toBe(true);
    expect(samePlate('粤B4E7K2', '粤B4F7K3')).toBe(false);
    expect(samePlate('粤B4E7K2', '京A12345')).toBe(false);
  });
});

describe('PlatePassFuser', () => {
  it('sends the first read at once, then only improvements, under one event id', () => {
    const f = new PlatePassFuser({ windowMs: 5000 });
    const first = f.observe(read('粤B4E7K2', 0.9, 1000));
    expect(first?.update).toBe(false);
    expect(f.observe(read('粤B4E7K2', 0.9, 1200))).toBeNull();
    const better = f.observe(read('粤B4E7K2', 0.97, 1400));
    expect(better?.update).toBe(true);
    expect(better?.pass.eventId).toBe(first?.pass.eventId);
    expect(better?.pass.readCount).toBe(3);
    expect(better?.pass.firstSeen).toBe(1000);
    expect(better?.pass.lastSeen).toBe(1400);
  });

  it('fixes a character by vote and updates the event', () => {
    const f = new PlatePassFuser({ windowMs: 5000 });
    const first = f.observe(read('粤B4E7KZ', 0.8, 0));
    expect(first?.pass.text).toBe('粤B4E7KZ');
    f.observe(read('粤B4E7K2', 0.79, 100));
    const fixed = f.observe(read('粤B4E7K2', 0.78, 200));
    expect(fixed?.pass.text).toBe('粤B4E7K2');
    expect(fixed?.update).toBe(true);
    expect(fixed?.pass.eventId).toBe(first?.pass.eventId);
  });

  it('starts a new pass after the window and keeps two vehicles apart', () => {
    const f = new PlatePassFuser({ windowMs: 1000 });
    const a = f.observe(read('粤B4E7K2', 0.9, 0));
    const b = f.observe(read('京A12345', 0.9, 100));
    expect(b?.pass.eventId).not.toBe(a?.pass.eventId);
    expect(f.open).toBe(2);
    const again = f.observe(read('粤B4E7K2', 0.9, 5000));
    expect(again?.update).toBe(false);
    expect(again?.pass.eventId).not.toBe(a?.pass.eventId);
    expect(f.open).toBe(1);
  });

  it('tells approaching from receding by the growth of the plate box over the pass, and re-sends when it knows', () => {
    const f = new PlatePassFuser({ windowMs: 5000 });
    const at = (b: Box, t: number) => f.observe({ ...read('粤B4E7K2', 0.9, t), box: b });
    expect(at([100, 100, 140, 120], 0)?.pass.motion).toBeNull();
    expect(at([100, 100, 142, 121], 100)).toBeNull(); // within jitter: nothing new to send
    const grown = at([100, 100, 150, 125], 200);
    expect(grown?.pass.motion).toBe('approaching');
    expect(grown?.update).toBe(true);
    expect(at([100, 100, 141, 120], 300)).toBeNull(); // back near the first size: motion stays known
    const g = new PlatePassFuser({ windowMs: 5000 });
    g.observe({ ...read('京A12345', 0.9, 0), box: [0, 0, 60, 30] });
    expect(g.observe({ ...read('京A12345', 0.9, 100), box: [0, 0, 40, 20] })?.pass.motion).toBe('receding');
  });

  it("votes per character with each alternative's probability and says where the pass is in doubt", () => {
    const f = new PlatePassFuser({ windowMs: 5000 });
    const sure = (ch: string) => ({ alternatives: [{ char: ch, p: 0.95 }] });
    const withProvince = (alternatives: { char: string; p: number }[]) => [
      { alternatives },
      ...[...'A12345'].map(sure),
    ];
    // The first read says 皖 but weighs 浙 almost as much; the second says 浙 firmly.
    f.observe({
      ...read('皖A12345', 0.9, 0),
      chars: withProvince([
        { char: '皖', p: 0.4 },
        { char: '浙', p: 0.35 },
      ]),
    });
    const second = f.observe({
      ...read('浙A12345', 0.9, 100),
      chars: withProvince([
        { char: '浙', p: 0.5 },
        { char: '皖', p: 0.1 },
      ]),
    });
    expect(second?.pass.text).toBe('浙A12345');
    const [province, letter] = second?.pass.chars ?? [];
    expect(province.alternatives.map((a) => a.char)).toEqual(['浙', '皖']);
    expect(province.share).toBeCloseTo(0.85 / 1.35, 5);
    expect(letter).toMatchObject({ char: 'A', share: 1, uncertain: false });
    // Two reads at odds: the province is in doubt and both stay on the pass.
    const g = new PlatePassFuser({ windowMs: 5000 });
    g.observe({ ...read('皖A12345', 0.9, 0), chars: withProvince([{ char: '皖', p: 0.5 }]) });
    const split = g.observe({ ...read('浙A12345', 0.95, 100), chars: withProvince([{ char: '浙', p: 0.45 }]) });
    expect(split?.pass.chars[0]).toMatchObject({ char: '皖', uncertain: true });
    expect(split?.pass.chars[0].alternatives.map((a) => a.char)).toEqual(['皖', '浙']);
  });
});
