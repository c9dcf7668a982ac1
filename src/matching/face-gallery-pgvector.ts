// Face gallery in the database with pgvector (PGlite + @electric-sql/pglite-pgvector, or PostgreSQL): migration, search, row stream.
//
// The table is the gallery's durable copy: enrolment writes here, and the in-process back ends
// are rebuilt from `rows()` at start. Searching it directly suits small galleries or several
// nodes sharing one PostgreSQL; inside PGlite (single-threaded WebAssembly) it is the slowest
// back end measured. Without createIndex() a search is an exact sequential scan.
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Db } from '../store/db.js';
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

/**
 * The table for `dim`-wide embeddings. The lead files FACE_GALLERY_MIGRATION (128-d, face-api's
 * recognition net) under src/store/migrations; another embedder needs a new migration, as pgvector
 * fixes the width in the column type. The vector index is left out on purpose: in the embedded
 * default the table is the durable copy and searches go to the in-process index, while an HNSW
 * index in PGlite costs ~6 ms per enrolled row and minutes to build at 100k (bench/gallery).
 * Deployments that search in the database add it with createIndex().
 */
export function faceGalleryMigration(dim = 128): string {
  checkDim(dim);
  return `-- Face watchlist gallery: one row per enrolled face image (the durable copy of the face index).
create extension if not exists vector;

create table face_gallery (
  id text primary key,
  subject_id text not null,
  embedding vector(${dim}) not null,
  created_at timestamptz not null default now()
);

create index face_gallery_subject_idx on face_gallery (subject_id);
`;
}

export const FACE_GALLERY_MIGRATION = faceGalleryMigration(128);

/** Rows are unit length, so inner product orders like cosine without normalising every row again. */
export const FACE_GALLERY_HNSW_INDEX =
  'create index if not exists face_gallery_embedding_idx on face_gallery using hnsw (embedding vector_ip_ops) with (m = 16, ef_construction = 64)';

export class PgvectorUnavailableError extends FaceGalleryError {
  override name = 'PgvectorUnavailableError';
}

/**
 * Whether this database can hold vectors, with the reason if not. Debian's PostgreSQL 15 on
 * this machine has no pgvector package, so on PostgreSQL this is usually the first thing to fail.
 */
export async function pgvectorStatus(
  db: Db,
): Promise<{ available: true; version: string | null } | { available: false; reason: string }> {
  const [row] = await db.query<{ version: string | null; installed: string | null }>(
    `select default_version as version, installed_version as installed from pg_available_extensions where name = 'vector'`,
  );
  if (row) return { available: true, version: row.installed ?? row.version };
  return {
    available: false,
    reason:
      db.kind === 'pglite'
        ? "PGlite was opened without pgvector: pass extensions: { vector } from '@electric-sql/pglite-pgvector' when creating it"
        : "this PostgreSQL server has no pgvector ('vector' is not in pg_available_extensions): install the extension for its major version (e.g. postgresql-15-pgvector) or use the embedded database",
  };
}

/**
 * An in-memory or on-disk PGlite with pgvector loaded, behind the Db interface. openDb() does not
 * load extensions yet; until it does, tests, the benchmark and a gallery-only process use this.
 */
export async function openPgliteWithVector(dataDir?: string): Promise<Db> {
  const lite = new PGlite({ dataDir, extensions: { vector } });
  await lite.waitReady;
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>) => ({
    kind: 'pglite' as const,
    query: async <T>(sql: string, params: unknown[] = []) => (await q.query<T>(sql, params)).rows,
    exec: async (sql: string) => void (await q.exec(sql)),
  });
  const db: Db = {
    ...wrap(lite),
    tx: (fn) => lite.transaction((t) => fn({ ...wrap(t), tx: (inner) => inner(db), close: async () => {} })),
    close: () => lite.close(),
  };
  return db;
}

export interface PgvectorGalleryOptions {
  dim: number;
  /** HNSW candidate list per query (pgvector's hnsw.ef_search, default 40 there). Default 100. */
  efSearch?: number;
}

/** Rows per insert statement: large enough to amortise a round trip, small enough for one message. */
const INSERT_BATCH = 1_000;

const literal = (v: Float32Array) => `[${Array.prototype.join.call(v, ',')}]`;

export class PgvectorGallery implements FaceGallery {
  private constructor(
    private readonly db: Db,
    readonly dim: number,
    private readonly efSearch: number,
  ) {}

