// Exact face gallery: every row scored per query by a SIMD scan, float32 or int8 with float32 re-ranking.
//
// Rows live densely in one WebAssembly memory (removal moves the last row into the hole), so a
// scan is one pass over contiguous bytes. int8 rows are a quarter of float32's bytes and scan
// ~2x faster here; quantisation reorders near-ties, so the best `rerank` int8 candidates are
// re-scored against float32 copies kept outside the scan memory, which restores exact order.
import { createKernels, strideF32, strideI8, type ScanKernels } from './simd-kernels.js';
import {
  checkDim,
  checkSearch,
  FaceGalleryError,
  TopK,
  unitVector,
  type FaceGallery,
  type GalleryItem,
  type GalleryMatch,
  type SearchOptions,
} from './face-gallery.js';

export interface ExactGalleryOptions {
  dim: number;
  /** 'i8' (default): int8 scan + float32 re-rank; 'f32': float32 scan, no approximation at all. */
  precision?: 'f32' | 'i8';
  /** int8 candidates re-scored in float32 per query (at least k). Default 32. */
  rerank?: number;
  /** Rows to reserve at start; the memory doubles as needed. Default 1024. */
  initialCapacity?: number;
}

interface Layout {
  capacity: number;
  query: number;
  scores: number;
  scales: number;
  rows: number;
  bytes: number;
}

/** WebAssembly memory tops out at 4 GiB; rows past that need the hnsw back end. */
const MAX_BYTES = 4 * 2 ** 30 - 65536;

export class ExactGallery implements FaceGallery {
  readonly dim: number;
  readonly precision: 'f32' | 'i8';
  private readonly rerank: number;
  private readonly stride: number;
  private readonly rowBytes: number;
  private kernels: ScanKernels;
  private layout: Layout;
  /** float32 copies for re-ranking (int8 mode only), row-major, `dim` per row. */
  private exact: Float32Array;
  private count = 0;
  private readonly ids: string[] = [];
  private readonly subjects: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly bySubject = new Map<string, Set<string>>();

  constructor(opts: ExactGalleryOptions) {
    this.dim = checkDim(opts.dim);
    this.precision = opts.precision ?? 'i8';
    this.rerank = Math.max(1, opts.rerank ?? 32);
    this.stride = this.precision === 'i8' ? strideI8(this.dim) : strideF32(this.dim);
    this.rowBytes = this.precision === 'i8' ? this.stride : this.stride * 4;
    this.layout = this.layoutFor(Math.max(16, opts.initialCapacity ?? 1024));
    this.kernels = createKernels(this.layout.bytes);
    this.exact = new Float32Array(this.precision === 'i8' ? this.layout.capacity * this.dim : 0);
  }

  private layoutFor(capacity: number): Layout {
    const query = 0;
    const scores = this.stride * 4;
    const scales = scores + capacity * 4;
    const rows = scales + capacity * 4;
    const bytes = rows + capacity * this.rowBytes;
    if (bytes > MAX_BYTES)
      throw new FaceGalleryError(
        `face gallery: ${capacity} rows of ${this.dim} values exceed the exact back end's 4 GiB`,
      );
    return { capacity, query, scores, scales, rows, bytes };
  }

  private reserve(rows: number): void {
    if (rows <= this.layout.capacity) return;
    const old = this.layout;
    const next = this.layoutFor(Math.max(rows, old.capacity * 2));
    const mem = this.kernels.memory;
    if (next.bytes > mem.buffer.byteLength) mem.grow(Math.ceil((next.bytes - mem.buffer.byteLength) / 65536));
    const bytes = new Uint8Array(mem.buffer);
    // Rows move up first (they sit above the scales, which move up less): no overlap is lost.
    bytes.copyWithin(next.rows, old.rows, old.rows + this.count * this.rowBytes);
    bytes.copyWithin(next.scales, old.scales, old.scales + this.count * 4);
    this.layout = next;
    if (this.precision === 'i8') {
      const exact = new Float32Array(next.capacity * this.dim);
      exact.set(this.exact.subarray(0, this.count * this.dim));
      this.exact = exact;
    }
  }

  /** Writes a unit vector into row `slot` (int8: scaled so its largest value is 127). */
  private writeRow(slot: number, unit: Float32Array): void {
    const { buffer } = this.kernels.memory;
    if (this.precision === 'f32') {
      new Float32Array(buffer, this.layout.rows + slot * this.rowBytes, this.stride).set(unit);
      return;
    }
    this.exact.set(unit, slot * this.dim);
    new Float32Array(buffer, this.layout.scales, this.layout.capacity)[slot] = quantise(
      unit,
      new Int8Array(buffer, this.layout.rows + slot * this.rowBytes, this.stride),
    );
  }

