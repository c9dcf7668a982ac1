// The reports' queries: response times per grid and shift, and hits per grid and hour of day, grouped
// in the database (one query each; same SQL on PGlite and PostgreSQL).
import type { Db } from '../store/db.js';
import type { Shift } from '../config/reports.js';
import { shiftCaseSql } from './shifts.js';

/** The 1-3-5 response targets: arrival within 1, 3 and 5 minutes of the alert. */
export const TARGETS_S = [60, 180, 300] as const;

/** One (grid, shift) cell of the response-time report: counts, and seconds from alert to acknowledgement, arrival and offer. */
export interface ResponseRow {
  /** The camera's grid, else its district; null in the all-grids rows. */
  grid: string | null;
  /** null in the all-shifts rows. */
  shift: string | null;
  dispatched: number;
  acknowledged: number;
  arrived: number;
  ackP50: number | null;
  ackP90: number | null;
  arriveP50: number | null;
  arriveP90: number | null;
  /** Alerts with a unit on scene within 1, 3 and 5 minutes. */
  within1: number;
  within3: number;
  within5: number;
  /** Alerts that waited for a free unit (no unit could take them at first), and their seconds waited. */
  waited: number;
  waitP50: number | null;
  waitP90: number | null;
  waitTotalS: number | null;
}

interface ResponseDbRow {
  grid: string | null;
  shift: string | null;
  dispatched: number;
  acknowledged: number;
  arrived: number;
  ack_p50: number | null;
  ack_p90: number | null;
  arrive_p50: number | null;
  arrive_p90: number | null;
  within_1: number;
  within_3: number;
  within_5: number;
  waited: number;
  wait_p50: number | null;
  wait_p90: number | null;
  wait_total_s: number | null;
}

function toResponseRow(r: ResponseDbRow): ResponseRow {
  return {
    grid: r.grid,
    shift: r.shift,
    dispatched: r.dispatched,
    acknowledged: r.acknowledged,
    arrived: r.arrived,
    ackP50: r.ack_p50,
    ackP90: r.ack_p90,
    arriveP50: r.arrive_p50,
    arriveP90: r.arrive_p90,
    within1: r.within_1,
    within3: r.within_3,
    within5: r.within_5,
    waited: r.waited,
    waitP50: r.wait_p50,
    waitP90: r.wait_p90,
    waitTotalS: r.wait_total_s,
  };
}

export interface HeatCell {
  grid: string;
  hour: number;
  count: number;
}

export type HeatKind = 'alerts' | 'reads';

export class ReportRepo {
  constructor(private readonly db: Db) {}

  /**
   * One row per (grid, shift) plus the totals per grid, per shift and overall (grouping sets).
   * An alert counts once, when it was dispatched to at least one unit or waited for one; its times are
   * from its creation to the first acknowledgement and the first arrival of any unit sent. Its wait is
   * the seconds it spent waiting for a free unit (until offered or dismissed; a wait still open, up to now).
   */
  async responseTimes(
    from: Date,
    to: Date,
    timeZone: string,
    shifts: readonly Shift[],
    cameraIds?: readonly string[],
  ): Promise<ResponseRow[]> {
    const shift = shiftCaseSql('a.created_at', 3, shifts, 4);
    const cams = `$${4 + shift.params.length}::text[]`;
    const [t1, t3, t5] = TARGETS_S;
    const rows = await this.db.query<ResponseDbRow>(
      `with waits as (
         select alert_id, sum(coalesce(waited_s, extract(epoch from (coalesce(ended_at, now()) - since))::float8)) as wait_s
         from dispatch_waits group by alert_id
       ), per_alert as (
         select coalesce(c.grid, c.district) as grid, ${shift.sql} as shift, count(s.id) > 0 as sent, w.wait_s,
                extract(epoch from (min(s.acknowledged_at) - a.created_at))::float8 as ack_s,
                extract(epoch from (min(s.arrived_at) - a.created_at))::float8 as arrive_s
         from alerts a
         join cameras c on c.id = a.camera_id
         left join assignments s on s.alert_id = a.id
         left join waits w on w.alert_id = a.id
         where a.created_at >= $1 and a.created_at < $2 and (s.id is not null or w.alert_id is not null)
           and (${cams} is null or a.camera_id = any(${cams}))
         group by a.id, a.created_at, c.grid, c.district, w.wait_s
       )
       select grid, shift, count(*) filter (where sent)::int as dispatched, count(ack_s)::int as acknowledged, count(arrive_s)::int as arrived,
              count(wait_s)::int as waited,
              percentile_cont(0.5) within group (order by wait_s) as wait_p50,
              percentile_cont(0.9) within group (order by wait_s) as wait_p90,
              sum(wait_s)::float8 as wait_total_s,
              percentile_cont(0.5) within group (order by ack_s) as ack_p50,
              percentile_cont(0.9) within group (order by ack_s) as ack_p90,
              percentile_cont(0.5) within group (order by arrive_s) as arrive_p50,
              percentile_cont(0.9) within group (order by arrive_s) as arrive_p90,
              count(*) filter (where arrive_s <= ${t1})::int as within_1,
              count(*) filter (where arrive_s <= ${t3})::int as within_3,
              count(*) filter (where arrive_s <= ${t5})::int as within_5
       from per_alert
       group by grouping sets ((grid, shift), (grid), (shift), ())
       order by grid nulls last, shift nulls last`,
      [from.toISOString(), to.toISOString(), timeZone, ...shift.params, cameraIds ? [...cameraIds] : null],
    );
    return rows.map(toResponseRow);
  }

  /** Counts by grid (camera grid, else district) and hour of day (0-23 in timeZone); empty cells left out. cameraIds: a scoped reader's. */
  async heat(
    kind: HeatKind,
    from: Date,
    to: Date,
    timeZone: string,
    cameraIds?: readonly string[],
  ): Promise<HeatCell[]> {
    const source =
      kind === 'alerts'
        ? 'select camera_id, created_at as at from alerts'
        : 'select camera_id, first_seen as at from plate_reads';
    const column = kind === 'alerts' ? 'created_at' : 'first_seen';
    return this.db.query<HeatCell>(
      `select coalesce(c.grid, c.district) as grid, extract(hour from (x.at at time zone $3))::int as hour, count(*)::int as count
       from (${source} where ${column} >= $1 and ${column} < $2) x
       join cameras c on c.id = x.camera_id
       where ($4::text[] is null or x.camera_id = any($4))
       group by 1, 2
       order by 1, 2`,
      [from.toISOString(), to.toISOString(), timeZone, cameraIds ? [...cameraIds] : null],
    );
  }
}
