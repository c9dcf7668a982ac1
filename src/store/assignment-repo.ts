// Assignments: an alert offered to a unit, then acknowledged, arrived, timed out or resolved; the waits for a free unit; deliveries.
// The rows stay here: every method answers records of src/domain/assignment.ts, mapped in toAssignment and toWait.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import {
  ASSIGNMENT_TRANSITIONS,
  OPEN_STATES,
  type Assignment,
  type AssignmentMove,
  type AssignmentState,
  type Delivery,
  type DeliveryChannel,
  type DispatchWait,
  type WaitingAlert,
} from '../domain/assignment.js';

export type { Assignment, AssignmentState, DispatchWait, WaitingAlert } from '../domain/assignment.js';

interface AssignmentRow {
  id: string;
  alert_id: string;
  unit_id: string;
  attempt: number;
  state: AssignmentState;
  distance_m: number;
  eta_s: number;
  offered_at: Date | string;
  acknowledged_at: Date | string | null;
  arrived_at: Date | string | null;
  timed_out_at: Date | string | null;
}

interface WaitRow {
  id: string;
  alert_id: string;
  attempt: number;
  since: Date | string;
  ended_at: Date | string | null;
  outcome: 'offered' | 'dismissed' | null;
  unit_id: string | null;
  waited_s: number | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null) => (v === null ? null : date(v));

function toAssignment(r: AssignmentRow): Assignment {
  return {
    id: r.id,
    alertId: r.alert_id,
    unitId: r.unit_id,
    attempt: r.attempt,
    state: r.state,
    distanceM: r.distance_m,
    etaS: r.eta_s,
    offeredAt: date(r.offered_at),
    acknowledgedAt: dateOrNull(r.acknowledged_at),
    arrivedAt: dateOrNull(r.arrived_at),
    timedOutAt: dateOrNull(r.timed_out_at),
  };
}

function toWait(r: WaitRow): DispatchWait {
  return {
    id: r.id,
    alertId: r.alert_id,
    attempt: r.attempt,
    since: date(r.since),
    endedAt: dateOrNull(r.ended_at),
    outcome: r.outcome,
    unitId: r.unit_id,
    waitedS: r.waited_s,
  };
}

/** When each move is stamped (resolved has no column of its own). */
const STAMP: Record<AssignmentMove, string | null> = {
  acknowledged: 'acknowledged_at',
  arrived: 'arrived_at',
  timed_out: 'timed_out_at',
  resolved: null,
};

/** The unit was taken by another job inside offerAfterWait: roll back, answer null. */
class Taken extends Error {}

