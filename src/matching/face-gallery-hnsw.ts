// Approximate face gallery on usearch's HNSW graph (native, from npm with its own prebuilt binary).
//
// Why usearch: it installs from the registry with prebuilt Linux binaries inside the package,
// builds on both cores, supports removal, and answers 1M-row queries in ~3 ms at the default
// search width (the exact int8 scan needs ~27 ms, float32 ~72 ms; bench/gallery). Its int8 storage assumes values near +-1 and lost a fifth of recall@1 on unit
// 128-d embeddings (values ~0.1), so rows are float32 (or float16, half the memory).
// The native calls are synchronous: add() works in slices so a bulk load yields to the event loop.
import { readFile, rename, writeFile } from 'node:fs/promises';
import usearch from 'usearch';
import {
  checkDim,
  checkSearch,
  FaceGalleryError,
  unitVector,
  type FaceGallery,
  type GalleryItem,
  type GalleryMatch,
  type SearchOptions,
} from './face-gallery.js';

export interface HnswGalleryOptions {
  dim: number;
  /** Graph degree M: more links, better recall, more memory and slower builds. Default 16. */
  connectivity?: number;
  /** Candidate list while inserting (efConstruction). Default 128. */
  expansionAdd?: number;
  /**
   * Candidate list while searching (ef). Default 512: at 1M clustered rows recall@1 against exact
   * was 0.985 at 128, 0.995 at 256 and 0.996 at 512 for enrolled people (0.89 / 0.965 / 0.995
   * for strangers), at p95 1.1 / 1.7 / 4.7 ms. Strangers are most of what cameras see.
   */
  expansionSearch?: number;
  /** Row storage: 'f32' (default) or 'f16' (half the memory). */
  storage?: 'f32' | 'f16';
  /** Native threads used to insert a batch. Default 2 (this machine's cores). */
  threads?: number;
}

/** Rows per native add() call: inserts cost ~0.8 ms each near 1M rows, so the event loop waits <1 s. */
const ADD_SLICE = 1_000;

interface Entry {
  id: string;
  subjectId: string;
}

export class HnswGallery implements FaceGallery {
  readonly dim: number;
  private index: InstanceType<typeof usearch.Index>;
  private readonly threads: number;
  /** usearch keys are integers: a counter, never reused, so a stale key can never name a new face. */
  private nextKey = 0;
  private readonly entries = new Map<number, Entry>();
  private readonly keyOf = new Map<string, number>();
  private readonly bySubject = new Map<string, Set<string>>();

  constructor(opts: HnswGalleryOptions) {
    this.dim = checkDim(opts.dim);
    this.threads = opts.threads ?? 2;
    this.index = new usearch.Index(this.config(opts));
  }

  private config(opts: HnswGalleryOptions) {
    return {
      dimensions: this.dim,
      // Rows are unit length, so inner product is cosine without usearch normalising again.
      metric: usearch.MetricKind.IP,
      quantization: opts.storage === 'f16' ? usearch.ScalarKind.F16 : usearch.ScalarKind.F32,
      connectivity: opts.connectivity ?? 16,
      expansion_add: opts.expansionAdd ?? 128,
      expansion_search: opts.expansionSearch ?? 512,
      multi: false,
    };
  }

