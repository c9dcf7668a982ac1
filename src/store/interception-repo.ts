// Interception orders and their checkpoint targets: created in one transaction, acknowledged, closed by a read, cancelled.
// The rows stay here: every method answers InterceptionOrder records (src/domain/interception.ts).
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type {
  InterceptionOrder,
  InterceptionStatus,
  InterceptionTargetRecord,
  NewInterception,
} from '../domain/interception.js';

export type { InterceptionOrder, InterceptionStatus, NewInterception } from '../domain/interception.js';

interface TargetRow {
  order_id: string;
  camera_id: string;
  distance_m: number | null;
  bearing_deg: number | null;
  expected_at: Date | string | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
}

interface OrderRow {
  id: string;
  alert_id: string | null;
  plate: string;
  reason: string;
  photo_read_id: string | null;
  ordered_by: string;
  role: string;
  origin_camera: string | null;
  heading: number | null;
  hit_at: Date | string;
  mode: string;
  created_at: Date | string;
  close_until: Date | string;
  status: InterceptionStatus;
  closed_by_read_id: string | null;
  closed_at: Date | string | null;
  closed_camera: string | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null) => (v === null ? null : date(v));

function toTarget(r: TargetRow): InterceptionTargetRecord {
  return {
    orderId: r.order_id,
    cameraId: r.camera_id,
    distanceM: r.distance_m,
    bearingDeg: r.bearing_deg,
    expectedAt: dateOrNull(r.expected_at),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: dateOrNull(r.acknowledged_at),
  };
}

function toOrder(r: OrderRow, targets: InterceptionTargetRecord[]): InterceptionOrder {
  return {
    id: r.id,
    alertId: r.alert_id,
    plate: r.plate,
    reason: r.reason,
    photoReadId: r.photo_read_id,
    orderedBy: r.ordered_by,
    role: r.role,
    originCamera: r.origin_camera,
    heading: r.heading,
    hitAt: date(r.hit_at),
    mode: r.mode,
    createdAt: date(r.created_at),
    closeUntil: date(r.close_until),
    status: r.status,
    closedByReadId: r.closed_by_read_id,
    closedAt: dateOrNull(r.closed_at),
    closedCamera: r.closed_camera,
    cancelledBy: r.cancelled_by,
    cancelReason: r.cancel_reason,
    targets,
  };
}

export interface InterceptionFilter {
  status?: InterceptionStatus;
  /** Only orders that target this checkpoint camera. */
  cameraId?: string;
  /** A scoped reader's cameras: only orders whose hit camera or a target is one of them (an empty list matches none). */
  cameraIds?: readonly string[];
  limit?: number;
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class InterceptionRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): InterceptionRepo {
    return new InterceptionRepo(db);
  }

  /** Creates the order and its targets; null when the alert already has an open order. */
  async create(o: NewInterception): Promise<InterceptionOrder | null> {
    const id = randomUUID();
    return this.db.tx(async (t) => {
      const [row] = await t.query<OrderRow>(
        `insert into interception_orders (id, alert_id, plate, reason, photo_read_id, ordered_by, role, origin_camera, heading, hit_at, mode, close_until)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
         on conflict (alert_id) where status = 'open' and alert_id is not null do nothing
         returning *`,
        [
          id,
          o.alertId,
          o.plate,
          o.reason,
          o.photoReadId,
          o.orderedBy,
          o.role,
          o.originCamera,
          o.heading,
          ts(o.hitAt),
          o.mode,
          ts(o.closeUntil),
        ],
      );
      if (!row) return null;
      for (const x of o.targets) {
        await t.query(
          'insert into interception_targets (order_id, camera_id, distance_m, bearing_deg, expected_at) values ($1,$2,$3,$4,$5)',
          [id, x.cameraId, x.distanceM, x.bearingDeg, ts(x.expectedAt)],
        );
      }
      return toOrder(row, (await this.targetsOf(t, [id])).get(id) ?? []);
    });
  }

  async get(id: string): Promise<InterceptionOrder | null> {
    const [row] = await this.db.query<OrderRow>('select * from interception_orders where id = $1', [id]);
    if (!row) return null;
    return toOrder(row, (await this.targetsOf(this.db, [id])).get(id) ?? []);
  }

  async openForAlert(alertId: string): Promise<InterceptionOrder | null> {
    const [row] = await this.db.query<{ id: string }>(
      `select id from interception_orders where alert_id = $1 and status = 'open'`,
      [alertId],
    );
    return row ? this.get(row.id) : null;
  }

  /** Newest first. */
  async list(f: InterceptionFilter = {}): Promise<InterceptionOrder[]> {
    const rows = await this.db.query<OrderRow>(
      `select o.* from interception_orders o
       where ($1::text is null or o.status = $1)
         and ($2::text is null or exists (select 1 from interception_targets t where t.order_id = o.id and t.camera_id = $2))
         and ($4::text[] is null or o.origin_camera = any($4)
              or exists (select 1 from interception_targets t where t.order_id = o.id and t.camera_id = any($4)))
       order by o.created_at desc limit $3`,
      [f.status ?? null, f.cameraId ?? null, Math.min(f.limit ?? 100, 500), f.cameraIds ? [...f.cameraIds] : null],
    );
    const targets = await this.targetsOf(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toOrder(r, targets.get(r.id) ?? []));
  }

  /** Records a checkpoint's acknowledgement; null when it was acknowledged already (or is no target). */
  async acknowledge(orderId: string, cameraId: string, by: string): Promise<InterceptionTargetRecord | null> {
    const [row] = await this.db.query<TargetRow>(
      `update interception_targets set acknowledged_by = $3, acknowledged_at = now()
       where order_id = $1 and camera_id = $2 and acknowledged_at is null returning *`,
      [orderId, cameraId, by],
    );
    return row ? toTarget(row) : null;
  }

  /** Open orders for this exact plate that a read captured at `at` may close (after the hit, within the window). */
  async openForPlate(plate: string, at: number): Promise<InterceptionOrder[]> {
    const rows = await this.db.query<OrderRow>(
      `select * from interception_orders where status = 'open' and plate = $1 and hit_at < $2 and close_until >= $2 order by created_at`,
      [plate, ts(at)],
    );
    const targets = await this.targetsOf(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toOrder(r, targets.get(r.id) ?? []));
  }

  /** Closes an open order with the read that saw the vehicle; null when it was no longer open. */
  async close(id: string, readId: string, cameraId: string): Promise<boolean> {
    const rows = await this.db.query(
      `update interception_orders set status = 'closed', closed_by_read_id = $2, closed_camera = $3, closed_at = now()
       where id = $1 and status = 'open' returning *`,
      [id, readId, cameraId],
    );
    return rows.length > 0;
  }

  /** Cancels an open order; null when it was no longer open. */
  async cancel(id: string, by: string, reason: string): Promise<boolean> {
    const rows = await this.db.query(
      `update interception_orders set status = 'cancelled', cancelled_by = $2, cancel_reason = $3, closed_at = now()
       where id = $1 and status = 'open' returning *`,
      [id, by, reason],
    );
    return rows.length > 0;
  }

  private async targetsOf(db: Pick<Db, 'query'>, ids: string[]): Promise<Map<string, InterceptionTargetRecord[]>> {
    const out = new Map<string, InterceptionTargetRecord[]>();
    if (!ids.length) return out;
    const rows = await db.query<TargetRow>(
      'select * from interception_targets where order_id = any($1) order by distance_m nulls last, camera_id',
      [ids],
    );
    for (const r of rows) out.set(r.order_id, [...(out.get(r.order_id) ?? []), toTarget(r)]);
    return out;
  }
}
