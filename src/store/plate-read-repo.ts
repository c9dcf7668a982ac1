// Plate reads (one row per vehicle pass): upserted as a pass improves, searched by investigators.
import { BadInputError } from '../lib/errors.js';
import type { Db } from './db.js';
import type { DirectionFilter, SearchArea } from '../domain/search-area.js';
import type { NewPlateRead, PlateMatchMode, PlateMotion, PlateRead } from '../domain/plate-read.js';
import type { VehicleDescription } from '../domain/vehicle-attributes.js';
import { canonicalForm } from '../domain/ocr-equivalence.js';
import { narrowCameras } from './area.js';

interface Row {
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
  motion: PlateMotion | null;
  direction: number | null;
  plate_colour: string | null;
  vehicle_type: string | null;
  vehicle_colour: string | null;
}

function toRead(r: Row): PlateRead {
  return {
    id: r.id,
    cameraId: r.camera_id,
    plate: r.plate,
    confidence: r.confidence,
    format: r.format,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    capturedAt: new Date(r.captured_at),
    readCount: r.read_count,
    box: r.box,
    hasCrop: r.has_crop,
    motion: r.motion,
    direction: r.direction,
    plateColour: r.plate_colour,
    vehicleType: r.vehicle_type,
    vehicleColour: r.vehicle_colour,
  };
}

export type { PlateMatchMode };

export interface PlateReadQuery {
  plate?: string;
  mode?: PlateMatchMode;
  cameraIds?: string[];
  /** Reads by the cameras inside this circle or box (within cameraIds when both are given). */
  area?: SearchArea;
  direction?: DirectionFilter;
  /** Attribute filters (migration 017): reads whose stored value equals the one asked for. */
  plateColour?: string;
  vehicleType?: string;
  vehicleColour?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

const columns =
  'id, camera_id, plate, confidence, format, first_seen, last_seen, captured_at, read_count, box, crop is not null as has_crop, motion, direction, plate_colour, vehicle_type, vehicle_colour';

/** The trigram index needs a run of this many known characters in a partial pattern. */
export const TRIGRAM_RUN = 3;
/** A partial pattern without such a run is checked read by read: it needs a time window of at most this many hours, ... */
export const SHORT_PATTERN_MAX_HOURS = 2;
/** ... or at most this many cameras and a window of at most this many hours (50M reads: p95 within 200 ms). */
export const SHORT_PATTERN_MAX_CAMERAS = 10;
export const SHORT_PATTERN_CAMERA_HOURS = 6;
/**
 * Partial searches walk back from the newest reads in windows ending this many days back (then the rest):
 * doubling, so a filter that keeps few candidates (an area) fetches at most about twice what it needs.
 */
const PARTIAL_WINDOWS_DAYS = [1, 2, 4, 8, 16, 32];

/** A search that would read the whole table; the message says how to narrow it. */
export class SearchTooBroadError extends BadInputError {
  override name = 'SearchTooBroadError';
}

/** Length of the longest run of known characters (between `?` and `*`) in a partial pattern. */
export function longestKnownRun(pattern: string): number {
  return Math.max(0, ...pattern.split(/[?*]/).map((run) => [...run].length));
}

/** Throws SearchTooBroadError for a partial pattern the trigram index cannot serve and nothing else narrows. */
export function checkPartialNarrowed(pattern: string, q: { cameraIds?: string[]; from?: Date; to?: Date }): void {
  if (longestKnownRun(pattern) >= TRIGRAM_RUN) return;
  const hours = q.from ? ((q.to ?? new Date()).getTime() - q.from.getTime()) / 3_600_000 : Infinity;
  const cameras = q.cameraIds?.length ?? Infinity;
  if (hours <= SHORT_PATTERN_MAX_HOURS || (hours <= SHORT_PATTERN_CAMERA_HOURS && cameras <= SHORT_PATTERN_MAX_CAMERAS))
    return;
  throw new SearchTooBroadError(
    `plate pattern '${pattern}' has no ${TRIGRAM_RUN} known characters in a row, so it cannot use the plate index: ` +
      `give ${TRIGRAM_RUN} or more known characters together, or narrow the time with from= and to= at most ${SHORT_PATTERN_MAX_HOURS} hours apart ` +
      `(at most ${SHORT_PATTERN_CAMERA_HOURS} hours with camera= naming at most ${SHORT_PATTERN_MAX_CAMERAS} cameras, or an area holding as few)`,
  );
}

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