  async add(items: GalleryItem[]): Promise<void> {
    const units = items.map((it) => unitVector(it.vector, this.dim, `vector of '${it.id}'`));
    const replaced = items.filter((it) => this.keyOf.has(it.id)).map((it) => it.id);
    if (replaced.length) await this.remove(replaced);
    // Within one call the last item with an id wins, as if added one after another.
    const last = new Map(items.map((it, i) => [it.id, i]));
    const chosen = items.map((_, i) => i).filter((i) => last.get(items[i].id) === i);
    for (let from = 0; from < chosen.length; from += ADD_SLICE) {
      const slice = chosen.slice(from, from + ADD_SLICE);
      const keys = new BigUint64Array(slice.length);
      const rows = new Float32Array(slice.length * this.dim);
      slice.forEach((i, j) => {
        const key = this.nextKey++;
        keys[j] = BigInt(key);
        rows.set(units[i], j * this.dim);
        this.remember(key, items[i]);
      });
      this.index.add(keys, rows, this.threads);
      if (from + ADD_SLICE < chosen.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private remember(key: number, item: Pick<GalleryItem, 'id' | 'subjectId'>): void {
    this.entries.set(key, { id: item.id, subjectId: item.subjectId });
    this.keyOf.set(item.id, key);
    let ids = this.bySubject.get(item.subjectId);
    if (!ids) this.bySubject.set(item.subjectId, (ids = new Set()));
    ids.add(item.id);
  }

  async remove(ids: string[]): Promise<void> {
    const keys: bigint[] = [];
    for (const id of ids) {
      const key = this.keyOf.get(id);
      if (key === undefined) continue;
      const entry = this.entries.get(key)!;
      const subject = this.bySubject.get(entry.subjectId);
      subject?.delete(id);
      if (subject?.size === 0) this.bySubject.delete(entry.subjectId);
      this.entries.delete(key);
      this.keyOf.delete(id);
      keys.push(BigInt(key));
    }
    if (keys.length) this.index.remove(BigUint64Array.from(keys));
  }

  async removeSubject(subjectId: string): Promise<void> {
    await this.remove([...(this.bySubject.get(subjectId) ?? [])]);
  }

  async search(vector: Float32Array, opts: SearchOptions): Promise<GalleryMatch[]> {
    checkSearch(opts);
    if (this.entries.size === 0) return [];
    const q = unitVector(vector, this.dim, 'query');
    const found = this.index.search(q, Math.min(opts.k, this.entries.size), 1);
    const out: GalleryMatch[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      const entry = this.entries.get(Number(found.keys[i]));
      // Inner-product "distance" is 1 - dot.
      const score = 1 - found.distances[i];
      if (!entry || (opts.threshold !== undefined && score < opts.threshold)) continue;
      out.push({ id: entry.id, subjectId: entry.subjectId, score });
    }
    return out;
  }

  size(): number {
    return this.entries.size;
  }

  /**
   * Writes the graph to `path` and the id map to `path.ids.json`. Building 1M rows took 7-14 min
   * here against seconds to load, so a process can start from a snapshot and rebuild only when
   * the snapshot is missing or stale (deciding staleness is the caller's: e.g. row count and a
   * change counter kept beside the table).
   */
  async save(path: string): Promise<void> {
    this.index.save(path);
    const entries = [...this.entries].map(([key, e]) => [key, e.id, e.subjectId]);
    // Written aside and renamed, so a crash mid-write never leaves a torn map beside a whole graph.
    await writeFile(`${path}.ids.json.tmp`, JSON.stringify({ dim: this.dim, nextKey: this.nextKey, entries }));
    await rename(`${path}.ids.json.tmp`, `${path}.ids.json`);
  }

  /** A gallery from a snapshot written by save(); search settings come from `opts`, not the file. */
  static async load(path: string, opts: HnswGalleryOptions): Promise<HnswGallery> {
    const g = new HnswGallery(opts);
    const meta = JSON.parse(await readFile(`${path}.ids.json`, 'utf8')) as {
      dim: number;
      nextKey: number;
      entries: [number, string, string][];
    };
    if (meta.dim !== g.dim)
      throw new FaceGalleryError(`face gallery: snapshot ${path} holds ${meta.dim}-d rows, expected ${g.dim}`);
    g.index.load(path);
    for (const [key, id, subjectId] of meta.entries) g.remember(key, { id, subjectId });
    g.nextKey = meta.nextKey;
    if (g.index.size() !== g.entries.size) {
      throw new FaceGalleryError(
        `face gallery: snapshot ${path} has ${g.index.size()} rows but ${g.entries.size} ids; rebuild it`,
      );
    }
    return g;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.keyOf.clear();
    this.bySubject.clear();
    // Dropping the reference lets the addon free the graph; a fresh empty index keeps calls safe.
    this.index = new usearch.Index(this.config({ dim: this.dim }));
  }
}
