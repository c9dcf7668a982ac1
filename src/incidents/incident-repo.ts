// Incidents and their response legs (one per unit or one-minute response point): rows private, records camelCase.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';

export type IncidentSource = 'mark' | 'alert' | 'call';
export type IncidentStatus = 'open' | 'closed' | 'cancelled';
export type LegKind = 'unit' | 'post';
export type LegState = 'offered' | 'acknowledged' | 'arrived' | 'timed_out' | 'released';

/** One unit's (or post's) part in an incident's response. */
export interface IncidentLeg {
  id: string;
  incidentId: string;
  unitId: string;
  kind: LegKind;
  unitType: string;
  /** The unit's home grid. */
  grid: string;
  /** 1, 2, ... in the order offered. */
  lane: number;
  state: LegState;
  distanceM: number;
  etaS: number;
  /** The response target the leg is timed against: 60, 180 or 300 s. */
  targetS: number;
  offeredAt: Date;
  acknowledgedAt: Date | null;
  arrivedAt: Date | null;
  endedAt: Date | null;
  /** Seconds from the offer to the acknowledgement; null until acknowledged. */
  acknowledgedAfterS: number | null;
  /** Seconds from the incident's report (createdAt) to arrival; null until arrived. */
  arrivedAfterS: number | null;
  /** Arrived within targetS of the report; null while still on the way, false when ended without arriving. */
  withinTarget: boolean | null;
}

export interface Incident {
  id: string;
  source: IncidentSource;
  type: string;
  severity: number;
  status: IncidentStatus;
  lat: number;
  lon: number;
  cameraId: string | null;
  district: string;
  grid: string | null;
  alertId: string | null;
  markId: string | null;
  plate: string | null;
  description: string;
  /** The duty level whose response table decided the legs. */
  dutyLevel: string;
  /** The named shift it was raised in (reports.shifts). */
  shift: string;
  reportedBy: string;
  reportedByPerson: string;
  role: string;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
  closeNote: string | null;
  legs: IncidentLeg[];
  /** Interception orders it made (interception_orders ids). */
  interceptionOrderIds: string[];
}

/** A unit as the response planner sees it. */
export interface UnitCandidate {
  id: string;
  callsign: string;
  type: string;
  homeGrid: string;
  status: string;
  lat: number | null;
  lon: number | null;
  /** Epoch ms of the last fix. */
  positionAt: number | null;
}

export type NewIncident = Omit<
  Incident,
  'id' | 'status' | 'createdAt' | 'closedAt' | 'closedBy' | 'closeNote' | 'legs' | 'interceptionOrderIds'
>;

export interface NewLeg {
  incidentId: string;
  unitId: string;
  kind: LegKind;
  unitType: string;
  grid: string;
  lane: number;
  distanceM: number;
  etaS: number;
  targetS: number;
}

interface Row {
  id: string;
  source: IncidentSource;
  type: string;
  severity: number;
  status: IncidentStatus;
  lat: number;
  lon: number;
  camera_id: string | null;
  district: string;
  grid: string | null;
  alert_id: string | null;
  mark_id: string | null;
  plate: string | null;
  description: string;
  duty_level: string;
  shift: string;
  reported_by: string;
  reported_by_person: string;
  role: string;
  created_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
  close_note: string | null;
}

interface LegRow {
  id: string;
  incident_id: string;
  unit_id: string;
  kind: LegKind;
  unit_type: string;
  grid: string;
  lane: number;
  state: LegState;
  distance_m: number;
  eta_s: number;
  target_s: number;
  offered_at: Date;
  acknowledged_at: Date | null;
  arrived_at: Date | null;
  ended_at: Date | null;
}

const date = (d: Date | null) => (d ? new Date(d) : null);
const secondsBetween = (from: Date, to: Date | null) =>
  to ? (new Date(to).getTime() - new Date(from).getTime()) / 1000 : null;

