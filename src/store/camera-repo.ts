// Cameras as configured, mirrored into the database so reads and alerts can reference them.
import type { Db } from './db.js';
import type { CameraConfig } from '../config/schema.js';

export interface CameraRow {
  id: string;
  name: string;
  kind: 'street' | 'checkpoint';
  checkpoint_level: number | null;
  lat: number;
  lon: number;
  heading: number | null;
  district: string;
  grid: string | null;
}

export class CameraRepo {
  constructor(private readonly db: Db) {}

  async upsertAll(cameras: readonly CameraConfig[]): Promise<void> {
    for (const c of cameras) {
      await this.db.query(
        `insert into cameras (id, name, kind, checkpoint_level, lat, lon, heading, district, grid, facing)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
         on conflict (id) do update set name = $2, kind = $3, checkpoint_level = $4, lat = $5, lon = $6,
           heading = $7, district = $8, grid = $9, facing = $10, updated_at = now()`,
        [c.id, c.name, c.kind, c.checkpointLevel ?? null, c.lat, c.lon, c.heading ?? null, c.district, c.grid ?? null, c.facing ?? null],
      );
    }
  }

  async list(): Promise<CameraRow[]> {
    return this.db.query<CameraRow>('select id, name, kind, checkpoint_level, lat, lon, heading, district, grid from cameras order by id');
  }

  async get(id: string): Promise<CameraRow | null> {
    const [row] = await this.db.query<CameraRow>('select id, name, kind, checkpoint_level, lat, lon, heading, district, grid from cameras where id = $1', [id]);
    return row ?? null;
  }
}
