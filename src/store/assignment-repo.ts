// Assignments: an alert offered to a unit, then acknowledged, arrived, timed out or resolved; plus deliveries.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export type AssignmentState = 'offered' | 'acknowledged' | 'arrived' | 'timed_out' | 'resolved';

export interface AssignmentRow {
  id: string;
  alert_id: string;
  unit_id: string;
  attempt: number;
  state: AssignmentState;
  distance_m: number;
  eta_s: number;
  offered_at: Date;
  acknowledged_at: Date | null;
  arrived_at: Date | null;
  timed_out_at: Date | null;
}

export class AssignmentRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): AssignmentRepo {
    return new AssignmentRepo(db);
  }

  /** The offer for (alert, attempt); a retried dispatch job gets the row it made before. */
  async offer(alertId: string, attempt: number, unitId: string, distanceM: number, etaS: number): Promise<AssignmentRow> {
    await this.db.query(
      `insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s) values ($1,$2,$3,$4,$5,$6)
       on conflict do nothing`,
      [randomUUID(), alertId, unitId, attempt, distanceM, etaS],
    );
    const [row] = await this.db.query<AssignmentRow>('select * from assignments where alert_id = $1 and attempt = $2', [alertId, attempt]);
    return row;
  }

  async forAlert(alertId: string): Promise<AssignmentRow[]> {
    return this.db.query<AssignmentRow>('select * from assignments where alert_id = $1 order by attempt', [alertId]);
  }

  async get(id: string): Promise<AssignmentRow | null> {
    const [row] = await this.db.query<AssignmentRow>('select * from assignments where id = $1', [id]);
    return row ?? null;
  }

  /** Offers a unit has not answered yet: replayed when its stream (re)connects. */
  async openForUnit(unitId: string): Promise<AssignmentRow[]> {
    return this.db.query<AssignmentRow>(`select * from assignments where unit_id = $1 and state in ('offered', 'acknowledged') order by offered_at`, [unitId]);
  }

  /** Moves an assignment forward; only legal transitions happen, otherwise null. */
  async transition(id: string, to: 'acknowledged' | 'arrived' | 'timed_out' | 'resolved'): Promise<AssignmentRow | null> {
    const from: Record<typeof to, AssignmentState[]> = {
      acknowledged: ['offered'],
      arrived: ['offered', 'acknowledged'],
      timed_out: ['offered'],
      resolved: ['acknowledged', 'arrived'],
    };
    const stamp = { acknowledged: 'acknowledged_at', arrived: 'arrived_at', timed_out: 'timed_out_at', resolved: null }[to];
    const [row] = await this.db.query<AssignmentRow>(
      `update assignments set state = $2${stamp ? `, ${stamp} = now()` : ''} where id = $1 and state = any($3) returning *`,
      [id, to, from[to]],
    );
    return row ?? null;
  }

  /** Claims a delivery slot; false when this alert already went to this recipient on this channel. */
  async claimDelivery(alertId: string, recipient: string, channel: 'sse' | 'webhook' | 'mqtt', detail?: string): Promise<boolean> {
    const rows = await this.db.query(
      `insert into deliveries (alert_id, recipient, channel, detail) values ($1,$2,$3,$4) on conflict do nothing returning alert_id`,
      [alertId, recipient, channel, detail ?? null],
    );
    return rows.length > 0;
  }

  async noteDelivery(alertId: string, recipient: string, channel: 'sse' | 'webhook' | 'mqtt', detail: string): Promise<void> {
    await this.db.query('update deliveries set detail = $4, delivered_at = now() where alert_id = $1 and recipient = $2 and channel = $3', [alertId, recipient, channel, detail]);
  }

  async deliveries(alertId: string): Promise<{ recipient: string; channel: string; delivered_at: Date; detail: string | null }[]> {
    return this.db.query('select recipient, channel, delivered_at, detail from deliveries where alert_id = $1 order by delivered_at', [alertId]);
  }

  async releaseDelivery(alertId: string, recipient: string, channel: 'sse' | 'webhook' | 'mqtt'): Promise<void> {
    await this.db.query('delete from deliveries where alert_id = $1 and recipient = $2 and channel = $3', [alertId, recipient, channel]);
  }
}