  /**
   * Inserts the pass, or updates it when a later event of the same pass arrives; says whether it was new and
   * what the pass now holds of the plate colour and vehicle (an update without them keeps the earlier ones).
   */
  async upsert(e: NewPlateRead): Promise<{ inserted: boolean; stored: VehicleDescription }> {
    const crop = e.crop ? Buffer.from(e.crop) : null;
    // Direction of travel (migration 008): along the camera's facing when going away, against it when coming;
    // without a facing, the one-way heading of the road it watches.
    const [row] = await this.db.query<{
      inserted: boolean;
      plate_colour: string | null;
      vehicle_type: string | null;
      vehicle_colour: string | null;
    }>(
      `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, read_count, box, crop, motion, plate_colour, vehicle_type, vehicle_colour, direction)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,
         (select case when facing is null then heading when $13 = 'receding' then facing
                      when $13 = 'approaching' then case when facing >= 180 then facing - 180 else facing + 180 end end
          from cameras where id = $2))
       on conflict (id) do update set plate = excluded.plate, plate_canonical = excluded.plate_canonical,
         confidence = excluded.confidence, format = excluded.format, last_seen = excluded.last_seen,
         read_count = excluded.read_count, box = excluded.box, crop = coalesce(excluded.crop, plate_reads.crop),
         motion = coalesce(excluded.motion, plate_reads.motion), direction = coalesce(excluded.direction, plate_reads.direction),
         plate_colour = coalesce(excluded.plate_colour, plate_reads.plate_colour),
         vehicle_type = coalesce(excluded.vehicle_type, plate_reads.vehicle_type),
         vehicle_colour = coalesce(excluded.vehicle_colour, plate_reads.vehicle_colour)
       returning (xmax = 0) as inserted, plate_colour, vehicle_type, vehicle_colour`,
      [
        e.id,
        e.cameraId,
        e.plate,
        canonicalForm(e.plate),
        e.confidence,
        e.format,
        e.firstSeen.toISOString(),
        e.lastSeen.toISOString(),
        e.capturedAt.toISOString(),
        e.readCount,
        JSON.stringify(e.box),
        crop,
        e.motion,
        e.plateColour ?? null,
        e.vehicleType ?? null,
        e.vehicleColour ?? null,
      ],
    );
    return {
      inserted: row.inserted,
      stored: { plateColour: row.plate_colour, vehicleType: row.vehicle_type, vehicleColour: row.vehicle_colour },
    };
  }

  async get(id: string): Promise<PlateRead | null> {
    const [row] = await this.db.query<Row>(`select ${columns} from plate_reads where id = $1`, [id]);
    return row ? toRead(row) : null;
  }

  async crop(id: string): Promise<Buffer | null> {
    const [row] = await this.db.query<{ crop: Uint8Array | null }>('select crop from plate_reads where id = $1', [id]);
    return row?.crop ? Buffer.from(row.crop) : null;
  }

  /**
   * Newest first, paged by offset and limit. Partial patterns use the trigram index (LIKE); a pattern
   * without three known characters in a row must be narrowed (SearchTooBroadError otherwise).
   */
  async search(q: PlateReadQuery): Promise<PlateRead[]> {
    const cameraIds = await narrowCameras(this.db, q.cameraIds, q.area);
    if (cameraIds && !cameraIds.length) return [];
    const mode = q.mode ?? 'exact';
    const limit = Math.min(q.limit ?? 50, 500);
    const offset = q.offset ?? 0;
    if (!q.plate || mode !== 'partial') return this.select({ ...q, mode, cameraIds }, q.from, q.to, limit, offset);
    checkPartialNarrowed(q.plate, { cameraIds, from: q.from, to: q.to });
    // The trigram bitmap ANDed with the BRIN time bitmap of one window reads only that window's candidates;
    // windows are disjoint and newest first, so their rows concatenate in order.
    const rows: PlateRead[] = [];
    const top = q.to?.getTime() ?? Date.now();
    let upper = q.to;
    for (const days of [...PARTIAL_WINDOWS_DAYS, Infinity]) {
      const bound = Number.isFinite(days) ? new Date(top - days * 86_400_000) : undefined;
      const lower = q.from && (!bound || bound < q.from) ? q.from : bound;
      rows.push(...(await this.select({ ...q, mode, cameraIds }, lower, upper, offset + limit - rows.length, 0)));
      if (rows.length >= offset + limit || !lower || lower === q.from) break;
      upper = lower;
    }
    return rows.slice(offset, offset + limit);
  }

