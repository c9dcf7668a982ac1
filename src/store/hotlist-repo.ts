// Hotlist entries in the database: create, edit, deactivate, list; the matching index is rebuilt from here.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { HotlistEntry, HotlistEntryInput } from '../domain/hotlist.js';

interface HotlistRow {
  id: string;
  plate: string | null;
  pattern: string | null;
  category: HotlistEntry['category'];
  reason: string;
  source: string;
  added_by: string;
  priority: number;
  expires_at: Date | string;
  active: boolean;
  created_at: Date | string;
  plate_colour: HotlistEntry['plateColour'] | null;
  vehicle_type: HotlistEntry['vehicleType'] | null;
  vehicle_colour: HotlistEntry['vehicleColour'] | null;
}

/** Advisory lock class for one listing key (see findLive); audit-repo uses 7_311_001, duty 7_311_005. */
const LISTING_LOCK = 7_311_012;

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

function toEntry(r: HotlistRow): HotlistEntry {
  return {
    id: r.id,
    ...(r.plate ? { plate: r.plate } : {}),
    ...(r.pattern ? { pattern: r.pattern } : {}),
    category: r.category,
    reason: r.reason,
    source: r.source,
    addedBy: r.added_by,
    priority: r.priority,
    expiresAt: iso(r.expires_at),
    active: r.active,
    createdAt: iso(r.created_at),
    ...(r.plate_colour ? { plateColour: r.plate_colour } : {}),
    ...(r.vehicle_type ? { vehicleType: r.vehicle_type } : {}),
    ...(r.vehicle_colour ? { vehicleColour: r.vehicle_colour } : {}),
  };
}

/** What names one listing: two entries for the same pattern on a red and a white car are two listings. */
type Listing = Pick<
  HotlistEntryInput,
  'plate' | 'pattern' | 'category' | 'plateColour' | 'vehicleType' | 'vehicleColour'
>;

type Described = 'plateColour' | 'vehicleType' | 'vehicleColour';
export type HotlistPatch = Partial<
  Pick<HotlistEntry, 'category' | 'reason' | 'source' | 'priority' | 'expiresAt' | 'active'>
> & {
  [K in Described]?: HotlistEntry[K] | null;
};

export interface HotlistFilter {
  plate?: string;
  category?: string;
  includeInactive?: boolean;
  limit?: number;
  offset?: number;
}

export class HotlistRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): HotlistRepo {
    return new HotlistRepo(db);
  }

  async create(input: HotlistEntryInput, db: Db = this.db): Promise<HotlistEntry> {
    const [row] = await db.query<HotlistRow>(
      `insert into hotlist (id, plate, pattern, category, reason, source, added_by, priority, expires_at,
         plate_colour, vehicle_type, vehicle_colour)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) returning *`,
      [
        randomUUID(),
        input.plate ?? null,
        input.pattern ?? null,
        input.category,
        input.reason,
        input.source,
        input.addedBy,
        input.priority,
        input.expiresAt,
        input.plateColour ?? null,
        input.vehicleType ?? null,
        input.vehicleColour ?? null,
      ],
    );
    return toEntry(row);
  }

  /** Inserts all rows in one transaction: either the whole batch is stored or none of it. */
  async createMany(inputs: HotlistEntryInput[]): Promise<HotlistEntry[]> {
    return this.db.tx(async (t) => {
      const out: HotlistEntry[] = [];
      for (const input of inputs) out.push(await this.create(input, t));
      return out;
    });
  }

  /**
   * The live entry for the same plate (or pattern), category and description, if any. Takes a transaction-long
   * lock on that key first, so two concurrent creations of one listing cannot both find nothing (call inside db.tx).
   */
  async findLive(input: Listing): Promise<HotlistEntry | null> {
    const described = [input.plateColour, input.vehicleType, input.vehicleColour].map((v) => v ?? null);
    const key = `${input.plate ?? ''}|${input.pattern ?? ''}|${input.category}|${described.join('|')}`;
    await this.db.query('select pg_advisory_xact_lock($1, hashtext($2))', [LISTING_LOCK, key]);
    const [row] = await this.db.query<HotlistRow>(
      `select * from hotlist where category = $3 and active and expires_at > now()
         and (($1::text is not null and plate = $1) or ($2::text is not null and pattern = $2))
         and plate_colour is not distinct from $4 and vehicle_type is not distinct from $5
         and vehicle_colour is not distinct from $6
       order by created_at limit 1`,
      [input.plate ?? null, input.pattern ?? null, input.category, ...described],
    );
    return row ? toEntry(row) : null;
  }

  async get(id: string): Promise<HotlistEntry | null> {
    const [row] = await this.db.query<HotlistRow>('select * from hotlist where id = $1', [id]);
    return row ? toEntry(row) : null;
  }

  /** Fields left out stay; plateColour, vehicleType and vehicleColour set to null are cleared. */
  async update(id: string, patch: HotlistPatch): Promise<HotlistEntry | null> {
    const given = (v: unknown) => v !== undefined;
    const [row] = await this.db.query<HotlistRow>(
      `update hotlist set
         category = coalesce($2, category), reason = coalesce($3, reason), source = coalesce($4, source),
         priority = coalesce($5, priority), expires_at = coalesce($6, expires_at), active = coalesce($7, active),
         plate_colour = case when $8 then $9 else plate_colour end,
         vehicle_type = case when $10 then $11 else vehicle_type end,
         vehicle_colour = case when $12 then $13 else vehicle_colour end,
         updated_at = now()
       where id = $1 returning *`,
      [
        id,
        patch.category ?? null,
        patch.reason ?? null,
        patch.source ?? null,
        patch.priority ?? null,
        patch.expiresAt ?? null,
        patch.active ?? null,
        given(patch.plateColour),
        patch.plateColour ?? null,
        given(patch.vehicleType),
        patch.vehicleType ?? null,
        given(patch.vehicleColour),
        patch.vehicleColour ?? null,
      ],
    );
    return row ? toEntry(row) : null;
  }

  async list(f: HotlistFilter = {}): Promise<HotlistEntry[]> {
    return (await this.page(f)).entries;
  }

  /** One page, newest first, with the number of entries the filter matches in all. */
  async page(f: HotlistFilter = {}): Promise<{ entries: HotlistEntry[]; total: number }> {
    const where = `where ($1::text is null or plate = $1 or pattern = $1) and ($2::text is null or category = $2)
         and ($3 or (active and expires_at > now()))`;
    const params = [f.plate ?? null, f.category ?? null, f.includeInactive ?? false];
    const rows = await this.db.query<HotlistRow>(
      `select * from hotlist ${where} order by created_at desc limit $4 offset $5`,
      [...params, Math.min(f.limit ?? 100, 1000), f.offset ?? 0],
    );
    const [{ n }] = await this.db.query<{ n: string | number }>(`select count(*) as n from hotlist ${where}`, params);
    return { entries: rows.map(toEntry), total: Number(n) };
  }

  /** Every entry that can still match, for building the in-memory index. */
  async allLive(): Promise<HotlistEntry[]> {
    const rows = await this.db.query<HotlistRow>('select * from hotlist where active and expires_at > now()');
    return rows.map(toEntry);
  }
}
