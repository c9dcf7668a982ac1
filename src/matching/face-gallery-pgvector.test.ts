// pgvector gallery on an in-memory PGlite: same top-1 as exact, threshold, removal, row stream, detection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from '../store/db.js';
import { ExactGallery } from './face-gallery-exact.js';
import {
  faceGalleryMigration,
  FACE_GALLERY_MIGRATION,
  openPgliteWithVector,
  PgvectorGallery,
  PgvectorUnavailableError,
  pgvectorStatus,
} from './face-gallery-pgvector.js';
import { openFaceGallery } from './open-face-gallery.js';
import { SyntheticFaces } from '../../test/support/face-synthetic.js';

const faces = new SyntheticFaces({ dim: 128, seed: 5 });
const items = [...faces.gallery(2_000)].flat();
const probes = Array.from({ length: 50 }, (_, i) => faces.subjectImages(i * 5, 1, 1)[0].vector);

describe('PgvectorGallery on PGlite', () => {
  let db: Db;
  let exact: ExactGallery;

  beforeAll(async () => {
    db = await openPgliteWithVector();
    await db.exec(FACE_GALLERY_MIGRATION);
    exact = new ExactGallery({ dim: 128, precision: 'f32' });
    await exact.add(items);
  });
  afterAll(() => db.close());

  it('returns the same top-1 as exact search, with the same score', async () => {
    const g = await openFaceGallery({ backend: 'pgvector', dim: 128, db });
    await g.add(items);
    expect(await g.size()).toBe(items.length);
    // Bulk load, then index (as the benchmark does); later tests insert through the index.
    await (g as PgvectorGallery).createIndex('64MB');
    // At 2,000 rows the planner rightly prefers an exact sequential scan; this test is about the index.
    await db.exec('set enable_seqscan = off');
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `explain select id from face_gallery order by embedding <#> '[${probes[0].join(',')}]'::vector limit 3`,
    );
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('face_gallery_embedding_idx');
    for (const q of probes) {
      const [want] = await exact.search(q, { k: 1 });
      const got = await g.search(q, { k: 3 });
      expect(got).toHaveLength(3);
      expect(got[0].id).toBe(want.id);
      expect(got[0].subjectId).toBe(want.subjectId);
      expect(got[0].score).toBeCloseTo(want.score, 5);
    }
  });

  it('filters by threshold, removes items and subjects, replaces re-added ids', async () => {
    const g = await PgvectorGallery.open(db, { dim: 128 });
    const q = probes[3];
    const top = await g.search(q, { k: 5 });
    expect((await g.search(q, { k: 5, threshold: top[1].score - 1e-6 })).map((m) => m.id)).toEqual(
      top.slice(0, 2).map((m) => m.id),
    );

    await g.remove([top[0].id]);
    await g.removeSubject(top[1].subjectId);
    const gone = new Set(
      items.filter((it) => it.id === top[0].id || it.subjectId === top[1].subjectId).map((it) => it.id),
    );
    expect(await g.size()).toBe(items.length - gone.size);
    expect((await g.search(q, { k: 20 })).some((m) => gone.has(m.id))).toBe(false);

    await g.add([
      { id: items[9].id, subjectId: 'old', vector: probes[0] },
      { id: items[9].id, subjectId: 'moved', vector: q },
    ]);
    const [best] = await g.search(q, { k: 1 });
    expect(best).toMatchObject({ id: items[9].id, subjectId: 'moved' });
    expect(best.score).toBeCloseTo(1, 5);
  });

  it('streams every row back, so an in-process gallery rebuilt at open answers like the table', async () => {
    const store = await PgvectorGallery.open(db, { dim: 128 });
    const progress: number[] = [];
    const g = await openFaceGallery({
      backend: 'exact',
      dim: 128,
      persist: { db, onProgress: (p) => progress.push(p.loaded) },
    });
    expect(await g.size()).toBe(await store.size());
    expect(progress.at(-1)).toBe(await store.size());
    for (const q of probes.slice(0, 10)) {
      expect((await g.search(q, { k: 3 })).map((m) => m.id)).toEqual(
        (await store.search(q, { k: 3 })).map((m) => m.id),
      );
    }
    // Writes reach both: a second gallery opened afterwards sees them.
    await g.removeSubject(items[0].subjectId);
    await g.add([{ id: 'late', subjectId: 'late-subject', vector: probes[20] }]);
    const reopened = await openFaceGallery({ backend: 'hnsw', dim: 128, persist: { db } });
    expect(await reopened.size()).toBe(await g.size());
    expect((await reopened.search(probes[20], { k: 1 }))[0].id).toBe('late');
    expect((await reopened.search(items[0].vector, { k: 5 })).some((m) => m.subjectId === items[0].subjectId)).toBe(
      false,
    );
    await Promise.all([g.close(), reopened.close()]);
  });

  it('refuses a table of another width', async () => {
    await expect(PgvectorGallery.open(db, { dim: 512 })).rejects.toThrow(
      /holds 128-d embeddings, the embedder gives 512/,
    );
    expect(faceGalleryMigration(512)).toContain('vector(512)');
  });
});

describe('pgvector detection', () => {
  it('says how to load the extension into PGlite', async () => {
    const lite = new PGlite();
    const db = { kind: 'pglite', query: async (sql: string) => (await lite.query(sql)).rows } as unknown as Db;
    expect(await pgvectorStatus(db)).toMatchObject({
      available: false,
      reason: expect.stringMatching(/extensions: \{ vector \}/),
    });
    await expect(PgvectorGallery.open(db, { dim: 128 })).rejects.toThrow(PgvectorUnavailableError);
    await lite.close();
  });

  it('says PostgreSQL lacks pgvector when the server does not offer it', async () => {
    // Debian's PostgreSQL 15 here has no pgvector package: the server answers with no row.
    const db = { kind: 'postgres', query: async () => [] } as unknown as Db;
    const status = await pgvectorStatus(db);
    expect(status).toMatchObject({
      available: false,
      reason: expect.stringMatching(/PostgreSQL server has no pgvector/),
    });
  });
});
