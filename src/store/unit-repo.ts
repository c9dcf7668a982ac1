// Patrol units: registration from config, status, and reported positions (latest on the unit, history kept).
// The rows stay here: every method answers Unit records (src/domain/unit.ts), mapped in toUnit.
import type { Db } from './db.js';
import type { UnitConfig } from '../config/schema.js';
import type { Unit, UnitFix, UnitStatus, UnitType } from '../domain/unit.js';

export type { Unit, UnitStatus } from '../domain/unit.js';

interface UnitRow {
  id: string;
  callsign: string;
  type: UnitType;
  home_grid: string;
  status: UnitStatus;
  lat: number | null;
  lon: number | null;
  position_at: Date | string | null;
  heading: number | null;
  speed_kmh: number | null;
  district: string | null;
  accuracy_m: number | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toUnit(r: UnitRow): Unit {
  return {
    id: r.id,
    callsign: r.callsign,
    type: r.type,
    homeGrid: r.home_grid,
    status: r.status,
    lat: r.lat,
    lon: r.lon,
    positionAt: r.position_at === null ? null : date(r.position_at),
    heading: r.heading,
    speedKmh: r.speed_kmh,
    accuracyM: r.accuracy_m,
    district: r.district,
  };
}

/** Extra readings a position report may carry. */
export interface PositionExtras {
  heading?: number;
  speedKmh?: number;
  accuracyM?: number;
}

/** A unit's district as scopes read it: set on the unit, or the district of a camera in its home grid. */
const DISTRICT = `coalesce(u.district, (select c.district from cameras c where c.grid = u.home_grid order by c.id limit 1))`;
const SELECT = `select u.id, u.callsign, u.type, u.home_grid, u.status, u.lat, u.lon, u.position_at, u.heading, u.speed_kmh, u.accuracy_m, ${DISTRICT} as district from units u`;

export class UnitRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): UnitRepo {
    return new UnitRepo(db);
  }

  async upsertAll(units: readonly UnitConfig[]): Promise<void> {
    for (const u of units) {
      await this.db.query(
        `insert into units (id, callsign, type, home_grid, district) values ($1,$2,$3,$4,$5)
         on conflict (id) do update set callsign = $2, type = $3, home_grid = $4, district = $5`,
        [u.id, u.callsign, u.type, u.homeGrid, u.district ?? null],
      );
    }
  }

  /** Every unit, or (districts given) only those answering to one of the districts: a scoped operator's list. */
  async list(f: { districts?: readonly string[] } = {}): Promise<Unit[]> {
    if (!f.districts) return (await this.db.query<UnitRow>(`${SELECT} order by u.id`)).map(toUnit);
    return (
      await this.db.query<UnitRow>(`select * from (${SELECT}) s where district = any($1) order by id`, [f.districts])
    ).map(toUnit);
  }

  async get(id: string): Promise<Unit | null> {
    const [row] = await this.db.query<UnitRow>(`${SELECT} where u.id = $1`, [id]);
    return row ? toUnit(row) : null;
  }

  /**
   * Keeps every fix in the history; the unit's current position moves only to a newer fix, so a
   * late, out-of-order message never takes a unit back in time. False for an unknown unit.
   */
  async reportPosition(
    id: string,
    lat: number,
    lon: number,
    at = new Date(),
    extras: PositionExtras = {},
  ): Promise<boolean> {
    const heading = extras.heading ?? null;
    const speed = extras.speedKmh ?? null;
    const accuracy = extras.accuracyM ?? null;
    return this.db.tx(async (t) => {
      const [known] = await t.query('select 1 from units where id = $1', [id]);
      if (!known) return false;
      await t.query(
        `update units set lat = $2, lon = $3, position_at = $4, heading = $5, speed_kmh = $6, accuracy_m = $7
         where id = $1 and (position_at is null or position_at <= $4)`,
        [id, lat, lon, at.toISOString(), heading, speed, accuracy],
      );
      await t.query(
        'insert into unit_positions (unit_id, lat, lon, at, heading, speed_kmh, accuracy_m) values ($1,$2,$3,$4,$5,$6,$7)',
        [id, lat, lon, at.toISOString(), heading, speed, accuracy],
      );
      return true;
    });
  }

  /** The ids of the configured units (MQTT drops messages for any other). */
  async ids(): Promise<Set<string>> {
    return new Set((await this.db.query<{ id: string }>('select id from units')).map((r) => r.id));
  }

  /** A unit's fixes between two moments, oldest first. */
  async history(id: string, from: Date, to: Date): Promise<UnitFix[]> {
    const rows = await this.db.query<{
      lat: number;
      lon: number;
      at: Date | string;
      heading: number | null;
      speed_kmh: number | null;
    }>(
      'select lat, lon, at, heading, speed_kmh from unit_positions where unit_id = $1 and at >= $2 and at < $3 order by at',
      [id, from.toISOString(), to.toISOString()],
    );
    return rows.map((r) => ({ lat: r.lat, lon: r.lon, at: date(r.at), heading: r.heading, speedKmh: r.speed_kmh }));
  }

  /** On or off duty by hand, only from the status expected: false when the unit is elsewhere (busy with an offer). */
  async setDuty(id: string, from: 'available' | 'off_duty', to: 'available' | 'off_duty'): Promise<boolean> {
    return (
      (await this.db.query('update units set status = $3 where id = $1 and status = $2 returning id', [id, from, to]))
        .length > 0
    );
  }

  async setStatus(id: string, status: UnitStatus): Promise<void> {
    await this.db.query('update units set status = $2 where id = $1', [id, status]);
  }
}
