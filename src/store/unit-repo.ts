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
  /** Degrees from north and km/h, when the unit's device reports them (MQTT). */
  heading: number | null;
  speed_kmh: number | null;
}

/** Extra readings a position report may carry. */
export interface PositionExtras {
  heading?: number;
  speedKmh?: number;
}

export class UnitRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): UnitRepo {
    return new UnitRepo(db);
  }

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

  /**
   * Keeps every fix in the history; the unit's current position moves only to a newer fix, so a
   * late, out-of-order message never takes a unit back in time. False for an unknown unit.
   */
  async reportPosition(id: string, lat: number, lon: number, at = new Date(), extras: PositionExtras = {}): Promise<boolean> {
    const heading = extras.heading ?? null;
    const speed = extras.speedKmh ?? null;
    return this.db.tx(async (t) => {
      const [known] = await t.query('select 1 from units where id = $1', [id]);
      if (!known) return false;
      await t.query(
        `update units set lat = $2, lon = $3, position_at = $4, heading = $5, speed_kmh = $6
         where id = $1 and (position_at is null or position_at <= $4)`,
        [id, lat, lon, at.toISOString(), heading, speed],
      );
      await t.query('insert into unit_positions (unit_id, lat, lon, at, heading, speed_kmh) values ($1,$2,$3,$4,$5,$6)', [id, lat, lon, at.toISOString(), heading, speed]);
      return true;
    });
  }

  /** The ids of the configured units (MQTT drops messages for any other). */
  async ids(): Promise<Set<string>> {
    return new Set((await this.db.query<{ id: string }>('select id from units')).map((r) => r.id));
  }

  /** A unit's fixes between two moments, oldest first. */
  async history(id: string, from: Date, to: Date): Promise<{ lat: number; lon: number; at: Date; heading: number | null; speed_kmh: number | null }[]> {
    return this.db.query('select lat, lon, at, heading, speed_kmh from unit_positions where unit_id = $1 and at >= $2 and at < $3 order by at', [id, from.toISOString(), to.toISOString()]);
  }

  /** On or off duty by hand, only from the status expected: false when the unit is elsewhere (busy with an offer). */
  async setDuty(id: string, from: 'available' | 'off_duty', to: 'available' | 'off_duty'): Promise<boolean> {
    return (await this.db.query('update units set status = $3 where id = $1 and status = $2 returning id', [id, from, to])).length > 0;
  }

  async setStatus(id: string, status: UnitStatus): Promise<void> {
    await this.db.query('update units set status = $2 where id = $1', [id, status]);
  }
}