  /** Checks pgvector and the table's width; the gallery does not own (or close) the database. */
  static async open(db: Db, opts: PgvectorGalleryOptions): Promise<PgvectorGallery> {
    const dim = checkDim(opts.dim);
    const status = await pgvectorStatus(db);
    if (!status.available) throw new PgvectorUnavailableError(`face gallery: ${status.reason}`);
    const [col] = await db.query<{ width: number }>(
      `select atttypmod as width from pg_attribute where attrelid = to_regclass('face_gallery') and attname = 'embedding'`,
    );
    if (!col)
      throw new FaceGalleryError('face gallery: table face_gallery is missing; apply FACE_GALLERY_MIGRATION first');
    if (col.width !== dim)
      throw new FaceGalleryError(`face gallery: table holds ${col.width}-d embeddings, the embedder gives ${dim}`);
    const efSearch = Math.max(1, Math.round(opts.efSearch ?? 100));
    if (db.kind === 'pglite') await db.exec(`set hnsw.ef_search = ${efSearch}`);
    return new PgvectorGallery(db, dim, efSearch);
  }

  /**
   * Builds the HNSW index, for deployments that search the database itself. The graph must fit
   * maintenance_work_mem (64 MB by default, ~80 MB per 100k rows here) or pgvector builds it far slower.
   */
  async createIndex(maintenanceWorkMem = '1GB'): Promise<void> {
    if (!/^\d+\s*[kMG]B$/.test(maintenanceWorkMem))
      throw new FaceGalleryError(`face gallery: bad maintenance_work_mem '${maintenanceWorkMem}'`);
    await this.db.tx(async (t) => {
      await t.exec(`set local maintenance_work_mem = '${maintenanceWorkMem}'`);
      await t.exec(FACE_GALLERY_HNSW_INDEX);
    });
  }

  async add(items: GalleryItem[]): Promise<void> {
    // One statement may not update a row twice: the last item with an id wins, as in the other back ends.
    const byId = new Map(items.map((it) => [it.id, it]));
    const unique = [...byId.values()];
    const rows = unique.map((it) => ({
      ...it,
      text: literal(unitVector(it.vector, this.dim, `vector of '${it.id}'`)),
    }));
    await this.db.tx(async (t) => {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const batch = rows.slice(i, i + INSERT_BATCH);
        // Vectors travel as text[] and are cast per row: PGlite does not quote '[..]' inside a vector[] parameter.
        await t.query(
          `insert into face_gallery (id, subject_id, embedding)
           select id, subject_id, embedding::vector from unnest($1::text[], $2::text[], $3::text[]) as u(id, subject_id, embedding)
           on conflict (id) do update set subject_id = excluded.subject_id, embedding = excluded.embedding`,
          [batch.map((r) => r.id), batch.map((r) => r.subjectId), batch.map((r) => r.text)],
        );
      }
    });
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length) await this.db.query('delete from face_gallery where id = any($1::text[])', [ids]);
  }

  async removeSubject(subjectId: string): Promise<void> {
    await this.db.query('delete from face_gallery where subject_id = $1', [subjectId]);
  }

  async search(vectorIn: Float32Array, opts: SearchOptions): Promise<GalleryMatch[]> {
    checkSearch(opts);
    const q = literal(unitVector(vectorIn, this.dim, 'query'));
    const sql = `select id, subject_id, -(embedding <#> $1::vector) as score from face_gallery order by embedding <#> $1::vector limit $2`;
    type Row = { id: string; subject_id: string; score: number };
    // PGlite is one connection, so open() set ef_search for the session and a plain query will do;
    // PostgreSQL pools hand out different connections, so there it is set per transaction. Either
    // way ef_search must cover k, or the index returns fewer rows than asked for.
    const rows =
      this.db.kind === 'pglite' && opts.k <= this.efSearch
        ? await this.db.query<Row>(sql, [q, opts.k])
        : await this.db.tx(async (t) => {
            await t.exec(`set local hnsw.ef_search = ${Math.max(this.efSearch, opts.k)}`);
            return t.query<Row>(sql, [q, opts.k]);
          });
    return rows
      .filter((r) => opts.threshold === undefined || r.score >= opts.threshold)
      .map((r) => ({ id: r.id, subjectId: r.subject_id, score: Number(r.score) }));
  }

  async size(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('select count(*)::int as n from face_gallery');
    return row.n;
  }

  /**
   * Every row, in id order, `batch` at a time: feed to rebuildFrom() to load an in-process gallery.
   * Keyset paging (id > last) keeps each page an index range scan however deep the stream is.
   */
  async *rows(batch = 5_000): AsyncGenerator<GalleryItem[]> {
    let after = '';
    for (;;) {
      const page = await this.db.query<{ id: string; subject_id: string; embedding: number[] | string }>(
        'select id, subject_id, embedding::real[] as embedding from face_gallery where id > $1 order by id limit $2',
        [after, batch],
      );
      if (page.length === 0) return;
      yield page.map((r) => ({
        id: r.id,
        subjectId: r.subject_id,
        vector: Float32Array.from(
          typeof r.embedding === 'string' ? (JSON.parse(`[${r.embedding.slice(1, -1)}]`) as number[]) : r.embedding,
        ),
      }));
      after = page[page.length - 1].id;
      if (page.length < batch) return;
    }
  }

  /** The database belongs to the caller; nothing to release here. */
  async close(): Promise<void> {}
}
