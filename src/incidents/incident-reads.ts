// Incident reads: one incident, the incidents of a window, the open ones, legs, unit candidates, an alert's
// reference. Writes are IncidentRepo's (incident-repo.ts), which reads through this class too.
import type { Db } from '../store/db.js';
import {
  toIncident,
  toLeg,
  type Incident,
  type IncidentLeg,
  type IncidentStatus,
  type LegRow,
  type Row,
  type UnitCandidate,
} from './incident-records.js';

export class IncidentReads {
  constructor(readonly db: Db) {}

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

  async leg(id: string): Promise<IncidentLeg | null> {
    const [row] = await this.db.query<LegRow & { reported_at: Date }>(
      'select l.*, i.created_at as reported_at from incident_legs l join incidents i on i.id = l.incident_id where l.id = $1',
      [id],
    );
    return row ? toLeg(row, new Date(row.reported_at)) : null;
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

  /** Open incidents with a leg still only offered after `seconds`, and their highest lane: the sweep's work. */
  async withLateLegs(seconds: number): Promise<{ incidentId: string; maxLane: number }[]> {
    const rows = await this.db.query<{ incident_id: string; max_lane: number }>(
      `select i.id as incident_id, (select max(lane) from incident_legs m where m.incident_id = i.id) as max_lane
       from incidents i where i.status = 'open' and exists (select 1 from incident_legs l where l.incident_id = i.id
         and l.state = 'offered' and l.offered_at <= now() - make_interval(secs => $1)) order by i.created_at`,
      [seconds],
    );
    return rows.map((r) => ({ incidentId: r.incident_id, maxLane: Number(r.max_lane) }));
  }

  /** Legs of open incidents still only offered, offered within `seconds`: their delivery is queued again (a no-op when queued). */
  async offeredWithin(seconds: number): Promise<{ incidentId: string; legId: string }[]> {
    const rows = await this.db.query<{ incident_id: string; id: string }>(
      `select l.incident_id, l.id from incident_legs l join incidents i on i.id = l.incident_id
       where i.status = 'open' and l.state = 'offered' and l.offered_at > now() - make_interval(secs => $1) order by l.offered_at`,
      [seconds],
    );
    return rows.map((r) => ({ incidentId: r.incident_id, legId: r.id }));
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

  /** What an incident needs of an alert: its status, camera and plate. */
  async alertRef(alertId: string): Promise<{ id: string; status: string; cameraId: string; plate: string } | null> {
    const [row] = await this.db.query<{ id: string; status: string; camera_id: string; plate: string }>(
      'select id, status, camera_id, plate from alerts where id = $1',
      [alertId],
    );
    return row ? { id: row.id, status: row.status, cameraId: row.camera_id, plate: row.plate } : null;
  }

  protected async complete(rows: Row[]): Promise<Incident[]> {
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
