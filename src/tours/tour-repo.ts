// Tour plans, the tour log (views), marks with their snapshots, and shift handovers: rows private, records camelCase.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';

/** A plan item: one camera, or a group (a district's cameras, or one grid's of it), expanded in camera id order. */
export type TourItem = { camera: string } | { district: string; grid?: string };

export interface TourPlan {
  id: string;
  name: string;
  items: TourItem[];
  dwellS: number;
  layout: 1 | 4 | 9;
  activeFrom: string;
  activeTo: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewTourPlan = Pick<
  TourPlan,
  'name' | 'items' | 'dwellS' | 'layout' | 'activeFrom' | 'activeTo' | 'createdBy'
>;

export interface TourView {
  planId: string;
  cameraId: string;
  personId: string;
  personName: string;
  shift: string;
  shiftDate: string;
  startedAt: Date;
  endedAt: Date;
  paused: boolean;
}

export type MarkStatus = 'open' | 'raised' | 'closed';

export interface TourMark {
  id: string;
  planId: string | null;
  cameraId: string;
  personId: string;
  personName: string;
  role: string;
  note: string;
  hasSnapshot: boolean;
  snapshotSource: 'page' | 'camera' | null;
  shift: string;
  shiftDate: string;
  status: MarkStatus;
  incidentId: string | null;
  createdAt: Date;
  closedBy: string | null;
  closedAt: Date | null;
  closeNote: string | null;
}

export type NewMark = Pick<
  TourMark,
  'planId' | 'cameraId' | 'personId' | 'personName' | 'role' | 'note' | 'shift' | 'shiftDate'
> & {
  snapshot: Buffer | null;
  snapshotSource: 'page' | 'camera' | null;
};

export interface Handover {
  id: string;
  shift: string;
  shiftDate: string;
  fromPerson: string;
  fromName: string;
  toName: string | null;
  note: string;
  items: { marks: string[]; incidents: string[] };
  at: Date;
}

interface PlanRow {
  id: string;
  name: string;
  items: TourItem[];
  dwell_s: number;
  layout: 1 | 4 | 9;
  active_from: string;
  active_to: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

interface MarkRow {
  id: string;
  plan_id: string | null;
  camera_id: string;
  person_id: string;
  person_name: string;
  role: string;
  note: string;
  has_snapshot: boolean;
  snapshot_source: 'page' | 'camera' | null;
  shift: string;
  shift_date: string | Date;
  status: MarkStatus;
  incident_id: string | null;
  created_at: Date;
  closed_by: string | null;
  closed_at: Date | null;
  close_note: string | null;
}

interface HandoverRow {
  id: string;
  shift: string;
  shift_date: string | Date;
  from_person: string;
  from_name: string;
  to_name: string | null;
  note: string;
  items: Handover['items'];
  at: Date;
}

/** A date column as YYYY-MM-DD (PGlite and pg may answer a Date at local midnight, or the text). */
const day = (d: string | Date) =>
  typeof d === 'string'
    ? d.slice(0, 10)
    : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const date = (d: Date | null) => (d ? new Date(d) : null);
const MARK_COLUMNS = `id, plan_id, camera_id, person_id, person_name, role, note, snapshot is not null as has_snapshot, snapshot_source, shift,
  shift_date::text as shift_date, status, incident_id, created_at, closed_by, closed_at, close_note`;

const toPlan = (r: PlanRow): TourPlan => ({
  id: r.id,
  name: r.name,
  items: r.items,
  dwellS: r.dwell_s,
  layout: r.layout,
  activeFrom: r.active_from,
  activeTo: r.active_to,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const toMark = (r: MarkRow): TourMark => ({
  id: r.id,
  planId: r.plan_id,
  cameraId: r.camera_id,
  personId: r.person_id,
  personName: r.person_name,
  role: r.role,
  note: r.note,
  hasSnapshot: r.has_snapshot,
  snapshotSource: r.snapshot_source,
  shift: r.shift,
  shiftDate: day(r.shift_date),
  status: r.status,
  incidentId: r.incident_id,
  createdAt: new Date(r.created_at),
  closedBy: r.closed_by,
  closedAt: date(r.closed_at),
  closeNote: r.close_note,
});

const toHandover = (r: HandoverRow): Handover => ({
  id: r.id,
  shift: r.shift,
  shiftDate: day(r.shift_date),
  fromPerson: r.from_person,
  fromName: r.from_name,
  toName: r.to_name,
  note: r.note,
  items: r.items,
  at: new Date(r.at),
});

export class TourRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): TourRepo {
    return new TourRepo(db);
  }

  async createPlan(p: NewTourPlan): Promise<TourPlan> {
    const [row] = await this.db.query<PlanRow>(
      `insert into tour_plans (id, name, items, dwell_s, layout, active_from, active_to, created_by) values ($1,$2,$3,$4,$5,$6,$7,$8) returning *`,
      [randomUUID(), p.name, JSON.stringify(p.items), p.dwellS, p.layout, p.activeFrom, p.activeTo, p.createdBy],
    );
    return toPlan(row);
  }

  async plan(id: string): Promise<TourPlan | null> {
    const [row] = await this.db.query<PlanRow>('select * from tour_plans where id = $1 and archived_at is null', [id]);
    return row ? toPlan(row) : null;
  }

  async plans(): Promise<TourPlan[]> {
    return (await this.db.query<PlanRow>('select * from tour_plans where archived_at is null order by name, id')).map(
      toPlan,
    );
  }

  async addViews(views: readonly TourView[]): Promise<void> {
    for (const v of views) {
      await this.db.query(
        `insert into tour_views (id, plan_id, camera_id, person_id, person_name, shift, shift_date, started_at, ended_at, paused) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [
          randomUUID(),
          v.planId,
          v.cameraId,
          v.personId,
          v.personName,
          v.shift,
          v.shiftDate,
          v.startedAt.toISOString(),
          v.endedAt.toISOString(),
          v.paused,
        ],
      );
    }
  }

  async views(planId: string, shift: string, shiftDate: string): Promise<TourView[]> {
    const rows = await this.db.query<{
      plan_id: string;
      camera_id: string;
      person_id: string;
      person_name: string;
      shift: string;
      shift_date: string;
      started_at: Date;
      ended_at: Date;
      paused: boolean;
    }>(
      `select plan_id, camera_id, person_id, person_name, shift, shift_date::text as shift_date, started_at, ended_at, paused from tour_views
       where plan_id = $1 and shift = $2 and shift_date = $3::date order by started_at`,
      [planId, shift, shiftDate],
    );
    return rows.map((r) => ({
      planId: r.plan_id,
      cameraId: r.camera_id,
      personId: r.person_id,
      personName: r.person_name,
      shift: r.shift,
      shiftDate: day(r.shift_date),
      startedAt: new Date(r.started_at),
      endedAt: new Date(r.ended_at),
      paused: r.paused,
    }));
  }

  async createMark(m: NewMark): Promise<TourMark> {
    const [row] = await this.db.query<MarkRow>(
      `insert into tour_marks (id, plan_id, camera_id, person_id, person_name, role, note, snapshot, snapshot_source, shift, shift_date)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) returning ${MARK_COLUMNS}`,
      [
        randomUUID(),
        m.planId,
        m.cameraId,
        m.personId,
        m.personName,
        m.role,
        m.note,
        m.snapshot,
        m.snapshotSource,
        m.shift,
        m.shiftDate,
      ],
    );
    return toMark(row);
  }

  async mark(id: string): Promise<TourMark | null> {
    const [row] = await this.db.query<MarkRow>(`select ${MARK_COLUMNS} from tour_marks where id = $1`, [id]);
    return row ? toMark(row) : null;
  }

  async snapshot(id: string): Promise<Buffer | null> {
    const [row] = await this.db.query<{ snapshot: Uint8Array | null }>(
      'select snapshot from tour_marks where id = $1',
      [id],
    );
    return row?.snapshot ? Buffer.from(row.snapshot) : null;
  }

  /** Marks not closed (open, or raised as an incident still open), oldest first. */
  async openMarks(): Promise<TourMark[]> {
    const rows = await this.db.query<MarkRow>(
      `select ${MARK_COLUMNS} from tour_marks m
       where m.status = 'open' or (m.status = 'raised' and exists (select 1 from incidents i where i.id = m.incident_id and i.status = 'open'))
       order by created_at, id`,
    );
    return rows.map(toMark);
  }

  /** The mark was raised as the incident; null when it was no longer open. */
  async raised(id: string, incidentId: string): Promise<TourMark | null> {
    const [row] = await this.db.query<MarkRow>(
      `update tour_marks set status = 'raised', incident_id = $2 where id = $1 and status = 'open' returning ${MARK_COLUMNS}`,
      [id, incidentId],
    );
    return row ? toMark(row) : null;
  }

  async closeMark(id: string, by: string, note: string): Promise<TourMark | null> {
    const [row] = await this.db.query<MarkRow>(
      `update tour_marks set status = 'closed', closed_by = $2, closed_at = now(), close_note = $3 where id = $1 and status <> 'closed' returning ${MARK_COLUMNS}`,
      [id, by, note],
    );
    return row ? toMark(row) : null;
  }

  async addHandover(h: Omit<Handover, 'id' | 'at'>): Promise<Handover> {
    const [row] = await this.db.query<HandoverRow>(
      `insert into tour_handovers (id, shift, shift_date, from_person, from_name, to_name, note, items) values ($1,$2,$3,$4,$5,$6,$7,$8)
       returning id, shift, shift_date::text as shift_date, from_person, from_name, to_name, note, items, at`,
      [randomUUID(), h.shift, h.shiftDate, h.fromPerson, h.fromName, h.toName, h.note, JSON.stringify(h.items)],
    );
    return toHandover(row);
  }

  async handovers(limit = 20): Promise<Handover[]> {
    const rows = await this.db.query<HandoverRow>(
      'select id, shift, shift_date::text as shift_date, from_person, from_name, to_name, note, items, at from tour_handovers order by at desc limit $1',
      [limit],
    );
    return rows.map(toHandover);
  }
}
