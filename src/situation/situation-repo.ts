// The situation report's reads of one district over [from, to): hits by grid and local hour, each alert's
// first arrival, listed plates seen by category, and the interception orders made there. Rows private.
import type { Db } from '../store/db.js';

export interface GridHourCount {
  grid: string;
  hour: number;
  count: number;
}

export interface AlertResponse {
  grid: string;
  /** Seconds from the alert to the first unit on scene; null when none arrived. */
  arriveS: number | null;
}

export interface PlateHits {
  hits: number;
  distinctPlates: number;
  confirmed: number;
  dismissed: number;
  byCategory: { category: string; hits: number }[];
}

export interface InterceptionCounts {
  ordered: number;
  closed: number;
  cancelled: number;
  open: number;
  /** Median seconds from the order to the closing read, over the closed ones. */
  closeP50S: number | null;
}

const iso = (t: number) => new Date(t).toISOString();

export class SituationRepo {
  constructor(readonly db: Db) {}

  /** Alerts (plate and face hits) by the camera's grid (else district) and local hour. */
  async hitsByGridHour(district: string, from: number, to: number, timeZone: string): Promise<GridHourCount[]> {
    return this.db.query<GridHourCount>(
      `select coalesce(c.grid, c.district) as grid, extract(hour from (a.created_at at time zone $4))::int as hour, count(*)::int as count
       from alerts a join cameras c on c.id = a.camera_id
       where c.district = $1 and a.created_at >= $2 and a.created_at < $3
       group by 1, 2 order by 1, 2`,
      [district, iso(from), iso(to), timeZone],
    );
  }

  /** Every dispatched alert's first arrival (an alert counts once, however many units went). */
  async alertResponses(district: string, from: number, to: number): Promise<AlertResponse[]> {
    const rows = await this.db.query<{ grid: string; arrive_s: number | null }>(
      `select coalesce(c.grid, c.district) as grid, extract(epoch from (min(s.arrived_at) - a.created_at))::float8 as arrive_s
       from alerts a join cameras c on c.id = a.camera_id join assignments s on s.alert_id = a.id
       where c.district = $1 and a.created_at >= $2 and a.created_at < $3
       group by a.id, a.created_at, c.grid, c.district order by a.created_at`,
      [district, iso(from), iso(to)],
    );
    return rows.map((r) => ({ grid: r.grid, arriveS: r.arrive_s }));
  }

  async plateHits(district: string, from: number, to: number): Promise<PlateHits> {
    const params = [district, iso(from), iso(to)];
    const scope = `from alerts a join cameras c on c.id = a.camera_id left join hotlist h on h.id = a.hotlist_id
       where a.kind = 'plate' and c.district = $1 and a.created_at >= $2 and a.created_at < $3`;
    const [t] = await this.db.query<{ hits: number; plates: number; confirmed: number; dismissed: number }>(
      `select count(*)::int as hits, count(distinct a.plate)::int as plates,
              count(*) filter (where a.status = 'confirmed')::int as confirmed, count(*) filter (where a.status = 'dismissed')::int as dismissed ${scope}`,
      params,
    );
    const cats = await this.db.query<{ category: string; hits: number }>(
      `select coalesce(h.category, '-') as category, count(*)::int as hits ${scope} group by 1 order by 2 desc, 1`,
      params,
    );
    return { hits: t.hits, distinctPlates: t.plates, confirmed: t.confirmed, dismissed: t.dismissed, byCategory: cats };
  }

  /** Orders whose hit (or, for an order from a plate alone, whose first target) was in the district. */
  async interceptions(district: string, from: number, to: number): Promise<InterceptionCounts> {
    const [r] = await this.db.query<{
      ordered: number;
      closed: number;
      cancelled: number;
      open: number;
      close_p50: number | null;
    }>(
      `select count(*)::int as ordered,
              count(*) filter (where o.status = 'closed')::int as closed,
              count(*) filter (where o.status = 'cancelled')::int as cancelled,
              count(*) filter (where o.status = 'open')::int as open,
              percentile_cont(0.5) within group (order by extract(epoch from (o.closed_at - o.created_at))::float8) filter (where o.status = 'closed') as close_p50
       from interception_orders o
       where o.created_at >= $2 and o.created_at < $3 and (
         exists (select 1 from cameras c where c.id = o.origin_camera and c.district = $1)
         or (o.origin_camera is null and exists (select 1 from interception_targets t join cameras c on c.id = t.camera_id where t.order_id = o.id and c.district = $1)))`,
      [district, iso(from), iso(to)],
    );
    return {
      ordered: r.ordered,
      closed: r.closed,
      cancelled: r.cancelled,
      open: r.open,
      closeP50S: r.close_p50 === null ? null : Math.round(r.close_p50),
    };
  }

  /** The districts with cameras or a patrol plan (the scheduled reports' list). */
  async districts(): Promise<string[]> {
    const rows = await this.db.query<{ district: string }>(
      'select district from cameras union select district from patrol_plans order by 1',
    );
    return rows.map((r) => r.district);
  }
}
