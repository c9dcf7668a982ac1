// The segment index (one row per closed recording file) and the holds that protect footage from retention.
import { randomUUID } from 'node:crypto';
import type { Hold, HoldKind, NewSegment, Segment } from '../domain/footage.js';
import type { Db } from './db.js';

export type { Hold, HoldKind, NewSegment, Segment };

interface SegmentRow {
  id: string;
  camera_id: string;
  start_at: Date;
  end_at: Date;
  path: string;
  bytes: string;
}

const toSegment = (r: SegmentRow): Segment => ({
  id: Number(r.id),
  cameraId: r.camera_id,
  startAt: new Date(r.start_at),
  endAt: new Date(r.end_at),
  path: r.path,
  bytes: Number(r.bytes),
});

/** SQL true when segment `s` overlaps an active hold on its camera. */
const PROTECTED = `exists (select 1 from footage_holds h where h.camera_id = s.camera_id and h.released_at is null
  and (h.expires_at is null or h.expires_at > now()) and h.from_at < s.end_at and h.to_at > s.start_at)`;

export class SegmentRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): SegmentRepo {
    return new SegmentRepo(db);
  }

  async insert(s: NewSegment): Promise<Segment> {
    const [row] = await this.db.query<SegmentRow>(
      'insert into segments (camera_id, start_at, end_at, path, bytes) values ($1,$2,$3,$4,$5) returning *',
      [s.cameraId, s.startAt.toISOString(), s.endAt.toISOString(), s.path, s.bytes],
    );
    return toSegment(row);
  }

  async get(id: number): Promise<Segment | null> {
    const [row] = await this.db.query<SegmentRow>('select * from segments where id = $1', [id]);
    return row ? toSegment(row) : null;
  }

  /** Segments of a camera overlapping [from, to), oldest first, with the kinds of hold protecting each. */
  async overlapping(
    cameraId: string,
    from: Date,
    to: Date,
    limit = 10_000,
  ): Promise<(Segment & { protectedBy: HoldKind[] })[]> {
    const rows = await this.db.query<SegmentRow & { protected_by: HoldKind[] | null }>(
      `select s.*, (select array_agg(distinct h.kind) from footage_holds h where h.camera_id = s.camera_id and h.released_at is null
           and (h.expires_at is null or h.expires_at > now()) and h.from_at < s.end_at and h.to_at > s.start_at) as protected_by
         from segments s where s.camera_id = $1 and s.start_at < $3 and s.end_at > $2 order by s.start_at limit $4`,
      [cameraId, from.toISOString(), to.toISOString(), limit],
    );
    return rows.map((r) => ({ ...toSegment(r), protectedBy: r.protected_by ?? [] }));
  }

  async totalBytes(): Promise<number> {
    const [row] = await this.db.query<{ total: string | null }>('select sum(bytes) as total from segments');
    return Number(row.total ?? 0);
  }

  /** Unprotected segments older than their camera kind's cutoff, oldest first. */
  async expired(cutoffs: { street: Date; checkpoint: Date }, limit: number): Promise<Segment[]> {
    const rows = await this.db.query<SegmentRow>(
      `select s.* from segments s join cameras c on c.id = s.camera_id
        where s.end_at < case c.kind when 'checkpoint' then $2::timestamptz else $1::timestamptz end and not ${PROTECTED}
        order by s.start_at limit $3`,
      [cutoffs.street.toISOString(), cutoffs.checkpoint.toISOString(), limit],
    );
    return rows.map(toSegment);
  }

  async oldestUnprotected(limit: number): Promise<Segment[]> {
    const rows = await this.db.query<SegmentRow>(
      `select s.* from segments s where not ${PROTECTED} order by s.start_at limit $1`,
      [limit],
    );
    return rows.map(toSegment);
  }

  /**
   * Removes index rows that are still unprotected (a hold placed since they were chosen wins) and returns
   * them; the caller deletes their files afterwards, so a failed delete leaves a file, never a dangling row.
   */
  async deleteUnprotected(ids: number[]): Promise<Segment[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<SegmentRow>(
      `delete from segments s where s.id = any($1::bigint[]) and not ${PROTECTED} returning s.*`,
      [ids],
    );
    return rows.map(toSegment);
  }

  /** Removes one row whatever its holds (a file that vanished from disk); returns whether it existed. */
  async deleteRow(id: number): Promise<boolean> {
    return (await this.db.query('delete from segments where id = $1 returning id', [id])).length > 0;
  }

  async addHold(h: Omit<Hold, 'id'>): Promise<Hold> {
    const id = randomUUID();
    await this.db.query(
      `insert into footage_holds (id, camera_id, from_at, to_at, kind, ref, reason, created_by, expires_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9) on conflict (kind, ref, camera_id) do nothing`,
      [
        id,
        h.cameraId,
        h.from.toISOString(),
        h.to.toISOString(),
        h.kind,
        h.ref,
        h.reason,
        h.createdBy,
        h.expiresAt?.toISOString() ?? null,
      ],
    );
    return { ...h, id };
  }

  /** Releases the active holds for one alert, export or case item; returns how many. */
  async releaseHolds(kind: HoldKind, refs: string[], by: string, reason: string): Promise<number> {
    const rows = await this.db.query(
      `update footage_holds set released_at = now(), released_by = $3, release_reason = $4
        where kind = $1 and ref = any($2::text[]) and released_at is null returning id`,
      [kind, refs, by, reason],
    );
    return rows.length;
  }

  /**
   * Holds the footage around every alert not yet held (eventSeconds either side, for holdDays), and
   * releases the holds of alerts a human dismissed: a dismissed candidate is nobody's evidence.
   */
  async syncAlertHolds(eventSeconds: number, holdDays: number): Promise<{ added: number; released: number }> {
    const added = await this.db.query(
      `insert into footage_holds (id, camera_id, from_at, to_at, kind, ref, reason, created_by, expires_at)
       select gen_random_uuid(), a.camera_id, a.captured_at - make_interval(secs => $1), a.captured_at + make_interval(secs => $1),
              'alert', a.id::text, 'alert ' || a.kind || case when a.plate <> '' then ' ' || a.plate else '' end, 'system', a.captured_at + make_interval(days => $2)
         from alerts a where a.status <> 'dismissed'
          and not exists (select 1 from footage_holds h where h.kind = 'alert' and h.ref = a.id::text)
       returning id`,
      [eventSeconds, Math.ceil(holdDays)],
    );
    const released = await this.db.query(
      `update footage_holds h set released_at = now(), released_by = 'system', release_reason = 'alert dismissed'
        from alerts a where h.kind = 'alert' and h.released_at is null and h.ref = a.id::text and a.status = 'dismissed' returning h.id`,
    );
    return { added: added.length, released: released.length };
  }

  /** Whether an alert on the camera (not dismissed) was captured within [from, to]; events-only recording asks this. */
  async alertNear(cameraId: string, from: Date, to: Date): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 from alerts where camera_id = $1 and captured_at between $2 and $3 and status <> 'dismissed' limit 1`,
      [cameraId, from.toISOString(), to.toISOString()],
    );
    return rows.length > 0;
  }

  async activeHolds(cameraId: string, from: Date, to: Date): Promise<Hold[]> {
    const rows = await this.db.query<{
      id: string;
      camera_id: string;
      from_at: Date;
      to_at: Date;
      kind: HoldKind;
      ref: string;
      reason: string;
      created_by: string;
      expires_at: Date | null;
    }>(
      `select * from footage_holds where camera_id = $1 and released_at is null and (expires_at is null or expires_at > now())
         and from_at < $3 and to_at > $2 order by from_at`,
      [cameraId, from.toISOString(), to.toISOString()],
    );
    return rows.map((r) => ({
      id: r.id,
      cameraId: r.camera_id,
      from: new Date(r.from_at),
      to: new Date(r.to_at),
      kind: r.kind,
      ref: r.ref,
      reason: r.reason,
      createdBy: r.created_by,
      expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    }));
  }
}