function toLeg(r: LegRow, reportedAt: Date): IncidentLeg {
  const arrivedAfterS = secondsBetween(reportedAt, r.arrived_at);
  const ended = r.state === 'timed_out' || r.state === 'released';
  return {
    id: r.id,
    incidentId: r.incident_id,
    unitId: r.unit_id,
    kind: r.kind,
    unitType: r.unit_type,
    grid: r.grid,
    lane: r.lane,
    state: r.state,
    distanceM: r.distance_m,
    etaS: r.eta_s,
    targetS: r.target_s,
    offeredAt: new Date(r.offered_at),
    acknowledgedAt: date(r.acknowledged_at),
    arrivedAt: date(r.arrived_at),
    endedAt: date(r.ended_at),
    acknowledgedAfterS: secondsBetween(r.offered_at, r.acknowledged_at),
    arrivedAfterS,
    withinTarget: arrivedAfterS !== null ? arrivedAfterS <= r.target_s : ended ? false : null,
  };
}

function toIncident(r: Row, legs: LegRow[], orders: string[]): Incident {
  const createdAt = new Date(r.created_at);
  return {
    id: r.id,
    source: r.source,
    type: r.type,
    severity: r.severity,
    status: r.status,
    lat: r.lat,
    lon: r.lon,
    cameraId: r.camera_id,
    district: r.district,
    grid: r.grid,
    alertId: r.alert_id,
    markId: r.mark_id,
    plate: r.plate,
    description: r.description,
    dutyLevel: r.duty_level,
    shift: r.shift,
    reportedBy: r.reported_by,
    reportedByPerson: r.reported_by_person,
    role: r.role,
    createdAt,
    closedAt: date(r.closed_at),
    closedBy: r.closed_by,
    closeNote: r.close_note,
    legs: legs.map((l) => toLeg(l, createdAt)),
    interceptionOrderIds: orders,
  };
}

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

export class IncidentRepo {
  constructor(readonly db: Db) {}

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

  async get(id: string): Promise<Incident | null> {
    const [row] = await this.db.query<Row>('select * from incidents where id = $1', [id]);
    return row ? (await this.complete([row]))[0] : null;
  }

  /** The incident raised from this alert or this mark (one each at most). */
  async findBy(ref: { alertId: string } | { markId: string }): Promise<Incident | null> {
    const [row] =
      'alertId' in ref
        ? await this.db.query<Row>('select * from incidents where alert_id = $1', [ref.alertId])
        : await this.db.query<Row>('select * from incidents where mark_id = $1', [ref.markId]);
    return row ? (await this.complete([row]))[0] : null;
  }

  /** Incidents reported in [from, to), oldest first, optionally of one district; with their legs and orders. */
  async between(from: Date, to: Date, district?: string): Promise<Incident[]> {
    const rows = await this.db.query<Row>(
      `select * from incidents where created_at >= $1 and created_at < $2 and ($3::text is null or district = $3) order by created_at, id`,
      [from.toISOString(), to.toISOString(), district ?? null],
    );
    return this.complete(rows);
  }

  /** Open incidents, oldest first (the handover listing), optionally of some districts. */
  async open(districts?: readonly string[]): Promise<Incident[]> {
    const rows = await this.db.query<Row>(
      `select * from incidents where status = 'open' and ($1::text[] is null or district = any($1)) order by created_at, id`,
      [districts ? [...districts] : null],
    );
    return this.complete(rows);
  }