/** available -> assigned, only if still available: the one way a unit is taken for an offer. */
async function takeUnit(t: Db, unitId: string): Promise<boolean> {
  return (
    (
      await t.query(`update units set status = 'assigned' where id = $1 and status = 'available' returning id`, [
        unitId,
      ])
    ).length > 0
  );
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
   * dispatch job gets the assignment it made before; null when the unit was taken meanwhile.
   */
  async offer(
    alertId: string,
    attempt: number,
    unitId: string,
    distanceM: number,
    etaS: number,
  ): Promise<Assignment | null> {
    return this.db.tx(async (t) => {
      const [made] = await t.query<AssignmentRow>('select * from assignments where alert_id = $1 and attempt = $2', [
        alertId,
        attempt,
      ]);
      if (made) return toAssignment(made);
      if (!(await takeUnit(t, unitId))) return null;
      const [row] = await t.query<AssignmentRow>(
        'insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s) values ($1,$2,$3,$4,$5,$6) returning *',
        [randomUUID(), alertId, unitId, attempt, distanceM, etaS],
      );
      return toAssignment(row);
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
  async startWait(alertId: string, attempt: number): Promise<{ wait: DispatchWait; created: boolean }> {
    const made = await this.db.query<WaitRow>(
      `insert into dispatch_waits (id, alert_id, attempt) values ($1,$2,$3) on conflict (alert_id) where ended_at is null do nothing returning *`,
      [randomUUID(), alertId, attempt],
    );
    if (made[0]) return { wait: toWait(made[0]), created: true };
    const [open] = await this.db.query<WaitRow>(
      'select * from dispatch_waits where alert_id = $1 and ended_at is null',
      [alertId],
    );
    return { wait: toWait(open), created: false };
  }

  /** Alerts waiting now (not dismissed), highest priority (1) first, then the longest waiting; with their target and the units tried. */
  async openWaits(): Promise<WaitingAlert[]> {
    const rows = await this.db.query<WaitRow & { priority: number; lat: number; lon: number; tried: string[] }>(
      `select w.*, a.priority, c.lat, c.lon, array(select s.unit_id from assignments s where s.alert_id = w.alert_id) as tried
       from dispatch_waits w join alerts a on a.id = w.alert_id join cameras c on c.id = a.camera_id
       where w.ended_at is null and a.status <> 'dismissed'
       order by a.priority, w.since`,
    );
    return rows.map((r) => ({ ...toWait(r), priority: r.priority, lat: r.lat, lon: r.lon, tried: r.tried }));
  }

  /** The open waits of these alerts (the alert list shows which wait). */
  async waitsOf(alertIds: readonly string[]): Promise<DispatchWait[]> {
    if (!alertIds.length) return [];
    return (
      await this.db.query<WaitRow>(
        'select * from dispatch_waits where alert_id = any($1::uuid[]) and ended_at is null',
        [alertIds],
      )
    ).map(toWait);
  }

  /**
   * Ends the wait by offering the alert to the unit: the unit taken, the wait closed with its seconds, the
   * assignment made, all or nothing. Null when the unit or the wait was taken by another job meanwhile.
   */
  async offerAfterWait(
    waitId: string,
    unitId: string,
    distanceM: number,
    etaS: number,
  ): Promise<{ assignment: Assignment; wait: DispatchWait } | null> {
    return this.db
      .tx(async (t) => {
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
        return { assignment: toAssignment(assignment), wait: toWait(wait) };
      })
      .catch((err: unknown) => {
        if (err instanceof Taken) return null;
        throw err;
      });
  }

  /**
   * Offers made after a wait in the last `withinS` seconds whose unit has not answered: a job that stopped
   * between the offer and queueing its delivery re-queues it (the delivery is idempotent).
   */
  async recentOffersAfterWait(withinS: number): Promise<DispatchWait[]> {
    const rows = await this.db.query<WaitRow>(
      `select w.* from dispatch_waits w join assignments s on s.alert_id = w.alert_id and s.unit_id = w.unit_id
       where w.outcome = 'offered' and w.ended_at > now() - make_interval(secs => $1) and s.state = 'offered'`,
      [withinS],
    );
    return rows.map(toWait);
  }

  /** A dismissed alert stops waiting. */
  async endWait(alertId: string): Promise<void> {
    await this.db.query(
      `update dispatch_waits set ended_at = now(), outcome = 'dismissed' where alert_id = $1 and ended_at is null`,
      [alertId],
    );
  }

  async forAlert(alertId: string): Promise<Assignment[]> {
    return (
      await this.db.query<AssignmentRow>('select * from assignments where alert_id = $1 order by attempt', [alertId])
    ).map(toAssignment);
  }

  async get(id: string): Promise<Assignment | null> {
    const [row] = await this.db.query<AssignmentRow>('select * from assignments where id = $1', [id]);
    return row ? toAssignment(row) : null;
  }

  /** Offers a unit has not answered yet: replayed when its stream (re)connects. */
  async openForUnit(unitId: string): Promise<Assignment[]> {
    const rows = await this.db.query<AssignmentRow>(
      `select * from assignments where unit_id = $1 and state = any($2) order by offered_at`,
      [unitId, OPEN_STATES],
    );
    return rows.map(toAssignment);
  }

  /** Moves an assignment forward; only the transitions domain/assignment.ts allows happen, otherwise null. */
  async transition(id: string, to: AssignmentMove): Promise<Assignment | null> {
    const stamp = STAMP[to];
    const [row] = await this.db.query<AssignmentRow>(
      `update assignments set state = $2${stamp ? `, ${stamp} = now()` : ''} where id = $1 and state = any($3) returning *`,
      [id, to, ASSIGNMENT_TRANSITIONS[to]],
    );
    return row ? toAssignment(row) : null;
  }

  /** Claims a delivery slot; false when this alert already went to this recipient on this channel. */
  async claimDelivery(alertId: string, recipient: string, channel: DeliveryChannel, detail?: string): Promise<boolean> {
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
  async claimOffer(alertId: string, recipient: string, channel: DeliveryChannel): Promise<boolean> {
    const rows = await this.db.query(
      `insert into deliveries (alert_id, recipient, channel, pending) values ($1,$2,$3,true)
       on conflict (alert_id, recipient, channel) do update set pending = true where deliveries.pending returning alert_id`,
      [alertId, recipient, channel],
    );
    return rows.length > 0;
  }

  async noteDelivery(alertId: string, recipient: string, channel: DeliveryChannel, detail: string): Promise<void> {
    await this.db.query(
      'update deliveries set detail = $4, delivered_at = now(), pending = false where alert_id = $1 and recipient = $2 and channel = $3',
      [alertId, recipient, channel, detail],
    );
  }

  async deliveries(alertId: string): Promise<Delivery[]> {
    const rows = await this.db.query<{
      recipient: string;
      channel: string;
      delivered_at: Date | string;
      detail: string | null;
    }>('select recipient, channel, delivered_at, detail from deliveries where alert_id = $1 order by delivered_at', [
      alertId,
    ]);
    return rows.map((r) => ({
      recipient: r.recipient,
      channel: r.channel,
      deliveredAt: date(r.delivered_at),
      detail: r.detail,
    }));
  }

  async releaseDelivery(alertId: string, recipient: string, channel: DeliveryChannel): Promise<void> {
    await this.db.query('delete from deliveries where alert_id = $1 and recipient = $2 and channel = $3', [
      alertId,
      recipient,
      channel,
    ]);
  }
}