  private copyRow(from: number, to: number): void {
    const bytes = new Uint8Array(this.kernels.memory.buffer);
    const { rows, scales } = this.layout;
    bytes.copyWithin(rows + to * this.rowBytes, rows + from * this.rowBytes, rows + (from + 1) * this.rowBytes);
    bytes.copyWithin(scales + to * 4, scales + from * 4, scales + from * 4 + 4);
    if (this.precision === 'i8') this.exact.copyWithin(to * this.dim, from * this.dim, (from + 1) * this.dim);
  }

  async add(items: GalleryItem[]): Promise<void> {
    const units = items.map((it) => unitVector(it.vector, this.dim, `vector of '${it.id}'`));
    this.reserve(this.count + items.length);
    items.forEach((it, i) => {
      let slot = this.slotOf.get(it.id);
      if (slot === undefined) {
        slot = this.count++;
        this.slotOf.set(it.id, slot);
        this.ids[slot] = it.id;
      } else {
        this.bySubject.get(this.subjects[slot])?.delete(it.id);
      }
      this.subjects[slot] = it.subjectId;
      let ids = this.bySubject.get(it.subjectId);
      if (!ids) this.bySubject.set(it.subjectId, (ids = new Set()));
      ids.add(it.id);
      this.writeRow(slot, units[i]);
    });
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      const subject = this.bySubject.get(this.subjects[slot]);
      subject?.delete(id);
      if (subject?.size === 0) this.bySubject.delete(this.subjects[slot]);
      this.slotOf.delete(id);
      const last = --this.count;
      if (slot !== last) {
        this.copyRow(last, slot);
        this.ids[slot] = this.ids[last];
        this.subjects[slot] = this.subjects[last];
        this.slotOf.set(this.ids[slot], slot);
      }
      this.ids.length = this.count;
      this.subjects.length = this.count;
    }
  }

  async removeSubject(subjectId: string): Promise<void> {
    await this.remove([...(this.bySubject.get(subjectId) ?? [])]);
  }

  async search(vector: Float32Array, opts: SearchOptions): Promise<GalleryMatch[]> {
    checkSearch(opts);
    const q = unitVector(vector, this.dim, 'query');
    const best = this.precision === 'f32' ? this.scanF32(q, opts.k) : this.scanI8(q, opts.k);
    const out: GalleryMatch[] = [];
    for (let i = 0; i < best.size; i++) {
      if (opts.threshold !== undefined && best.scores[i] < opts.threshold) break;
      out.push({ id: this.ids[best.indices[i]], subjectId: this.subjects[best.indices[i]], score: best.scores[i] });
    }
    return out;
  }

  private scanF32(q: Float32Array, k: number): TopK {
    const { buffer } = this.kernels.memory;
    const { query, rows, scores } = this.layout;
    new Float32Array(buffer, query, this.stride).fill(0).set(q);
    this.kernels.scanF32(query, rows, this.count, this.stride / 16, scores);
    return selectTop(new Float32Array(buffer, scores, this.count), Math.min(k, this.count));
  }

  private scanI8(q: Float32Array, k: number): TopK {
    const { buffer } = this.kernels.memory;
    const { query, rows, scales, scores } = this.layout;
    const qi = new Int8Array(buffer, query, this.stride).fill(0);
    quantise(q, qi);
    this.kernels.scanI8(query, rows, scales, this.count, this.stride / 32, scores);
    const candidates = selectTop(
      new Float32Array(buffer, scores, this.count),
      Math.min(Math.max(k, this.rerank), this.count),
    );
    const best = new TopK(Math.min(k, this.count));
    const d = this.dim;
    for (let c = 0; c < candidates.size; c++) {
      const at = candidates.indices[c] * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += q[j] * this.exact[at + j];
      best.push(candidates.indices[c], s);
    }
    return best;
  }

  size(): number {
    return this.count;
  }

  /** Bytes held: the scan memory (rows, scales, scores) plus float32 copies for re-ranking. */
  get bytes(): number {
    return this.kernels.memory.buffer.byteLength + this.exact.byteLength;
  }

  async close(): Promise<void> {
    this.count = 0;
    this.slotOf.clear();
    this.bySubject.clear();
    this.ids.length = this.subjects.length = 0;
    this.exact = new Float32Array(0);
    this.kernels = createKernels(0);
  }
}

/** Rounds `unit` to int8 with its largest magnitude at 127; returns the scale back to real values. */
function quantise(unit: Float32Array, out: Int8Array): number {
  let max = 0;
  for (let i = 0; i < unit.length; i++) max = Math.max(max, Math.abs(unit[i]));
  const scale = max > 0 ? 127 / max : 0;
  for (let i = 0; i < unit.length; i++) out[i] = Math.round(unit[i] * scale);
  return scale > 0 ? 1 / scale : 0;
}

function selectTop(scores: Float32Array, k: number): TopK {
  const top = new TopK(Math.max(1, k));
  if (k === 0) return top;
  for (let i = 0; i < scores.length; i++) if (scores[i] > top.floor) top.push(i, scores[i]);
  return top;
}