  /** Newest first. */
  async list(opts: { status?: IncidentStatus; limit?: number } = {}): Promise<Incident[]> {
    const rows = await this.db.query<Row>(
      'select * from incidents where ($1::text is null or status = $1) order by created_at desc limit $2',
      [opts.status ?? null, Math.min(opts.limit ?? 100, 500)],
    );
    return this.complete(rows);
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

  async leg(id: string): Promise<IncidentLeg | null> {
    const [row] = await this.db.query<LegRow & { reported_at: Date }>(
      'select l.*, i.created_at as reported_at from incident_legs l join incidents i on i.id = l.incident_id where l.id = $1',
      [id],
    );
    return row ? toLeg(row, new Date(row.reported_at)) : null;
  }

  /** Moves a leg forward; only legal transitions happen, otherwise null. */
  async transitionLeg(id: string, to: keyof typeof STAMP): Promise<IncidentLeg | null> {
    const [row] = await this.db.query<{ id: string }>(
      `update incident_legs set state = $2, ${STAMP[to]} = now() where id = $1 and state = any($3) returning id`,
      [id, to, FROM[to]],
    );
    return row ? this.leg(row.id) : null;
  }

  /** Legs a unit is still answering (offered, acknowledged, arrived), oldest first: replayed on its stream. */
  async openLegsForUnit(unitId: string): Promise<IncidentLeg[]> {
    const rows = await this.db.query<LegRow & { reported_at: Date }>(
      `select l.*, i.created_at as reported_at from incident_legs l join incidents i on i.id = l.incident_id
       where l.unit_id = $1 and l.state in ('offered', 'acknowledged', 'arrived') order by l.offered_at`,
      [unitId],
    );
    return rows.map((r) => toLeg(r, new Date(r.reported_at)));
  }

  /** Offered legs not acknowledged within `seconds` (the escalation check passes them to the next nearest unit). */
  async unansweredSince(incidentId: string, seconds: number): Promise<IncidentLeg[]> {
    const rows = await this.db.query<LegRow & { reported_at: Date }>(
      `select l.*, i.created_at as reported_at from incident_legs l join incidents i on i.id = l.incident_id
       where l.incident_id = $1 and l.state = 'offered' and l.offered_at <= now() - make_interval(secs => $2)`,
      [incidentId, seconds],
    );
    return rows.map((r) => toLeg(r, new Date(r.reported_at)));
  }

  async linkInterception(incidentId: string, orderId: string): Promise<void> {
    await this.db.query(
      'insert into incident_interceptions (incident_id, order_id) values ($1,$2) on conflict do nothing',
      [incidentId, orderId],
    );
  }

  /** Every unit as a response candidate (SQL of its own, so the incident path reads units one way). */
  async candidates(): Promise<UnitCandidate[]> {
    const rows = await this.db.query<{
      id: string;
      callsign: string;
      type: string;
      home_grid: string;
      status: string;
      lat: number | null;
      lon: number | null;
      position_at: Date | null;
    }>('select id, callsign, type, home_grid, status, lat, lon, position_at from units order by id');
    return rows.map((r) => ({
      id: r.id,
      callsign: r.callsign,
      type: r.type,
      homeGrid: r.home_grid,
      status: r.status,
      lat: r.lat,
      lon: r.lon,
      positionAt: r.position_at ? new Date(r.position_at).getTime() : null,
    }));
  }

  /** A unit's status as its leg moves (en_route, on_scene) or ends (available). */
  async setUnitStatus(unitId: string, status: 'available' | 'en_route' | 'on_scene'): Promise<void> {
    await this.db.query('update units set status = $2 where id = $1', [unitId, status]);
  }

  /** What an incident needs of an alert: its status, camera and plate. */
  async alertRef(alertId: string): Promise<{ id: string; status: string; cameraId: string; plate: string } | null> {
    const [row] = await this.db.query<{ id: string; status: string; camera_id: string; plate: string }>(
      'select id, status, camera_id, plate from alerts where id = $1',
      [alertId],
    );
    return row ? { id: row.id, status: row.status, cameraId: row.camera_id, plate: row.plate } : null;
  }

  private async complete(rows: Row[]): Promise<Incident[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const legs = await this.db.query<LegRow>(
      'select * from incident_legs where incident_id = any($1::uuid[]) order by lane',
      [ids],
    );
    const orders = await this.db.query<{ incident_id: string; order_id: string }>(
      'select incident_id, order_id from incident_interceptions where incident_id = any($1::uuid[]) order by order_id',
      [ids],
    );
    return rows.map((r) =>
      toIncident(
        r,
        legs.filter((l) => l.incident_id === r.id),
        orders.filter((o) => o.incident_id === r.id).map((o) => o.order_id),
      ),
    );
  }
}
