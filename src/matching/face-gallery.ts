// The face gallery interface (1:N cosine top-k over enrolled embeddings) and the helpers its back ends share;
// open-face-gallery.ts chooses and opens one (kept apart so the back ends import this file without a cycle).
//
// Back ends, chosen by measurement (bench/gallery.bench.ts):
//   exact    - every row scored with a SIMD scan; float32, or int8 with float32 re-ranking.
//   hnsw     - usearch's HNSW graph in process; ~3 ms at 1M, rebuilt from the database or a snapshot.
//   pgvector - the rows themselves in PGlite or PostgreSQL; the store the in-process ones load from.
//   durable  - rows in pgvector, searches from exact or hnsw rebuilt at open (config `persist`).
import type { GalleryItem } from '../domain/face-watchlist.js';
import type { Db } from '../store/db.js';

export type { GalleryItem };

export interface GalleryMatch {
  id: string;
  subjectId: string;
  /** Cosine similarity, -1..1. */
  score: number;
}

export interface SearchOptions {
  /** How many nearest items to return at most. */
  k: number;
  /** Minimum cosine; items scoring below it are left out. Default: none. */
  threshold?: number;
}

export interface FaceGallery {
  readonly dim: number;
  /** Adds items; an id already present is replaced (re-enrolment). */
  add(items: GalleryItem[]): Promise<void>;
  /** Removes items by id; unknown ids are ignored. */
  remove(ids: string[]): Promise<void>;
  /** Removes every item of a subject (taken off the watchlist, or a deletion request). */
  removeSubject(subjectId: string): Promise<void>;
  /** The k items nearest by cosine, best first. */
  search(vector: Float32Array, opts: SearchOptions): Promise<GalleryMatch[]>;
  size(): number | Promise<number>;
  close(): Promise<void>;
}

export class FaceGalleryError extends Error {
  override name = 'FaceGalleryError';
}

export const MIN_DIM = 128;
export const MAX_DIM = 1024;

export function checkDim(dim: number): number {
  if (!Number.isInteger(dim) || dim < MIN_DIM || dim > MAX_DIM) {
    throw new FaceGalleryError(`face gallery: dimension must be an integer ${MIN_DIM}..${MAX_DIM}, got ${dim}`);
  }
  return dim;
}

/**
 * A unit-length copy of `v`, checked: a wrong-sized or non-finite embedding means a model or
 * manifest mismatch, which must fail loudly rather than match nobody (or everybody).
 */
export function unitVector(v: Float32Array, dim: number, what = 'vector'): Float32Array {
  if (v.length !== dim) throw new FaceGalleryError(`face gallery: ${what} has ${v.length} values, expected ${dim}`);
  let s = 0;
  for (let i = 0; i < dim; i++) s += v[i] * v[i];
  if (!Number.isFinite(s) || s === 0) throw new FaceGalleryError(`face gallery: ${what} is zero or not finite`);
  const inv = 1 / Math.sqrt(s);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = v[i] * inv;
  return out;
}

export function checkSearch(opts: SearchOptions): void {
  if (!Number.isInteger(opts.k) || opts.k < 1)
    throw new FaceGalleryError(`face gallery: k must be a positive integer, got ${opts.k}`);
}

/** The best `capacity` (index, score) pairs seen; kept sorted, as capacity is small (k or a re-rank window). */
export class TopK {
  readonly indices: Int32Array;
  readonly scores: Float32Array;
  size = 0;
  /** The score a candidate must beat to get in; -Infinity until full. */
  floor = -Infinity;

  constructor(readonly capacity: number) {
    this.indices = new Int32Array(capacity);
    this.scores = new Float32Array(capacity);
  }

  push(index: number, score: number): void {
    if (score <= this.floor) return;
    let at = this.size < this.capacity ? this.size++ : this.capacity - 1;
    while (at > 0 && this.scores[at - 1] < score) {
      this.scores[at] = this.scores[at - 1];
      this.indices[at] = this.indices[at - 1];
      at--;
    }
    this.scores[at] = score;
    this.indices[at] = index;
    if (this.size === this.capacity) this.floor = this.scores[this.capacity - 1];
  }
}

export interface RebuildProgress {
  loaded: number;
  elapsedMs: number;
}

/**
 * Loads an in-process gallery from rows streamed out of the database (see PgvectorGallery.rows()),
 * batch by batch, so a restart costs one pass over the table, and reports progress per batch.
 */
export async function rebuildFrom(
  gallery: FaceGallery,
  batches: AsyncIterable<GalleryItem[]>,
  onProgress?: (p: RebuildProgress) => void,
): Promise<number> {
  const started = performance.now();
  let loaded = 0;
  for await (const batch of batches) {
    await gallery.add(batch);
    loaded += batch.length;
    onProgress?.({ loaded, elapsedMs: performance.now() - started });
  }
  return loaded;
}

/** Keep the rows in this database (a face_gallery table) and rebuild the in-process index from it at open. */
export interface Persistence {
  db: Db;
  onProgress?: (p: RebuildProgress) => void;
}

export type GalleryConfig =
  | { backend: 'exact'; dim: number; precision?: 'f32' | 'i8'; rerank?: number; persist?: Persistence }
  | {
      backend: 'hnsw';
      dim: number;
      connectivity?: number;
      expansionAdd?: number;
      expansionSearch?: number;
      persist?: Persistence;
    }
  | { backend: 'pgvector'; dim: number; db: Db; efSearch?: number };
