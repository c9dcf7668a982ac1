// Assignments: an alert offered to a unit, then acknowledged, arrived, timed out or resolved; the waits for a free unit; deliveries.
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

/** An alert waiting for a free unit (dispatch_waits); ended when offered or dismissed. */
export interface WaitRow {
  id: string;
  alert_id: string;
  attempt: number;
  since: Date;
  ended_at: Date | null;
  outcome: 'offered' | 'dismissed' | null;
  unit_id: string | null;
  waited_s: number | null;
}

/** An open wait with what matching it to a unit needs: priority, the camera's position, the units already tried. */
export interface WaitingAlert extends WaitRow {
  priority: number;
  lat: number;
  lon: number;
  tried: string[];
}

/** The unit was taken by another job inside offerAfterWait: roll back, answer null. */
class Taken extends Error {}

/** available -> assigned, only if still available: the one way a unit is taken for an offer. */
async function takeUnit(t: Db, unitId: string): Promise<boolean> {
  return (await t.query(`update units set status = 'assigned' where id = $1 and status = 'available' returning id`, [unitId])).length > 0;
}

export class AssignmentRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): AssignmentRepo {
    return new AssignmentRepo(db);
  }

  /**
   * The offer for (alert, attempt), taking the unit (available -> assigned) in the same transaction, so two
   * jobs never send one unit two alerts and a crash never leaves a unit assigned to nothing. A retried
   * dispatch job gets the row it made before; null when the unit was taken meanwhile.
   */
  async offer(alertId: string, attempt: number, unitId: string, distanceM: number, etaS: number): Promise<AssignmentRow | null> {
    return this.db.tx(async (t) => {
      const [made] = await t.query<AssignmentRow>('select * from assignments where alert_id = $1 and attempt = $2', [alertId, attempt]);
      if (made) return made;
      if (!(await takeUnit(t, unitId))) return null;
      const [row] = await t.query<AssignmentRow>(
        'insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s) values ($1,$2,$3,$4,$5,$6) returning *',
        [randomUUID(), alertId, unitId, attempt, distanceM, etaS],
      );
      return row;
    });
  }

  /** Whether the alert was ever offered to a unit or waited for one: its first dispatch job has run. */
  async dispatchStarted(alertId: string): Promise<boolean> {
    const [row] = await this.db.query<{ started: boolean }>(
      'select exists (select 1 from assignments where alert_id = $1) or exists (select 1 from dispatch_waits where alert_id = $1) as started',
      [alertId],
    );
    return row.started;
  }

  /** Records that the alert waits for a free unit (its round `attempt`); a second call finds the open wait. */
  async startWait(alertId: string, attempt: number): Promise<{ wait: WaitRow; created: boolean }> {
    const made = await this.db.query<WaitRow>(
      `insert into dispatch_waits (id, alert_id, attempt) values ($1,$2,$3) on conflict (alert_id) where ended_at is null do nothing returning *`,
      [randomUUID(), alertId, attempt],
    );
    if (made[0]) return { wait: made[0], created: true };
    const [open] = await this.db.query<WaitRow>('select * from dispatch_waits where alert_id = $1 and ended_at is null', [alertId]);
    return { wait: open, created: false };
  }

  /** Alerts waiting now (not dismissed), highest priority (1) first, then the longest waiting; with their target and the units tried. */
  async openWaits(): Promise<WaitingAlert[]> {
    return this.db.query<WaitingAlert>(
      `select w.*, a.priority, c.lat, c.lon, array(select s.unit_id from assignments s where s.alert_id = w.alert_id) as tried
       from dispatch_waits w join alerts a on a.id = w.alert_id join cameras c on c.id = a.camera_id
       where w.ended_at is null and a.status <> 'dismissed'
       order by a.priority, w.since`,
    );
  }

  /** The open waits of these alerts (the alert list shows which wait). */
  async waitsOf(alertIds: readonly string[]): Promise<WaitRow[]> {
    if (!alertIds.length) return [];
    return this.db.query<WaitRow>('select * from dispatch_waits where alert_id = any($1::uuid[]) and ended_at is null', [alertIds]);
  }

  /**
   * Ends the wait by offering the alert to the unit: the unit taken, the wait closed with its seconds, the
   * assignment made, all or nothing. Null when the unit or the wait was taken by another job meanwhile.
   */
  async offerAfterWait(waitId: string, unitId: string, distanceM: number, etaS: number): Promise<{ assignment: AssignmentRow; wait: WaitRow } | null> {
    return this.db.tx(async (t) => {
      const [wait] = await t.query<WaitRow>(
        `update dispatch_waits set ended_at = now(), outcome = 'offered', unit_id = $2, waited_s = extract(epoch from (now() - since))::float8
         where id = $1 and ended_at is null returning *`,
        [waitId, unitId],
      );
      if (!wait) return null;
      if (!(await takeUnit(t, unitId))) throw new Taken();
      const [assignment] = await t.query<AssignmentRow>(
        'insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s) values ($1,$2,$3,$4,$5,$6) returning *',
        [randomUUID(), wait.alert_id, unitId, wait.attempt, distanceM, etaS],
      );
      return { assignment, wait };
    }).catch((err: unknown) => {
      if (err instanceof Taken) return null;
      throw err;
    });
  }

  /**
   * Offers made after a wait in the last `withinS` seconds whose unit has not answered: a job that stopped
   * between the offer and queueing its delivery re-queues it (the delivery is idempotent).
   */
  async recentOffersAfterWait(withinS: number): Promise<WaitRow[]> {
    return this.db.query<WaitRow>(
      `select w.* from dispatch_waits w join assignments s on s.alert_id = w.alert_id and s.unit_id = w.unit_id
       where w.outcome = 'offered' and w.ended_at > now() - make_interval(secs => $1) and s.state = 'offered'`,
      [withinS],
    );
  }

  /** A dismissed alert stops waiting. */
  async endWait(alertId: string): Promise<void> {
    await this.db.query(`update dispatch_waits set ended_at = now(), outcome = 'dismissed' where alert_id = $1 and ended_at is null`, [alertId]);
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

  /**
   * Claims an offer's delivery, or resumes one a stopped job claimed and never confirmed (pending): true
   * means send it (then noteDelivery), false means it was sent already.
   */
  async claimOffer(alertId: string, recipient: string, channel: 'sse' | 'webhook' | 'mqtt'): Promise<boolean> {
    const rows = await this.db.query(
      `insert into deliveries (alert_id, recipient, channel, pending) values ($1,$2,$3,true)
       on conflict (alert_id, recipient, channel) do update set pending = true where deliveries.pending returning alert_id`,
      [alertId, recipient, channel],
    );
    return rows.length > 0;
  }

  async noteDelivery(alertId: string, recipient: string, channel: 'sse' | 'webhook' | 'mqtt', detail: string): Promise<void> {
    await this.db.query('update deliveries set detail = $4, delivered_at = now(), pending = false where alert_id = $1 and recipient = $2 and channel = $3', [alertId, recipient, channel, detail]);
  }

  async deliveries(alertId: string): Promise<{ recipient: string; channel: string; delivered_at: Date; detail: string | null }[]> {
    return this.db.query('select recipient, channel, delivered_at, detail from deliveries where alert_id = $1 order by delivered_at', [alertId]);
  }

  async releaseDelivery(alertId: string, recipient: string, channel: 'sse' | 'webhook' | 'mqtt'): Promise<void> {
    await this.db.query('delete from deliveries where alert_id = $1 and recipient = $2 and channel = $3', [alertId, recipient, channel]);
  }
}
