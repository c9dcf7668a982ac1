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
}

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

function toEntry(r: HotlistRow): HotlistEntry {
  return {
    id: r.id,
    ...(r.plate ? { plate: r.plate } : {}),
    ...(r.pattern ? { pattern: r.pattern } : {}),
    category: r.category,
    reason: r.reason,
    source: r.source,
    added_by: r.added_by,
    priority: r.priority,
    expires_at: iso(r.expires_at),
    active: r.active,
    created_at: iso(r.created_at),
  };
}

export interface HotlistFilter {
  plate?: string;
  category?: string;
  includeInactive?: boolean;
  limit?: number;
  offset?: number;
}

export class HotlistRepo {
  constructor(private readonly db: Db) {}

  async create(input: HotlistEntryInput, db: Db = this.db): Promise<HotlistEntry> {
    const [row] = await db.query<HotlistRow>(
      `insert into hotlist (id, plate, pattern, category, reason, source, added_by, priority, expires_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9) returning *`,
      [randomUUID(), input.plate ?? null, input.pattern ?? null, input.category, input.reason, input.source, input.added_by, input.priority, input.expires_at],
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

  async get(id: string): Promise<HotlistEntry | null> {
    const [row] = await this.db.query<HotlistRow>('select * from hotlist where id = $1', [id]);
    return row ? toEntry(row) : null;
  }

  async update(id: string, patch: Partial<Pick<HotlistEntry, 'category' | 'reason' | 'source' | 'priority' | 'expires_at' | 'active'>>): Promise<HotlistEntry | null> {
    const [row] = await this.db.query<HotlistRow>(
      `update hotlist set
         category = coalesce($2, category), reason = coalesce($3, reason), source = coalesce($4, source),
         priority = coalesce($5, priority), expires_at = coalesce($6, expires_at), active = coalesce($7, active),
         updated_at = now()
       where id = $1 returning *`,
      [id, patch.category ?? null, patch.reason ?? null, patch.source ?? null, patch.priority ?? null, patch.expires_at ?? null, patch.active ?? null],
    );
    return row ? toEntry(row) : null;
  }

  async list(f: HotlistFilter = {}): Promise<HotlistEntry[]> {
    const rows = await this.db.query<HotlistRow>(
      `select * from hotlist
       where ($1::text is null or plate = $1 or pattern = $1) and ($2::text is null or category = $2)
         and ($3 or (active and expires_at > now()))
       order by created_at desc limit $4 offset $5`,
      [f.plate ?? null, f.category ?? null, f.includeInactive ?? false, Math.min(f.limit ?? 100, 1000), f.offset ?? 0],
    );
    return rows.map(toEntry);
  }

  /** Every entry that can still match, for building the in-memory index. */
  async allLive(): Promise<HotlistEntry[]> {
    const rows = await this.db.query<HotlistRow>('select * from hotlist where active and expires_at > now()');
    return rows.map(toEntry);
  }
}
