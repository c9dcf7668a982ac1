// Face sightings kept under an authorisation: matched ones with their alert, unmatched ones until they expire.
import type { FaceSighting } from '../domain/face-sighting.js';
import type { Box } from '../domain/frame.js';
import type { SearchArea } from '../domain/search-area.js';
import { narrowCameras } from './area.js';
import type { Db } from './db.js';
import { isUuid } from './subject-repo.js';

export interface FaceSightingInput {
  id: string;
  cameraId: string;
  authorisationId: string;
  firstSeen: number;
  lastSeen: number;
  capturedAt: number;
  box: Box;
  quality: number;
  frames: number;
  embedding: Float32Array;
  crop: Buffer | null;
  matched: boolean;
  /** Epoch ms after which the purge removes it; null keeps it (matched, with its alert). */
  expiresAt: number | null;
}

interface MetaRow {
  id: string;
  camera_id: string;
  authorisation_id: string;
  first_seen: Date;
  last_seen: Date;
  box: Box;
  quality: number;
  frames: number;
  matched: boolean;
  expires_at: Date | null;
  has_crop: boolean;
}

export interface FaceSightingFilter {
  cameraIds?: string[];
  /** Faces seen by the cameras inside this circle or box (within cameraIds when both are given). */
  area?: SearchArea;
  from?: Date;
  to?: Date;
}

const META =
  'id, camera_id, authorisation_id, first_seen, last_seen, box, quality, frames, matched, expires_at, crop is not null as has_crop';
function toSighting(r: MetaRow): FaceSighting {
  return {
    id: r.id,
    cameraId: r.camera_id,
    authorisationId: r.authorisation_id,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    box: r.box,
    quality: r.quality,
    frames: r.frames,
    matched: r.matched,
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    hasCrop: r.has_crop,
  };
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class FaceSightingRepo {
  constructor(private readonly db: Db) {}

  /**
   * Writes the track's latest version (an older version arriving late changes no data). A sighting
   * once matched stays matched and kept: a later frame can add a match but never withdraw the
   * evidence behind an alert.
   */
  async upsert(s: FaceSightingInput): Promise<void> {
    await this.db.query(
      `insert into face_sightings (id, camera_id, authorisation_id, first_seen, last_seen, captured_at, box, quality, frames, embedding, crop, matched, expires_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
       on conflict (id) do update set last_seen = excluded.last_seen, captured_at = excluded.captured_at, box = excluded.box,
         quality = excluded.quality, frames = excluded.frames, embedding = excluded.embedding, crop = coalesce(excluded.crop, face_sightings.crop),
         matched = face_sightings.matched or excluded.matched,
         expires_at = case when face_sightings.matched or excluded.matched then null else excluded.expires_at end
       where face_sightings.last_seen <= excluded.last_seen`,
      [
        s.id,
        s.cameraId,
        s.authorisationId,
        ts(s.firstSeen),
        ts(s.lastSeen),
        ts(s.capturedAt),
        JSON.stringify(s.box),
        s.quality,
        s.frames,
        Array.from(s.embedding),
        s.crop,
        s.matched,
        ts(s.expiresAt),
      ],
    );
    if (s.matched)
      await this.db.query('update face_sightings set matched = true, expires_at = null where id = $1 and not matched', [
        s.id,
      ]);
  }

  async get(id: string): Promise<FaceSighting | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.query<MetaRow>(`select ${META} from face_sightings where id = $1`, [id]);
    return row ? toSighting(row) : null;
  }

  async crop(id: string): Promise<Buffer | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.query<{ crop: Uint8Array | null }>('select crop from face_sightings where id = $1', [
      id,
    ]);
    return row?.crop ? Buffer.from(row.crop) : null;
  }

  /** Removes an unmatched sighting at once (no retention window): a matched one is never removed here. */
  async deleteUnmatched(id: string): Promise<boolean> {
    return (
      (await this.db.query('delete from face_sightings where id = $1 and not matched returning id', [id])).length > 0
    );
  }

  /** Stored embeddings within the filter, batch by batch (keyset paging), for a retrospective search. */
  async *embeddings(f: FaceSightingFilter, batch = 2_000): AsyncIterable<{ id: string; embedding: Float32Array }[]> {
    const cameraIds = await narrowCameras(this.db, f.cameraIds, f.area);
    if (cameraIds && !cameraIds.length) return;
    for (let after = ''; ;) {
      const rows = await this.db.query<{ id: string; embedding: number[] }>(
        `select id::text as id, embedding from face_sightings
         where ($1::text[] is null or camera_id = any($1)) and ($2::timestamptz is null or first_seen >= $2)
           and ($3::timestamptz is null or first_seen < $3) and (expires_at is null or expires_at > now()) and id::text > $4
         order by id::text limit $5`,
        [cameraIds ?? null, f.from?.toISOString() ?? null, f.to?.toISOString() ?? null, after, batch],
      );
      if (!rows.length) return;
      yield rows.map((r) => ({ id: r.id, embedding: Float32Array.from(r.embedding) }));
      after = rows[rows.length - 1].id;
    }
  }

  async metas(ids: string[]): Promise<FaceSighting[]> {
    if (!ids.length) return [];
    return (await this.db.query<MetaRow>(`select ${META} from face_sightings where id = any($1::uuid[])`, [ids])).map(
      toSighting,
    );
  }

  /**
   * Deletes unmatched sightings past their expiry (never one an alert points at) and returns how
   * many, with the oldest expiry among them for the audit entry.
   */
  async purgeExpired(now: Date): Promise<{ deleted: number; oldest: string | null }> {
    const rows = await this.db.query<{ expires_at: Date }>(
      `delete from face_sightings f where not f.matched and f.expires_at <= $1
         and not exists (select 1 from alerts a where a.face_sighting_id = f.id)
       returning expires_at`,
      [now.toISOString()],
    );
    const oldest = rows.reduce<Date | null>(
      (m, r) => (m === null || new Date(r.expires_at) < m ? new Date(r.expires_at) : m),
      null,
    );
    return { deleted: rows.length, oldest: oldest?.toISOString() ?? null };
  }

  async counts(): Promise<{ matched: number; unmatched: number }> {
    const [row] = await this.db.query<{ matched: string | number; unmatched: string | number }>(
      'select count(*) filter (where matched) as matched, count(*) filter (where not matched) as unmatched from face_sightings',
    );
    return { matched: Number(row.matched), unmatched: Number(row.unmatched) };
  }
}
