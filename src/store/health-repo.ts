// Camera-health records: fault episodes with their evidence, streamed/intact time per 15-minute bucket,
// maintainers' position confirmations and the expected camera count per district.
import { randomUUID } from 'node:crypto';
import type { FaultRecord, LocationConfirmation, NewFault } from '../domain/camera-health.js';
import type { FaultKind } from '../domain/fault-kinds.js';

export type { FaultRecord, LocationConfirmation, NewFault };
import type { Db } from './db.js';

export interface UptimeAdd {
  cameraId: string;
  /** Start of the 15-minute bucket, epoch ms. */
  bucket: number;
  onlineMs: number;
  intactMs: number;
}

export type UptimeRow = UptimeAdd;

/** A camera of the inventory as the registration rate reads it. */
export interface RegistryCamera {
  id: string;
  district: string;
  grid: string | null;
  /** id, name, kind, coordinates, district, grid and direction (heading or facing) all filled in. */
  complete: boolean;
  lat: number;
  lon: number;
  /** In the inventory from / until (epoch ms; null: always / still). */
  createdAt: number | null;
  removedAt: number | null;
}

interface FaultRow {
  id: string;
  camera_id: string;
  kind: FaultKind;
  since: Date | string;
  raised_at: Date | string;
  last_seen: Date | string;
  cleared_at: Date | string | null;
  detail: string;
  value: number | null;
  has_evidence: boolean;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const ts = (ms: number) => new Date(ms).toISOString();
const FAULT_COLUMNS =
  'id, camera_id, kind, since, raised_at, last_seen, cleared_at, detail, value, evidence is not null as has_evidence';

function toFault(r: FaultRow): FaultRecord {
  return {
    id: r.id,
    cameraId: r.camera_id,
    kind: r.kind,
    since: iso(r.since),
    raisedAt: iso(r.raised_at),
    lastSeen: iso(r.last_seen),
    clearedAt: r.cleared_at === null ? null : iso(r.cleared_at),
    detail: r.detail,
    value: r.value,
    hasEvidence: r.has_evidence,
  };
}

/** 15 minutes: every time zone's offset is a multiple of it, so local days are whole buckets. */
export const BUCKET_MS = 15 * 60_000;

export class HealthRepo {
  constructor(readonly db: Db) {}

  /** Records a raised fault; an episode of the same kind still open on the camera is returned instead. */
  async openFault(f: NewFault): Promise<FaultRecord> {
    const [row] = await this.db.query<FaultRow>(
      `insert into camera_faults (id, camera_id, kind, since, raised_at, last_seen, detail, value, evidence)
       values ($1,$2,$3,$4,$5,$5,$6,$7,$8)
       on conflict (camera_id, kind) where cleared_at is null do nothing
       returning ${FAULT_COLUMNS}`,
      [randomUUID(), f.cameraId, f.kind, ts(f.since), ts(f.raisedAt), f.detail, f.value, f.evidence],
    );
    if (row) return toFault(row);
    return (await this.openFaults(f.cameraId)).find((x) => x.kind === f.kind) as FaultRecord;
  }

  async clearFault(id: string, lastSeen: number, clearedAt: number): Promise<FaultRecord | null> {
    const [row] = await this.db.query<FaultRow>(
      `update camera_faults set last_seen = $2, cleared_at = $3 where id = $1 and cleared_at is null returning ${FAULT_COLUMNS}`,
      [id, ts(lastSeen), ts(clearedAt)],
    );
    return row ? toFault(row) : null;
  }

  /** Moves last_seen forward for the camera's open faults (a restart of the node finds them still open). */
  async touchOpen(cameraId: string, kinds: FaultKind[], at: number): Promise<void> {
    if (!kinds.length) return;
    await this.db.query(
      'update camera_faults set last_seen = $3 where camera_id = $1 and kind = any($2) and cleared_at is null',
      [cameraId, kinds, ts(at)],
    );
  }

  async openFaults(cameraId?: string): Promise<FaultRecord[]> {
    const rows = await this.db.query<FaultRow>(
      `select ${FAULT_COLUMNS} from camera_faults where cleared_at is null and ($1::text is null or camera_id = $1) order by raised_at`,
      [cameraId ?? null],
    );
    return rows.map(toFault);
  }

  async history(cameraId: string, opts: { from?: number; limit?: number } = {}): Promise<FaultRecord[]> {
    const rows = await this.db.query<FaultRow>(
      `select ${FAULT_COLUMNS} from camera_faults where camera_id = $1 and ($2::timestamptz is null or coalesce(cleared_at, now()) >= $2)
       order by raised_at desc limit $3`,
      [cameraId, opts.from === undefined ? null : ts(opts.from), Math.min(opts.limit ?? 100, 1000)],
    );
    return rows.map(toFault);
  }

  async fault(id: string): Promise<FaultRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<FaultRow>(`select ${FAULT_COLUMNS} from camera_faults where id = $1`, [id]);
    return row ? toFault(row) : null;
  }

