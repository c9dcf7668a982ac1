// Reads the units' position history (unit_positions, written by UnitRepo.reportPosition) as tracks for
// coverage, and purges fixes past their retention.
import type { Db } from '../store/db.js';
import type { UnitTrack } from './coverage.js';

interface TrackRow {
  unit_id: string;
  home_grid: string;
  lats: string;
  lons: string;
  ats: string;
}

const numbers = (csv: string) => csv.split(',').map(Number);

export class PositionRepo {
  constructor(readonly db: Db) {}

  /**
   * Every unit's fixes in [from, to), oldest first, optionally for some units only; units without fixes left
   * out. One row per unit with its fixes as text lists: a day of 100 units (1.7 M fixes) as rows costs PGlite
   * about 7x the time of these 100 rows (bench/patrol.bench.ts --db). float8::text round-trips exactly.
   */
  async tracks(from: number, to: number, unitIds?: readonly string[]): Promise<UnitTrack[]> {
    const rows = await this.db.query<TrackRow>(
      `select p.unit_id, min(u.home_grid) as home_grid,
              string_agg(p.lat::text, ',' order by p.at) as lats,
              string_agg(p.lon::text, ',' order by p.at) as lons,
              string_agg((extract(epoch from p.at) * 1000)::bigint::text, ',' order by p.at) as ats
       from unit_positions p join units u on u.id = p.unit_id
       where p.at >= $1 and p.at < $2 and ($3::text[] is null or p.unit_id = any($3))
       group by p.unit_id order by p.unit_id`,
      [new Date(from).toISOString(), new Date(to).toISOString(), unitIds ? [...unitIds] : null],
    );
    return rows.map((r) => {
      const [lats, lons, ats] = [numbers(r.lats), numbers(r.lons), numbers(r.ats)];
      return { unitId: r.unit_id, grid: r.home_grid, fixes: ats.map((at, i) => ({ at, lat: lats[i], lon: lons[i] })) };
    });
  }

  /** Deletes fixes older than `before`; the count deleted. */
  async purgeBefore(before: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'with gone as (delete from unit_positions where at < $1 returning 1) select count(*)::int as n from gone',
      [new Date(before).toISOString()],
    );
    return rows[0]?.n ?? 0;
  }
}
