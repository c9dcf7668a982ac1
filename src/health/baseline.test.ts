// The baseline's drift: a cell follows what it usually shows, not the traffic that passes over it.
import { describe, expect, it } from 'vitest';
import { Baseline } from './baseline.js';
import { CELL_COLS, CELL_ROWS } from './features.js';
import type { SampleMeasures } from './measures.js';

const N = CELL_COLS * CELL_ROWS;

/** A sample whose every cell has this detail (std) and brightness. */
function sample(std: number, mean: number): SampleMeasures {
  return {
    at: 0,
    exposure: { mean, std: 40, p98: 200, whiteShare: 0 },
    sharpness: 100,
    noise: 1,
    change: 1,
    cells: new Float32Array(N).fill(std),
    cellMeans: new Float32Array(N).fill(mean),
    colour: { chroma: 10 },
    cast: { r: 0.33, g: 0.33, b: 0.33 },
    structure: 0.9,
  } as SampleMeasures;
}

function learnt(): Baseline {
  const b = new Baseline({ learnSamples: 10, adaptWeight: 0.01 });
  for (let i = 0; i < 10; i++) b.learn(sample(1.5, 110), null);
  return b;
}

describe('Baseline drift', () => {
  it('keeps the bare road through traffic that covers a cell three samples in ten', () => {
    const b = learnt();
    // 3000 samples at weight 0.01: thirty drift time constants.
    for (let i = 0; i < 3000; i++) b.learn(i % 10 < 3 ? sample(14, 180) : sample(1.5, 110), null);
    const v = b.current;
    expect(v?.cells[0]).toBeLessThan(1.5 * 1.1);
    expect(v?.cellMeans[0]).toBeLessThan(110 * 1.06);
  });

  it('follows a lasting change of the scene', () => {
    const b = learnt();
    for (let i = 0; i < 3000; i++) b.learn(sample(4, 140), null);
    expect(b.current?.cells[0]).toBeCloseTo(4, 1);
    expect(b.current?.cellMeans[0]).toBeCloseTo(140, 0);
  });
});

describe('Baseline drift from a learning that saw something else', () => {
  it('comes back within half an hour to the wall behind a person who stood in the cells through the learning', () => {
    // One sample a second, drifting over an hour (the defaults): a person (dark, some detail) while learning.
    const b = new Baseline({ learnSamples: 30, adaptWeight: 1 / 3600 });
    for (let i = 0; i < 30; i++) b.learn(sample(6, 68), null);
    for (let i = 0; i < 30 * 60; i++) b.learn(sample(2, 243 + (i % 3) - 1), null);
    expect(b.current?.cellMeans[0]).toBeGreaterThan(243 * 0.95);
    expect(b.current?.cellMeans[0]).toBeLessThan(243 * 1.02);
    expect(b.current?.cells[0]).toBeLessThan(2 * 1.1);
  });
});
