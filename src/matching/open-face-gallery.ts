// Opens the configured face gallery back end (face-gallery.ts describes them); each is imported only when chosen.
import type { FaceGallery, GalleryConfig } from './face-gallery.js';

/**
 * Opens the configured back end; each is imported only when chosen (hnsw loads a native addon).
 * The recommended default at watchlist scale is `{ backend: 'hnsw', dim: 128, persist: { db } }`.
 */
export async function openFaceGallery(config: GalleryConfig): Promise<FaceGallery> {
  if (config.backend === 'pgvector') {
    return (await import('./face-gallery-pgvector.js')).PgvectorGallery.open(config.db, config);
  }
  const index =
    config.backend === 'exact'
      ? new (await import('./face-gallery-exact.js')).ExactGallery(config)
      : new (await import('./face-gallery-hnsw.js')).HnswGallery(config);
  if (!config.persist) return index;
  const store = await (
    await import('./face-gallery-pgvector.js')
  ).PgvectorGallery.open(config.persist.db, { dim: config.dim });
  return (await import('./face-gallery-durable.js')).DurableGallery.open(store, index, config.persist.onProgress);
}
