// The camera inventory: every camera's configuration in the database, changed with its audit entry in one transaction.
import type { CameraConfig } from '../config/schema.js';
import type { Camera, CheckpointLevel } from '../domain/camera.js';
import { AuditRepo, type AuditInput } from './audit-repo.js';
import type { Db } from './db.js';

/** @deprecated the summary record is Camera (src/domain/camera.ts); this name stays while its readers move. */
export type CameraRow = Camera;

/** A camera of the inventory: the YAML camera schema's fields, plus what the database keeps about it. */
export interface InventoryCamera {
  config: CameraConfig;
  /** Bumped by every change: a node restarts a camera whose version moved. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Removed cameras stay (reads and alerts reference them) but are neither listed nor run. */
  removedAt: Date | null;
}

/** Who made a change, and why; written to the audit log in the change's transaction. */
export type CameraChangeAudit = Omit<AuditInput, 'target'>;

interface InventoryRow {
  id: string;
  name: string;
  source: string | null;
  kind: 'street' | 'checkpoint';
  checkpoint_level: number | null;
  lat: number;
  lon: number;
  heading: number | null;
  facing: number | null;
  lanes: number;
  district: string;
  grid: string | null;
  enabled: boolean;
  analysis: CameraConfig['analysis'];
  version: string | number;
  created_at: Date | string;
  updated_at: Date | string;
  removed_at: Date | string | null;
}

const SUMMARY = 'id, name, kind, checkpoint_level, lat, lon, heading, district, grid';
const COLUMNS =
  'id, name, source, kind, checkpoint_level, lat, lon, heading, facing, lanes, district, grid, enabled, analysis';

/** The parameters of COLUMNS, in order, for one camera. */
function paramsOf(c: CameraConfig): unknown[] {
  return [
    c.id,
    c.name,
    c.source,
    c.kind,
    c.checkpointLevel ?? null,
    c.lat,
    c.lon,
    c.heading ?? null,
    c.facing ?? null,
    c.lanes,
    c.district,
    c.grid ?? null,
    c.enabled,
    JSON.stringify(c.analysis),
  ];
}

interface SummaryRow {
  id: string;
  name: string;
  kind: Camera['kind'];
  checkpoint_level: number | null;
  lat: number;
  lon: number;
  heading: number | null;
  district: string;
  grid: string | null;
}

function toSummary(r: SummaryRow): Camera {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    checkpointLevel: r.checkpoint_level as CheckpointLevel | null,
    lat: r.lat,
    lon: r.lon,
    heading: r.heading,
    district: r.district,
    grid: r.grid,
  };
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toCamera(r: InventoryRow): InventoryCamera {
  const config: CameraConfig = {
    id: r.id,
    name: r.name,
    source: r.source ?? '',
    kind: r.kind,
    lat: r.lat,
    lon: r.lon,
    lanes: r.lanes,
    district: r.district,
    enabled: r.enabled,
    analysis: r.analysis,
    ...(r.checkpoint_level === null ? {} : { checkpointLevel: r.checkpoint_level as CheckpointLevel }),
    ...(r.heading === null ? {} : { heading: r.heading }),
    ...(r.facing === null ? {} : { facing: r.facing }),
    ...(r.grid === null ? {} : { grid: r.grid }),
  };
  return {
    config,
    version: Number(r.version),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    removedAt: r.removed_at === null ? null : date(r.removed_at),
  };
}

