// Reads the units' position history (unit_positions, written by UnitRepo.reportPosition) as tracks for
// coverage, and purges fixes past their retention.
import type { Db } from '../store/db.js';
import type { UnitTrack } from './coverage.js';

interface FixRow {
  unit_id: string;
  home_grid: string;
  lat: number;
  lon: number;
  at_ms: number | string;
}

export class PositionRepo {
  constructor(readonly db: Db) {}

  /** Every unit's fixes in [from, to), oldest first, optionally for some units only; units without fixes left out. */
  async tracks(from: number, to: number, unitIds?: readonly string[]): Promise<UnitTrack[]> {
    const rows = await this.db.query<FixRow>(
      `select p.unit_id, u.home_grid, p.lat, p.lon, (extract(epoch from p.at) * 1000)::float8 as at_ms
       from unit_positions p join units u on u.id = p.unit_id
       where p.at >= $1 and p.at < $2 and ($3::text[] is null or p.unit_id = any($3))
       order by p.unit_id, p.at`,
      [new Date(from).toISOString(), new Date(to).toISOString(), unitIds ? [...unitIds] : null],
    );
    const tracks: UnitTrack[] = [];
    for (const r of rows) {
      let current = tracks[tracks.length - 1] as UnitTrack | undefined;
      if (current?.unitId !== r.unit_id) tracks.push((current = { unitId: r.unit_id, grid: r.home_grid, fixes: [] }));
      current.fixes.push({ at: Number(r.at_ms), lat: r.lat, lon: r.lon });
    }
    return tracks;
  }

  /** Deletes fixes older than `before`; the count deleted. */
  async purgeBefore(before: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>('with gone as (delete from unit_positions where at < $1 returning 1) select count(*)::int as n from gone', [new Date(before).toISOString()]);
    return rows[0]?.n ?? 0;
  }
}
