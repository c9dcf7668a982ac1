// Sightings of tracked objects: stored when a track ends, searched by class, camera and time.
import type { Db } from './db.js';
import type { SearchArea } from '../domain/search-area.js';
import type { NewSighting, Sighting } from '../domain/sighting.js';
import { narrowCameras } from './area.js';

interface Row {
  id: string;
  camera_id: string;
  label: string;
  first_seen: Date;
  last_seen: Date;
  box: number[];
  score: number;
  plate: string | null;
  has_crop: boolean;
  vehicle_colour: string | null;
}

function toSighting(r: Row): Sighting {
  return {
    id: r.id,
    cameraId: r.camera_id,
    label: r.label,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    box: r.box,
    score: r.score,
    plate: r.plate,
    hasCrop: r.has_crop,
    vehicleColour: r.vehicle_colour,
  };
}

export interface SightingQuery {
  labels?: string[];
  cameraIds?: string[];
  /** Sightings by the cameras inside this circle or box (within cameraIds when both are given). */
  area?: SearchArea;
  from?: Date;
  to?: Date;
  plate?: string;
  vehicleColour?: string;
  limit?: number;
  offset?: number;
}

const columns =
  'id, camera_id, label, first_seen, last_seen, box, score, plate, crop is not null as has_crop, vehicle_colour';

export class SightingRepo {
  constructor(private readonly db: Db) {}

  /** Idempotent: a retried job finds the row it wrote. */
  async insert(s: NewSighting): Promise<void> {
    await this.db.query(
      `insert into sightings (id, camera_id, label, first_seen, last_seen, box, score, plate, crop, vehicle_colour)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) on conflict (id) do nothing`,
      [
        s.id,
        s.cameraId,
        s.label,
        s.firstSeen.toISOString(),
        s.lastSeen.toISOString(),
        JSON.stringify(s.box),
        s.score,
        s.plate,
        s.crop ? Buffer.from(s.crop) : null,
        s.vehicleColour ?? null,
      ],
    );
  }

  /** Newest first, paged by offset and limit. */
  async search(q: SightingQuery): Promise<Sighting[]> {
    return (await this.page(q, 0)).rows;
  }

  /** A page and how many sightings match in all, counted up to `cap` (then `exact` is false; 0: not counted). */
  async page(q: SightingQuery, cap: number): Promise<{ rows: Sighting[]; total: number; exact: boolean }> {
    const cameraIds = await narrowCameras(this.db, q.cameraIds, q.area);
    if (cameraIds && !cameraIds.length) return { rows: [], total: 0, exact: true };
    const where = `where ($1::text[] is null or label = any($1)) and ($2::text[] is null or camera_id = any($2))
         and ($3::timestamptz is null or first_seen >= $3) and ($4::timestamptz is null or first_seen < $4)
         and ($5::text is null or plate = $5) and ($6::text is null or vehicle_colour = $6)`;
    const params = [
      q.labels ?? null,
      cameraIds ?? null,
      q.from?.toISOString() ?? null,
      q.to?.toISOString() ?? null,
      q.plate ?? null,
      q.vehicleColour ?? null,
    ];
    const rows = await this.db.query<Row>(
      `select ${columns} from sightings ${where} order by first_seen desc, id desc limit $7 offset $8`,
      [...params, Math.min(q.limit ?? 50, 500), q.offset ?? 0],
    );
    if (cap <= 0) return { rows: rows.map(toSighting), total: rows.length, exact: false };
    const [{ n }] = await this.db.query<{ n: string | number }>(
      `select count(*) as n from (select 1 from sightings ${where} limit $7) capped`,
      [...params, cap + 1],
    );
    return { rows: rows.map(toSighting), total: Math.min(Number(n), cap), exact: Number(n) <= cap };
  }

  async crop(id: string): Promise<Buffer | null> {
    const [row] = await this.db.query<{ crop: Uint8Array | null }>('select crop from sightings where id = $1', [id]);
    return row?.crop ? Buffer.from(row.crop) : null;
  }
}
