// Stored patrol plans (one GeoJSON per district) and the near-end warnings already sent: rows private, records camelCase.
import type { Db } from '../store/db.js';
import type { PlanGeoJson } from './plan.js';

export interface StoredPlan {
  district: string;
  geojson: PlanGeoJson;
  version: number;
  updatedBy: string;
  updatedAt: string;
}

interface PlanRow {
  district: string;
  geojson: PlanGeoJson | string;
  version: number;
  updated_by: string;
  updated_at: Date | string;
}

const toPlan = (r: PlanRow): StoredPlan => ({
  district: r.district,
  geojson: typeof r.geojson === 'string' ? (JSON.parse(r.geojson) as PlanGeoJson) : r.geojson,
  version: r.version,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export class PlanRepo {
  constructor(readonly db: Db) {}

  on(db: Db): PlanRepo {
    return new PlanRepo(db);
  }

  /** Every plan, or those of `districts` only. */
  async list(districts?: readonly string[]): Promise<StoredPlan[]> {
    const rows = await this.db.query<PlanRow>(
      'select * from patrol_plans where ($1::text[] is null or district = any($1::text[])) order by district',
      [districts ? [...districts] : null],
    );
    return rows.map(toPlan);
  }

  async get(district: string): Promise<StoredPlan | null> {
    const [row] = await this.db.query<PlanRow>('select * from patrol_plans where district = $1', [district]);
    return row ? toPlan(row) : null;
  }

  /** Replaces the district's plan, its version one up. */
  async put(district: string, geojson: PlanGeoJson, by: string): Promise<StoredPlan> {
    const [row] = await this.db.query<PlanRow>(
      `insert into patrol_plans (district, geojson, updated_by) values ($1, $2, $3)
       on conflict (district) do update set geojson = $2, updated_by = $3, updated_at = now(), version = patrol_plans.version + 1
       returning *`,
      [district, JSON.stringify(geojson), by],
    );
    return toPlan(row);
  }

  /** Seeds a plan only where the district has none (the config file at start). */
  async insertMissing(district: string, geojson: PlanGeoJson): Promise<boolean> {
    const rows = await this.db.query(
      'insert into patrol_plans (district, geojson, updated_by) values ($1, $2, $3) on conflict do nothing returning district',
      [district, JSON.stringify(geojson), 'config'],
    );
    return rows.length > 0;
  }

  async remove(district: string): Promise<boolean> {
    return (
      (await this.db.query('delete from patrol_plans where district = $1 returning district', [district])).length > 0
    );
  }

  /** Records the shift's warning; false when one was already sent for it. */
  async markWarned(district: string, shift: string, shiftStart: number, missing: string[]): Promise<boolean> {
    const rows = await this.db.query(
      'insert into patrol_warnings (district, shift, shift_start, missing) values ($1,$2,$3,$4) on conflict do nothing returning district',
      [district, shift, new Date(shiftStart).toISOString(), JSON.stringify(missing)],
    );
    return rows.length > 0;
  }
}
