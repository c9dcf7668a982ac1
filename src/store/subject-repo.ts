// Face watchlist subjects and their enrolled photos (image, source, embedding); the gallery is rebuilt from these rows.
import { randomUUID } from 'node:crypto';
import type { Box } from '../domain/frame.js';
import type { Subject, SubjectCategory, SubjectInput, SubjectPatch, SubjectPhoto } from '../domain/face-watchlist.js';
import type { GalleryItem } from '../domain/face-watchlist.js';
import type { Db } from './db.js';

interface SubjectRow {
  id: string;
  name: string;
  category: SubjectCategory;
  reason: string;
  reference: string | null;
  added_by: string;
  active: boolean;
  expires_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
  photos: number | string;
}

export interface PhotoInput {
  subjectId: string;
  source: string;
  image: Buffer;
  imageType: string;
  sha256: string;
  box: Box;
  quality: number;
  embedding: Float32Array;
  model: string;
  addedBy: string;
}

interface PhotoRow {
  id: string;
  subject_id: string;
  source: string;
  image_type: string;
  sha256: string;
  box: Box;
  quality: number;
  model: string;
  added_by: string;
  created_at: Date;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toSubject(r: SubjectRow): Subject {
  return {
    id: r.id,
    name: r.name,
    category: r.category,
    reason: r.reason,
    reference: r.reference ?? null,
    addedBy: r.added_by,
    active: r.active,
    expiresAt: iso(r.expires_at) as string,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    deletedAt: iso(r.deleted_at),
    photos: Number(r.photos),
  };
}

function toPhoto(r: PhotoRow): SubjectPhoto {
  return {
    id: r.id,
    subjectId: r.subject_id,
    source: r.source,
    imageType: r.image_type,
    sha256: r.sha256,
    box: r.box,
    quality: r.quality,
    model: r.model,
    addedBy: r.added_by,
    createdAt: new Date(r.created_at),
  };
}

const SELECT = `select s.*, (select count(*) from subject_photos p where p.subject_id = s.id) as photos from subjects s`;
const ROWS_BATCH = 1_000;
const LISTED = `s.deleted_at is null and ($1::text is null or s.category = $1) and ($2 or (s.active and s.expires_at > now()))`;

export interface SubjectFilter {
  category?: SubjectCategory;
  includeInactive?: boolean;
}

export class SubjectRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): SubjectRepo {
    return new SubjectRepo(db);
  }

  async create(input: SubjectInput, addedBy: string): Promise<Subject> {
    const id = randomUUID();
    await this.db.query(
      'insert into subjects (id, name, category, reason, reference, added_by, expires_at) values ($1,$2,$3,$4,$5,$6,$7)',
      [id, input.name, input.category, input.reason, input.reference ?? null, addedBy, input.expiresAt],
    );
    return (await this.get(id)) as Subject;
  }

  async get(id: string): Promise<Subject | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.query<SubjectRow>(`${SELECT} where s.id = $1`, [id]);
    return row ? toSubject(row) : null;
  }

  async list(f: SubjectFilter & { limit?: number; offset?: number } = {}): Promise<Subject[]> {
    const rows = await this.db.query<SubjectRow>(
      `${SELECT} where ${LISTED} order by s.created_at desc limit $3 offset $4`,
      [f.category ?? null, f.includeInactive ?? false, Math.min(f.limit ?? 100, 1000), f.offset ?? 0],
    );
    return rows.map(toSubject);
  }

  /** How many subjects the filter lists (the page's total). */
  async count(f: SubjectFilter = {}): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number | string }>(
      `select count(*) as n from subjects s where ${LISTED}`,
      [f.category ?? null, f.includeInactive ?? false],
    );
    return Number(n);
  }

  /** Every subject not deleted (live or not): the watchlist service keeps them in memory for matching. */
  async allKnown(): Promise<Subject[]> {
    return (await this.db.query<SubjectRow>(`${SELECT} where s.deleted_at is null`)).map(toSubject);
  }

  async update(id: string, patch: SubjectPatch): Promise<Subject | null> {
    const rows = await this.db.query(
      `update subjects set name = coalesce($2, name), category = coalesce($3, category), reason = coalesce($4, reason),
         reference = coalesce($5, reference), expires_at = coalesce($6::timestamptz, expires_at), active = coalesce($7, active), updated_at = now()
       where id = $1 and deleted_at is null returning id`,
      [
        id,
        patch.name ?? null,
        patch.category ?? null,
        patch.reason ?? null,
        patch.reference ?? null,
        patch.expiresAt ?? null,
        patch.active ?? null,
      ],
    );
    return rows.length ? this.get(id) : null;
  }

  /**
   * Removes the subject's photos and embeddings; the row itself goes too unless alerts point at it,
   * in which case it stays as a tombstone (no photos, inactive) so those alerts still say who it was.
   */
  async delete(id: string, by: string): Promise<{ photos: number; tombstone: boolean } | null> {
    return this.db.tx(async (t) => {
      const [exists] = await t.query<{ id: string }>(
        'select id from subjects where id = $1 and deleted_at is null for update',
        [id],
      );
      if (!exists) return null;
      const photos = (await t.query('delete from subject_photos where subject_id = $1 returning id', [id])).length;
      const [{ n }] = await t.query<{ n: number | string }>('select count(*) as n from alerts where subject_id = $1', [
        id,
      ]);
      const tombstone = Number(n) > 0;
      if (tombstone)
        await t.query(
          'update subjects set active = false, deleted_at = now(), deleted_by = $2, updated_at = now() where id = $1',
          [id, by],
        );
      else await t.query('delete from subjects where id = $1', [id]);
      return { photos, tombstone };
    });
  }

  async addPhoto(p: PhotoInput): Promise<{ id: string; duplicate: boolean }> {
    const id = randomUUID();
    const rows = await this.db.query<{ id: string }>(
      `insert into subject_photos (id, subject_id, source, image, image_type, sha256, box, quality, embedding, model, added_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) on conflict (subject_id, sha256) do nothing returning id`,
      [
        id,
        p.subjectId,
        p.source,
        p.image,
        p.imageType,
        p.sha256,
        JSON.stringify(p.box),
        p.quality,
        Array.from(p.embedding),
        p.model,
        p.addedBy,
      ],
    );
    if (rows.length) return { id, duplicate: false };
    const [existing] = await this.db.query<{ id: string }>(
      'select id from subject_photos where subject_id = $1 and sha256 = $2',
      [p.subjectId, p.sha256],
    );
    return { id: existing.id, duplicate: true };
  }

  async photos(subjectId: string): Promise<SubjectPhoto[]> {
    const rows = await this.db.query<PhotoRow>(
      'select id, subject_id, source, image_type, sha256, box, quality, model, added_by, created_at from subject_photos where subject_id = $1 order by created_at',
      [subjectId],
    );
    return rows.map(toPhoto);
  }

  async photoImage(subjectId: string, photoId: string): Promise<{ image: Buffer; type: string } | null> {
    if (!isUuid(subjectId) || !isUuid(photoId)) return null;
    const [row] = await this.db.query<{ image: Uint8Array; image_type: string }>(
      'select image, image_type from subject_photos where id = $1 and subject_id = $2',
      [photoId, subjectId],
    );
    return row ? { image: Buffer.from(row.image), type: row.image_type } : null;
  }

  async deletePhoto(subjectId: string, photoId: string): Promise<boolean> {
    if (!isUuid(subjectId) || !isUuid(photoId)) return false;
    return (
      (
        await this.db.query('delete from subject_photos where id = $1 and subject_id = $2 returning id', [
          photoId,
          subjectId,
        ])
      ).length > 0
    );
  }

  /** Embeddings of one model, batch by batch, for rebuilding the in-process gallery (keyset paging). */
  async *galleryRows(model: string): AsyncIterable<GalleryItem[]> {
    for (let after = ''; ;) {
      const rows = await this.db.query<{ id: string; subject_id: string; embedding: number[] }>(
        `select p.id::text as id, p.subject_id, p.embedding from subject_photos p join subjects s on s.id = p.subject_id
         where p.model = $1 and s.deleted_at is null and p.id::text > $2 order by p.id::text limit $3`,
        [model, after, ROWS_BATCH],
      );
      if (!rows.length) return;
      yield rows.map((r) => ({ id: r.id, subjectId: r.subject_id, vector: Float32Array.from(r.embedding) }));
      after = rows[rows.length - 1].id;
    }
  }

  /** One subject's embeddings of one model (a change made by another process is applied from these). */
  async photoEmbeddings(subjectId: string, model: string): Promise<GalleryItem[]> {
    const rows = await this.db.query<{ id: string; embedding: number[] }>(
      'select id::text as id, embedding from subject_photos where subject_id = $1 and model = $2',
      [subjectId, model],
    );
    return rows.map((r) => ({ id: r.id, subjectId, vector: Float32Array.from(r.embedding) }));
  }

  /** Live subjects and the hashes of their photos, sorted: what an authorisation freezes at its start. */
  async liveSnapshot(): Promise<{ id: string; photos: string[] }[]> {
    const rows = await this.db.query<{ id: string; photos: string[] | null }>(
      `select s.id::text as id, array_agg(p.sha256 order by p.sha256) filter (where p.id is not null) as photos
       from subjects s left join subject_photos p on p.subject_id = s.id
       where s.deleted_at is null and s.active and s.expires_at > now() group by s.id order by s.id::text`,
    );
    return rows.map((r) => ({ id: r.id, photos: r.photos ?? [] }));
  }

  /** Up to `limit` photos stamped with another model than `model`, after photo id `after` (keyset paging): what re-embedding reads. */
  async stalePhotos(
    model: string,
    after: string,
    limit: number,
  ): Promise<{ id: string; subjectId: string; image: Buffer }[]> {
    const rows = await this.db.query<{ id: string; subject_id: string; image: Uint8Array }>(
      'select id::text as id, subject_id, image from subject_photos where model <> $1 and id::text > $2 order by id::text limit $3',
      [model, after, limit],
    );
    return rows.map((r) => ({ id: r.id, subjectId: r.subject_id, image: Buffer.from(r.image) }));
  }

  /** A photo's new embedding, face box and quality under `model`; false if it already had that model (another process did it). */
  async reembedPhoto(
    id: string,
    p: { embedding: Float32Array; model: string; box: number[]; quality: number },
  ): Promise<boolean> {
    const rows = await this.db.query(
      'update subject_photos set embedding = $2, model = $3, box = $4, quality = $5 where id = $1 and model <> $3 returning id',
      [id, Array.from(p.embedding), p.model, JSON.stringify(p.box), p.quality],
    );
    return rows.length > 0;
  }

  /** Photos enrolled with another model than `model`: they do not match until enrolled again. */
  async staleModelCount(model: string): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number | string }>(
      'select count(*) as n from subject_photos where model <> $1',
      [model],
    );
    return Number(n);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID_RE.test(v);
