// A gallery that keeps its rows in the database and answers searches from an in-process index rebuilt at start.
import type { PgvectorGallery } from './face-gallery-pgvector.js';
import {
  rebuildFrom,
  type FaceGallery,
  type GalleryItem,
  type GalleryMatch,
  type RebuildProgress,
  type SearchOptions,
} from './face-gallery.js';

/**
 * Writes go to the table first, then to the index: if the process dies in between, the row is
 * in the table and the next start indexes it; the reverse order could match a face that a
 * restart would forget. Searches never touch the database.
 */
export class DurableGallery implements FaceGallery {
  private constructor(
    readonly store: PgvectorGallery,
    readonly index: FaceGallery,
  ) {}

  /** Loads every stored row into `index` (which should start empty), reporting progress per batch. */
  static async open(
    store: PgvectorGallery,
    index: FaceGallery,
    onProgress?: (p: RebuildProgress) => void,
  ): Promise<DurableGallery> {
    await rebuildFrom(index, store.rows(), onProgress);
    return new DurableGallery(store, index);
  }

  get dim(): number {
    return this.index.dim;
  }

  async add(items: GalleryItem[]): Promise<void> {
    await this.store.add(items);
    await this.index.add(items);
  }

  async remove(ids: string[]): Promise<void> {
    await this.store.remove(ids);
    await this.index.remove(ids);
  }

  async removeSubject(subjectId: string): Promise<void> {
    await this.store.removeSubject(subjectId);
    await this.index.removeSubject(subjectId);
  }

  search(vector: Float32Array, opts: SearchOptions): Promise<GalleryMatch[]> {
    return this.index.search(vector, opts);
  }

  size(): number | Promise<number> {
    return this.index.size();
  }

  /** Releases the index; the database belongs to the caller. */
  close(): Promise<void> {
    return this.index.close();
  }
}