export class CameraRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): CameraRepo {
    return new CameraRepo(db);
  }

  /** Writes the given cameras over what is stored (tests and tools that own their cameras outright). */
  async upsertAll(cameras: readonly CameraConfig[]): Promise<void> {
    for (const c of cameras) {
      await this.db.query(
        `insert into cameras (${COLUMNS}) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
         on conflict (id) do update set name = $2, source = $3, kind = $4, checkpoint_level = $5, lat = $6, lon = $7, heading = $8,
           facing = $9, lanes = $10, district = $11, grid = $12, enabled = $13, analysis = $14, removed_at = null,
           version = cameras.version + 1, updated_at = now()`,
        paramsOf(c),
      );
    }
  }

  /**
   * The YAML import at start: inserts cameras the database lacks and fills rows mirrored before the
   * inventory existed (no source); a camera already in the inventory keeps what the database says.
   */
  async importMissing(cameras: readonly CameraConfig[]): Promise<{ inserted: string[]; filled: string[] }> {
    const inserted: string[] = [];
    const filled: string[] = [];
    for (const c of cameras) {
      const [row] = await this.db.query<{ inserted: boolean }>(
        `insert into cameras (${COLUMNS}) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
         on conflict (id) do update set name = $2, source = $3, kind = $4, checkpoint_level = $5, lat = $6, lon = $7, heading = $8,
           facing = $9, lanes = $10, district = $11, grid = $12, enabled = $13, analysis = $14, version = cameras.version + 1, updated_at = now()
           where cameras.source is null
         returning (xmax = 0) as inserted`,
        paramsOf(c),
      );
      if (row) (row.inserted ? inserted : filled).push(c.id);
    }
    return { inserted, filled };
  }

  /** Cameras not removed (disabled ones included), by id. */
  async list(): Promise<Camera[]> {
    return (await this.db.query<SummaryRow>(`select ${SUMMARY} from cameras where removed_at is null order by id`)).map(
      toSummary,
    );
  }

  /** Any camera ever known, removed ones included: old reads and alerts still name them. */
  async get(id: string): Promise<Camera | null> {
    const [row] = await this.db.query<SummaryRow>(`select ${SUMMARY} from cameras where id = $1`, [id]);
    return row ? toSummary(row) : null;
  }

  /** The ids of the cameras in a scope (removed ones too: their old reads and alerts stay in scope), by id. */
  async idsIn(scope: { districts: readonly string[]; cameras: readonly string[] }): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      'select id from cameras where id = any($1) or district = any($2) order by id',
      [scope.cameras, scope.districts],
    );
    return rows.map((r) => r.id);
  }

  /** The inventory: every camera not removed, with its whole configuration. */
  async inventory(): Promise<InventoryCamera[]> {
    const rows = await this.db.query<InventoryRow>(
      `select ${COLUMNS}, version, created_at, updated_at, removed_at from cameras where removed_at is null and source is not null order by id`,
    );
    return rows.map(toCamera);
  }

  /** One camera of the inventory, removed ones included (so a re-add can tell). */
  async find(id: string): Promise<InventoryCamera | null> {
    const [row] = await this.db.query<InventoryRow>(
      `select ${COLUMNS}, version, created_at, updated_at, removed_at from cameras where id = $1`,
      [id],
    );
    return row ? toCamera(row) : null;
  }

  /** Adds a camera (or brings a removed one back under the same id) and audits it, in one transaction. */
  async add(c: CameraConfig, audit: CameraChangeAudit): Promise<InventoryCamera | null> {
    return this.db.tx(async (t) => {
      const [row] = await t.query<InventoryRow>(
        `insert into cameras (${COLUMNS}) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
         on conflict (id) do update set name = $2, source = $3, kind = $4, checkpoint_level = $5, lat = $6, lon = $7, heading = $8,
           facing = $9, lanes = $10, district = $11, grid = $12, enabled = $13, analysis = $14, removed_at = null,
           version = cameras.version + 1, updated_at = now()
           where cameras.removed_at is not null
         returning ${COLUMNS}, version, created_at, updated_at, removed_at`,
        paramsOf(c),
      );
      if (!row) return null;
      await new AuditRepo(t).append({ ...audit, target: c.id });
      return toCamera(row);
    });
  }

  /** Replaces a live camera's configuration (the caller merged and validated it) and audits it, in one transaction. */
  async replace(c: CameraConfig, audit: CameraChangeAudit): Promise<InventoryCamera | null> {
    return this.db.tx(async (t) => {
      const [row] = await t.query<InventoryRow>(
        `update cameras set name = $2, source = $3, kind = $4, checkpoint_level = $5, lat = $6, lon = $7, heading = $8, facing = $9,
           lanes = $10, district = $11, grid = $12, enabled = $13, analysis = $14, version = version + 1, updated_at = now()
         where id = $1 and removed_at is null
         returning ${COLUMNS}, version, created_at, updated_at, removed_at`,
        paramsOf(c),
      );
      if (!row) return null;
      await new AuditRepo(t).append({ ...audit, target: c.id });
      return toCamera(row);
    });
  }

  /** Removes a camera from the inventory (its row stays for history) and audits it, in one transaction. */
  async remove(id: string, audit: CameraChangeAudit): Promise<InventoryCamera | null> {
    return this.db.tx(async (t) => {
      const [row] = await t.query<InventoryRow>(
        `update cameras set removed_at = now(), enabled = false, version = version + 1, updated_at = now()
         where id = $1 and removed_at is null
         returning ${COLUMNS}, version, created_at, updated_at, removed_at`,
        [id],
      );
      if (!row) return null;
      await new AuditRepo(t).append({ ...audit, target: id });
      return toCamera(row);
    });
  }
}
