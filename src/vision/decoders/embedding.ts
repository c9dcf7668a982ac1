// Plain embedding outputs ([batch, dims]) to L2-normalised vectors, and their cosine similarity.

export class EmbeddingError extends Error {
  override name = 'EmbeddingError';
}

/** A copy scaled to unit length, so cosine similarity is a dot product (what pgvector's <#> and HNSW use). */
export function l2Normalise(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  // A zero or non-finite vector says the model saw nothing usable; matching it would be noise.
  if (!(norm > 0) || !Number.isFinite(norm)) throw new EmbeddingError('embedding has zero or non-finite length');
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

/** Splits a flat [batch, dims] output into one unit vector per batch row. */
export function decodeEmbeddings(data: Float32Array, dims: number, batch: number): Float32Array[] {
  if (data.length !== dims * batch)
    throw new EmbeddingError(`embedding output has ${data.length} values, expected ${batch} x ${dims}`);
  return Array.from({ length: batch }, (_, i) => l2Normalise(data.subarray(i * dims, (i + 1) * dims)));
}

/** Cosine similarity of two vectors (for unit vectors, their dot product). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new EmbeddingError(`cannot compare embeddings of ${a.length} and ${b.length} dimensions`);
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}
