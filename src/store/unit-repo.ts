// Patrol units: registration from config, status, and reported positions (latest on the unit, history kept).
import type { Db } from './db.js';
import type { UnitConfig, UnitType } from '../config/schema.js';

export type UnitStatus = 'available' | 'assigned' | 'en_route' | 'on_scene' | 'off_duty';

export interface UnitRow {
  id: string;
  callsign: string;
  type: UnitType;
  home_grid: string;
  status: UnitStatus;
  lat: number | null;
  lon: number | null;
  position_at: Date | null;
}

export class UnitRepo {
  constructor(private readonly db: Db) {}

  async upsertAll(units: readonly UnitConfig[]): Promise<void> {
    for (const u of units) {
      await this.db.query(
        `insert into units (id, callsign, type, home_grid) values ($1,$2,$3,$4)
         on conflict (id) do update set callsign = $2, type = $3, home_grid = $4`,
        [u.id, u.callsign, u.type, u.homeGrid],
      );
    }
  }

  async list(): Promise<UnitRow[]> {
    return this.db.query<UnitRow>('select * from units order by id');
  }

  async get(id: string): Promise<UnitRow | null> {
    const [row] = await this.db.query<UnitRow>('select * from units where id = $1', [id]);
    return row ?? null;
  }

  async reportPosition(id: string, lat: number, lon: number, at = new Date()): Promise<boolean> {
    return this.db.tx(async (t) => {
      const rows = await t.query('update units set lat = $2, lon = $3, position_at = $4 where id = $1 returning id', [id, lat, lon, at.toISOString()]);
      if (!rows.length) return false;
      await t.query('insert into unit_positions (unit_id, lat, lon, at) values ($1,$2,$3,$4)', [id, lat, lon, at.toISOString()]);
      return true;
    });
  }

  async setStatus(id: string, status: UnitStatus): Promise<void> {
    await this.db.query('update units set status = $2 where id = $1', [id, status]);
  }
}