  async evidence(id: string): Promise<Buffer | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<{ evidence: Uint8Array | null }>(
      'select evidence from camera_faults where id = $1',
      [id],
    );
    return row?.evidence ? Buffer.from(row.evidence) : null;
  }

  /** Adds streamed and intact time to the cameras' buckets (one statement for the whole node). */
  async addUptime(rows: UptimeAdd[]): Promise<void> {
    if (!rows.length) return;
    const values: string[] = [];
    const params: unknown[] = [];
    rows.forEach((r, i) => {
      values.push(`($${i * 4 + 1}, $${i * 4 + 2}::timestamptz, $${i * 4 + 3}::bigint, $${i * 4 + 4}::bigint)`);
      params.push(r.cameraId, ts(r.bucket), Math.round(r.onlineMs), Math.round(r.intactMs));
    });
    await this.db.query(
      `insert into camera_uptime (camera_id, bucket, online_ms, intact_ms) values ${values.join(',')}
       on conflict (camera_id, bucket) do update set online_ms = camera_uptime.online_ms + excluded.online_ms, intact_ms = camera_uptime.intact_ms + excluded.intact_ms`,
      params,
    );
  }

  async uptime(from: number, to: number): Promise<UptimeRow[]> {
    const rows = await this.db.query<{
      camera_id: string;
      bucket: Date | string;
      online_ms: string | number;
      intact_ms: string | number;
    }>('select camera_id, bucket, online_ms, intact_ms from camera_uptime where bucket >= $1 and bucket < $2', [
      ts(from),
      ts(to),
    ]);
    return rows.map((r) => ({
      cameraId: r.camera_id,
      bucket: new Date(r.bucket).getTime(),
      onlineMs: Number(r.online_ms),
      intactMs: Number(r.intact_ms),
    }));
  }

  async confirmLocation(
    c: Omit<LocationConfirmation, 'confirmedAt'> & { confirmedAt?: number },
  ): Promise<LocationConfirmation> {
    const [row] = await this.db.query<{ confirmed_at: Date | string }>(
      'insert into camera_location_confirmations (id, camera_id, lat, lon, confirmed_by, confirmed_at, note) values ($1,$2,$3,$4,$5,$6,$7) returning confirmed_at',
      [randomUUID(), c.cameraId, c.lat, c.lon, c.confirmedBy, ts(c.confirmedAt ?? Date.now()), c.note],
    );
    return {
      cameraId: c.cameraId,
      lat: c.lat,
      lon: c.lon,
      confirmedBy: c.confirmedBy,
      confirmedAt: iso(row.confirmed_at),
      note: c.note,
    };
  }

  /** Each camera's latest confirmation made before `at`. */
  async latestConfirmations(at: number): Promise<Map<string, LocationConfirmation>> {
    const rows = await this.db.query<{
      camera_id: string;
      lat: number;
      lon: number;
      confirmed_by: string;
      confirmed_at: Date | string;
      note: string | null;
    }>(
      `select distinct on (camera_id) camera_id, lat, lon, confirmed_by, confirmed_at, note from camera_location_confirmations
       where confirmed_at < $1 order by camera_id, confirmed_at desc`,
      [ts(at)],
    );
    return new Map(
      rows.map((r) => [
        r.camera_id,
        {
          cameraId: r.camera_id,
          lat: r.lat,
          lon: r.lon,
          confirmedBy: r.confirmed_by,
          confirmedAt: iso(r.confirmed_at),
          note: r.note,
        },
      ]),
    );
  }

  /** Every camera ever in the inventory, removed ones included (a past period still counts them). */
  async registry(): Promise<RegistryCamera[]> {
    const rows = await this.db.query<{
      id: string;
      name: string | null;
      kind: string | null;
      lat: number | null;
      lon: number | null;
      district: string | null;
      grid: string | null;
      heading: number | null;
      facing: number | null;
      created_at: Date | string | null;
      removed_at: Date | string | null;
    }>('select id, name, kind, lat, lon, district, grid, heading, facing, created_at, removed_at from cameras');
    const filled = (v: unknown) => v !== null && v !== undefined && v !== '';
    return rows.map((r) => ({
      id: r.id,
      district: r.district ?? '',
      grid: r.grid,
      complete:
        [r.name, r.kind, r.lat, r.lon, r.district, r.grid].every(filled) && (filled(r.heading) || filled(r.facing)),
      lat: Number(r.lat),
      lon: Number(r.lon),
      createdAt: r.created_at === null ? null : new Date(r.created_at).getTime(),
      removedAt: r.removed_at === null ? null : new Date(r.removed_at).getTime(),
    }));
  }

  async setTarget(district: string, expected: number, setBy: string): Promise<void> {
    await this.db.query(
      `insert into district_camera_targets (district, expected, set_by) values ($1,$2,$3)
       on conflict (district) do update set expected = $2, set_by = $3, set_at = now()`,
      [district, expected, setBy],
    );
  }

  async targets(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ district: string; expected: number }>(
      'select district, expected from district_camera_targets',
    );
    return new Map(rows.map((r) => [r.district, Number(r.expected)]));
  }
}
