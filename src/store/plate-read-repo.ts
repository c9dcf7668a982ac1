// Plate reads (one row per vehicle pass): upserted as a pass improves, searched by investigators.
import type { Db } from './db.js';
import type { PlateReadEvent } from '../queues/payloads.js';
import { canonicalForm } from '../matching/ocr-equivalence.js';

export interface PlateReadRow {
  id: string;
  camera_id: string;
  plate: string;
  confidence: number;
  format: string;
  first_seen: Date;
  last_seen: Date;
  captured_at: Date;
  read_count: number;
  box: number[];
  has_crop: boolean;
}

export type PlateMatchMode = 'exact' | 'fuzzy' | 'partial';

export interface PlateReadQuery {
  plate?: string;
  mode?: PlateMatchMode;
  cameraIds?: string[];
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

const columns = 'id, camera_id, plate, confidence, format, first_seen, last_seen, captured_at, read_count, box, crop is not null as has_crop';

/**
 * Partial search: the known part may sit anywhere in the plate (`A1?3` finds 京A12345);
 * `?` stands for one character, `*` for any run.
 */
export function likePattern(q: string): string {
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  return `%${escaped.replace(/\?/g, '_').replace(/\*/g, '%')}%`;
}

export class PlateReadRepo {
  constructor(private readonly db: Db) {}

  /** Inserts the pass, or updates it when a later event of the same pass arrives; returns true when new. */
  async upsert(e: PlateReadEvent): Promise<boolean> {
    const crop = e.cropJpeg ? Buffer.from(e.cropJpeg, 'base64') : null;
    const [row] = await this.db.query<{ inserted: boolean }>(
      `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, read_count, box, crop)
       values ($1,$2,$3,$4,$5,$6,to_timestamp($7/1000.0),to_timestamp($8/1000.0),to_timestamp($9/1000.0),$10,$11,$12)
       on conflict (id) do update set plate = excluded.plate, plate_canonical = excluded.plate_canonical,
         confidence = excluded.confidence, format = excluded.format, last_seen = excluded.last_seen,
         read_count = excluded.read_count, box = excluded.box, crop = coalesce(excluded.crop, plate_reads.crop)
       returning (xmax = 0) as inserted`,
      [e.eventId, e.cameraId, e.plate, canonicalForm(e.plate), e.confidence, e.format, e.firstSeen, e.lastSeen, e.capturedAt, e.readCount, JSON.stringify(e.box), crop],
    );
    return row.inserted;
  }

  async get(id: string): Promise<PlateReadRow | null> {
    const [row] = await this.db.query<PlateReadRow>(`select ${columns} from plate_reads where id = $1`, [id]);
    return row ?? null;
  }

  async crop(id: string): Promise<Buffer | null> {
    const [row] = await this.db.query<{ crop: Uint8Array | null }>('select crop from plate_reads where id = $1', [id]);
    return row?.crop ? Buffer.from(row.crop) : null;
  }

  async search(q: PlateReadQuery): Promise<PlateReadRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.plate) {
      const mode = q.mode ?? 'exact';
      if (mode === 'exact') add('plate = ?', q.plate);
      else if (mode === 'fuzzy') add('plate_canonical = ?', canonicalForm(q.plate));
      else add('plate like ?', likePattern(q.plate));
    }
    if (q.cameraIds?.length) add('camera_id = any(?)', q.cameraIds);
    if (q.from) add('first_seen >= ?', q.from.toISOString());
    if (q.to) add('first_seen < ?', q.to.toISOString());
    params.push(Math.min(q.limit ?? 50, 500), q.offset ?? 0);
    const sql = `select ${columns} from plate_reads ${where.length ? `where ${where.join(' and ')}` : ''}
      order by first_seen desc limit $${params.length - 1} offset $${params.length}`;
    return this.db.query<PlateReadRow>(sql, params);
  }
}
