// Incident and leg records and the one mapping from their rows (the rows stay inside incident-reads/-repo).
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

/** Rows as stored; only incident-reads.ts and incident-repo.ts see them. */
export interface Row {
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

export interface LegRow {
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

export function toLeg(r: LegRow, reportedAt: Date): IncidentLeg {
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

export function toIncident(r: Row, legs: LegRow[], orders: string[]): Incident {
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
