// Tests for splitting and L2-normalising embedding outputs.
import { describe, expect, it } from 'vitest';
import { EmbeddingError, cosineSimilarity, decodeEmbeddings, l2Normalise } from './embedding.js';

describe('embeddings', () => {
  it('scales to unit length without touching the input', () => {
    const raw = Float32Array.from([3, 4]);
    expect([...l2Normalise(raw)]).toEqual([expect.closeTo(0.6), expect.closeTo(0.8)]);
    expect([...raw]).toEqual([3, 4]);
  });

  it('splits a batch into rows', () => {
    const rows = decodeEmbeddings(Float32Array.from([1, 0, 0, 0, 2, 0]), 3, 2);
    expect(rows.map((r) => [...r])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => decodeEmbeddings(new Float32Array(5), 3, 2)).toThrow(EmbeddingError);
  });

  it('refuses vectors with no direction', () => {
    expect(() => l2Normalise(new Float32Array(4))).toThrow(/zero or non-finite/);
    expect(() => l2Normalise(Float32Array.from([NaN, 1]))).toThrow(EmbeddingError);
  });

  it('compares by cosine', () => {
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([1, 1], [2, 2])).toBeCloseTo(1);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/dimensions/);
  });
});