  /**
   * How many reads the search matches, counted up to `cap` (then `exact` is false): a page's total without
   * counting millions of rows. Throws SearchTooBroadError like search() for an unnarrowed short pattern.
   */
  async count(q: PlateReadQuery, cap: number): Promise<{ total: number; exact: boolean }> {
    const cameraIds = await narrowCameras(this.db, q.cameraIds, q.area);
    if (cameraIds && !cameraIds.length) return { total: 0, exact: true };
    const mode = q.mode ?? 'exact';
    if (q.plate && mode === 'partial') checkPartialNarrowed(q.plate, { cameraIds, from: q.from, to: q.to });
    const params: unknown[] = [];
    const where = this.where({ ...q, mode, cameraIds }, q.from, q.to, params);
    const [{ n }] = await this.db.query<{ n: string | number }>(
      `select count(*) as n from (select 1 from plate_reads ${where} limit $${params.push(cap + 1)}) capped`,
      params,
    );
    return { total: Math.min(Number(n), cap), exact: Number(n) <= cap };
  }

  private async select(
    q: PlateReadQuery & { mode: PlateMatchMode },
    from: Date | undefined,
    to: Date | undefined,
    limit: number,
    offset: number,
  ): Promise<PlateRead[]> {
    const params: unknown[] = [];
    const where = this.where(q, from, to, params);
    const p = (value: unknown) => `$${params.push(value)}`;
    const sql = `select ${columns} from plate_reads ${where}
      order by first_seen desc, id desc limit ${p(limit)} offset ${p(offset)}`;
    return (await this.db.query<Row>(sql, params)).map(toRead);
  }

  /** The where clause of a search, its values pushed onto `params`. */
  private where(
    q: PlateReadQuery & { mode: PlateMatchMode },
    from: Date | undefined,
    to: Date | undefined,
    params: unknown[],
  ): string {
    const where: string[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    if (q.plate) {
      if (q.mode === 'exact') where.push(`plate = ${p(q.plate)}`);
      else if (q.mode === 'fuzzy') where.push(`plate_canonical = ${p(canonicalForm(q.plate))}`);
      else where.push(`plate like ${p(likePattern(q.plate))}`);
    }
    // With a trigram pattern, cameras are checked on the trigram x time candidates: PGlite's planner otherwise
    // walks the cameras' time index over a wide window (10M reads: 659 ms p95 instead of tens of ms).
    const trigram = q.mode === 'partial' && q.plate !== undefined && longestKnownRun(q.plate) >= TRIGRAM_RUN;
    if (q.cameraIds) where.push(`${trigram ? "(camera_id || '')" : 'camera_id'} = any(${p(q.cameraIds)})`);
    if (from) where.push(`first_seen >= ${p(from.toISOString())}`);
    if (to) where.push(`first_seen < ${p(to.toISOString())}`);
    if (q.plateColour) where.push(`plate_colour = ${p(q.plateColour)}`);
    if (q.vehicleType) where.push(`vehicle_type = ${p(q.vehicleType)}`);
    if (q.vehicleColour) where.push(`vehicle_colour = ${p(q.vehicleColour)}`);
    if (q.direction) {
      // The smaller angle between the read's direction and the one asked for.
      const d = p(q.direction.degrees);
      where.push(
        `least(abs(direction - ${d}::float8), 360 - abs(direction - ${d}::float8)) <= ${p(q.direction.toleranceDeg)}::float8`,
      );
    }
    return where.length ? `where ${where.join(' and ')}` : '';
  }
}
