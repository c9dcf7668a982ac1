// Alerts (candidate hits awaiting a human), their dispositions, and the assignments of units to them.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { Payload } from '../queues/payloads.js';

export interface AlertRow {
  id: string;
  kind: string;
  plate_read_id: string;
  hotlist_id: string;
  camera_id: string;
  plate: string;
  match: Payload<'alerts'>['match'];
  priority: number;
  status: 'candidate' | 'confirmed' | 'dismissed';
  captured_at: Date;
  created_at: Date;
  updated_at: Date;
  disposed_by: string | null;
  disposed_at: Date | null;
  disposition_reason: string | null;
}

export interface AlertFilter {
  status?: AlertRow['status'];
  cameraIds?: string[];
  since?: Date;
  limit?: number;
}

export class AlertRepo {
  constructor(private readonly db: Db) {}

  /**
   * Creates the alert for (plate read, hotlist entry), or updates its plate and match when a better
   * reading of the same pass arrives; `created` says which, so only a new alert is dispatched.
   */
  async upsert(p: Payload<'alerts'>): Promise<{ alert: AlertRow; created: boolean }> {
    const [row] = await this.db.query<AlertRow & { created: boolean }>(
      `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at)
       values ($1,$2,$3,$4,$5,$6,$7,to_timestamp($8/1000.0))
       on conflict (plate_read_id, hotlist_id) do update set plate = excluded.plate, match = excluded.match, updated_at = now()
       returning *, (xmax = 0) as created`,
      [randomUUID(), p.plateReadId, p.hotlistId, p.cameraId, p.plate, JSON.stringify(p.match), p.priority, p.capturedAt],
    );
    const { created, ...alert } = row;
    return { alert, created };
  }

  async get(id: string): Promise<AlertRow | null> {
    const [row] = await this.db.query<AlertRow>('select * from alerts where id = $1', [id]);
    return row ?? null;
  }

  async list(f: AlertFilter = {}): Promise<AlertRow[]> {
    return this.db.query<AlertRow>(
      `select * from alerts where ($1::text is null or status = $1) and ($2::text[] is null or camera_id = any($2))
         and ($3::timestamptz is null or created_at >= $3)
       order by created_at desc limit $4`,
      [f.status ?? null, f.cameraIds ?? null, f.since?.toISOString() ?? null, Math.min(f.limit ?? 100, 500)],
    );
  }

  /** Records a human's verdict once; a second disposition of the same alert is refused (returns null). */
  async dispose(id: string, verdict: 'confirmed' | 'dismissed', by: string, reason: string): Promise<AlertRow | null> {
    const [row] = await this.db.query<AlertRow>(
      `update alerts set status = $2, disposed_by = $3, disposed_at = now(), disposition_reason = $4, updated_at = now()
       where id = $1 and status = 'candidate' returning *`,
      [id, verdict, by, reason],
    );
    return row ?? null;
  }
}
