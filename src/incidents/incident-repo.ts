// Incidents and their response legs (one per unit or one-minute response point): the writes (raise, close, legs
// offered and moved on, units taken and freed); the reads are IncidentReads'. Rows private, records camelCase.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { IncidentReads } from './incident-reads.js';
import {
  toIncident,
  toLeg,
  type Incident,
  type IncidentLeg,
  type LegRow,
  type LegState,
  type NewIncident,
  type NewLeg,
  type Row,
} from './incident-records.js';

export type {
  Incident,
  IncidentLeg,
  IncidentSource,
  IncidentStatus,
  LegKind,
  LegState,
  NewIncident,
  NewLeg,
  UnitCandidate,
} from './incident-records.js';

/** available -> assigned, only if still available: a unit (or post) is taken for one offer at a time. */
async function takeUnit(t: Db, unitId: string): Promise<boolean> {
  return (
    (
      await t.query(`update units set status = 'assigned' where id = $1 and status = 'available' returning id`, [
        unitId,
      ])
    ).length > 0
  );
}

const STAMP: Record<'acknowledged' | 'arrived' | 'timed_out' | 'released', string> = {
  acknowledged: 'acknowledged_at',
  arrived: 'arrived_at',
  timed_out: 'ended_at',
  released: 'ended_at',
};
const FROM: Record<keyof typeof STAMP, LegState[]> = {
  acknowledged: ['offered'],
  arrived: ['offered', 'acknowledged'],
  timed_out: ['offered'],
  released: ['offered', 'acknowledged', 'arrived'],
};

export class IncidentRepo extends IncidentReads {
  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): IncidentRepo {
    return new IncidentRepo(db);
  }

  async create(n: NewIncident): Promise<Incident> {
    const [row] = await this.db.query<Row>(
      `insert into incidents (id, source, type, severity, lat, lon, camera_id, district, grid, alert_id, mark_id, plate, description, duty_level, shift,
         reported_by, reported_by_person, role)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) returning *`,
      [
        randomUUID(),
        n.source,
        n.type,
        n.severity,
        n.lat,
        n.lon,
        n.cameraId,
        n.district,
        n.grid,
        n.alertId,
        n.markId,
        n.plate,
        n.description,
        n.dutyLevel,
        n.shift,
        n.reportedBy,
        n.reportedByPerson,
        n.role,
      ],
    );
    return toIncident(row, [], []);
  }

  /** Closes (or cancels) an open incident; null when it was no longer open. */
  async close(id: string, status: 'closed' | 'cancelled', by: string, note: string): Promise<Incident | null> {
    const [row] = await this.db.query<Row>(
      `update incidents set status = $2, closed_at = now(), closed_by = $3, close_note = $4 where id = $1 and status = 'open' returning *`,
      [id, status, by, note],
    );
    return row ? (await this.complete([row]))[0] : null;
  }

  /**
   * Adds a leg, taking the unit (available -> assigned) in the same statement group: call inside db.tx so
   * both commit or neither. Null when the unit was taken meanwhile (or already serves this incident).
   */
  async addLeg(l: NewLeg): Promise<IncidentLeg | null> {
    const [served] = await this.db.query('select 1 from incident_legs where incident_id = $1 and unit_id = $2', [
      l.incidentId,
      l.unitId,
    ]);
    if (served || !(await takeUnit(this.db, l.unitId))) return null;
    const [row] = await this.db.query<LegRow>(
      `insert into incident_legs (id, incident_id, unit_id, kind, unit_type, grid, lane, distance_m, eta_s, target_s)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) returning *`,
      [randomUUID(), l.incidentId, l.unitId, l.kind, l.unitType, l.grid, l.lane, l.distanceM, l.etaS, l.targetS],
    );
    const [inc] = await this.db.query<{ created_at: Date }>('select created_at from incidents where id = $1', [
      l.incidentId,
    ]);
    return toLeg(row, new Date(inc.created_at));
  }

  /** Moves a leg forward; only legal transitions happen, otherwise null. */
  async transitionLeg(id: string, to: keyof typeof STAMP): Promise<IncidentLeg | null> {
    const [row] = await this.db.query<{ id: string }>(
      `update incident_legs set state = $2, ${STAMP[to]} = now() where id = $1 and state = any($3) returning id`,
      [id, to, FROM[to]],
    );
    return row ? this.leg(row.id) : null;
  }

  async linkInterception(incidentId: string, orderId: string): Promise<void> {
    await this.db.query(
      'insert into incident_interceptions (incident_id, order_id) values ($1,$2) on conflict do nothing',
      [incidentId, orderId],
    );
  }

  /** A unit's status as its leg moves (en_route, on_scene) or ends (available). */
  async setUnitStatus(unitId: string, status: 'available' | 'en_route' | 'on_scene'): Promise<void> {
    await this.db.query('update units set status = $2 where id = $1', [unitId, status]);
  }
}
