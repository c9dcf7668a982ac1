// Maintenance work orders: one per fault episode that outlasted its grace time; acknowledged, noted, closed.
import { randomUUID } from 'node:crypto';
import type { CloseReason, WorkOrder, WorkOrderNote, WorkOrderStatus } from '../domain/camera-health.js';
import type { FaultKind } from '../domain/fault-kinds.js';

export type { CloseReason, WorkOrder, WorkOrderNote, WorkOrderStatus };
import type { Db } from './db.js';

interface WorkOrderRow {
  id: string;
  camera_id: string;
  fault_id: string;
  kind: FaultKind;
  status: WorkOrderStatus;
  opened_at: Date | string;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
  notes: WorkOrderNote[] | string;
  closed_at: Date | string | null;
  closed_by: string | null;
  close_reason: CloseReason | null;
  relearn_reference: boolean;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toOrder(r: WorkOrderRow): WorkOrder {
  return {
    id: r.id,
    cameraId: r.camera_id,
    faultId: r.fault_id,
    kind: r.kind,
    status: r.status,
    openedAt: iso(r.opened_at) as string,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: iso(r.acknowledged_at),
    notes: typeof r.notes === 'string' ? (JSON.parse(r.notes) as WorkOrderNote[]) : r.notes,
    closedAt: iso(r.closed_at),
    closedBy: r.closed_by,
    closeReason: r.close_reason,
    relearnReference: r.relearn_reference,
  };
}

export interface WorkOrderFilter {
  status?: WorkOrderStatus | 'active';
  cameraId?: string;
  /** A scoped reader's cameras: only their orders (an empty list matches none). */
  cameraIds?: readonly string[];
  limit?: number;
}

export class WorkOrderRepo {
  constructor(readonly db: Db) {}

  /** Opens the order of a fault episode; null when that episode already has one. */
  async open(o: { cameraId: string; faultId: string; kind: FaultKind; openedAt: number }): Promise<WorkOrder | null> {
    const [row] = await this.db.query<WorkOrderRow>(
      `insert into work_orders (id, camera_id, fault_id, kind, status, opened_at) values ($1,$2,$3,$4,'open',$5)
       on conflict (fault_id) do nothing returning *`,
      [randomUUID(), o.cameraId, o.faultId, o.kind, new Date(o.openedAt).toISOString()],
    );
    return row ? toOrder(row) : null;
  }

  async get(id: string): Promise<WorkOrder | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<WorkOrderRow>('select * from work_orders where id = $1', [id]);
    return row ? toOrder(row) : null;
  }

  async forFault(faultId: string): Promise<WorkOrder | null> {
    const [row] = await this.db.query<WorkOrderRow>('select * from work_orders where fault_id = $1', [faultId]);
    return row ? toOrder(row) : null;
  }

  async list(f: WorkOrderFilter = {}): Promise<WorkOrder[]> {
    const rows = await this.db.query<WorkOrderRow>(
      `select * from work_orders where ($1::text is null or ($1 = 'active' and status <> 'closed') or status = $1)
       and ($2::text is null or camera_id = $2) and ($4::text[] is null or camera_id = any($4))
       order by opened_at desc limit $3`,
      [f.status ?? null, f.cameraId ?? null, Math.min(f.limit ?? 100, 1000), f.cameraIds ? [...f.cameraIds] : null],
    );
    return rows.map(toOrder);
  }

  async acknowledge(id: string, by: string): Promise<WorkOrder | null> {
    const [row] = await this.db.query<WorkOrderRow>(
      `update work_orders set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now() where id = $1 and status = 'open' returning *`,
      [id, by],
    );
    return row ? toOrder(row) : null;
  }

  async addNote(id: string, note: WorkOrderNote): Promise<WorkOrder | null> {
    const [row] = await this.db.query<WorkOrderRow>(
      `update work_orders set notes = notes || $2::jsonb where id = $1 and status <> 'closed' returning *`,
      [id, JSON.stringify([note])],
    );
    return row ? toOrder(row) : null;
  }

  async close(
    id: string,
    c: { by: string; reason: CloseReason; relearnReference: boolean; at?: number },
  ): Promise<WorkOrder | null> {
    const [row] = await this.db.query<WorkOrderRow>(
      `update work_orders set status = 'closed', closed_at = $2, closed_by = $3, close_reason = $4, relearn_reference = $5
       where id = $1 and status <> 'closed' returning *`,
      [id, new Date(c.at ?? Date.now()).toISOString(), c.by, c.reason, c.relearnReference],
    );
    return row ? toOrder(row) : null;
  }
}
