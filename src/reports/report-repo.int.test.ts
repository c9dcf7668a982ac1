// Tests for the report queries with seeded alerts, assignments and reads, on the embedded database and on
// the machine's PostgreSQL when one answers at 127.0.0.1:5432 (a fresh database, dropped after):
// grouping per grid (or district) and shift, percentiles, the 1-3-5 shares, and the heat counts.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { reportsSchema } from '../config/reports.js';
import { ReportRepo } from './report-repo.js';
import { heatView, responseView } from './report-view.js';

const TZ = 'Asia/Shanghai';
const SHIFTS = reportsSchema.parse({}).shifts; // day 08-20, night 20-08 local
const FROM = new Date('2026-11-24T00:00:00Z');
const TO = new Date('2026-11-25T00:00:00Z');
const plus = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

const PG_ADMIN = process.env.VIGIL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgAnswers = await (async () => {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
})();

/** A migrated database of the kind, and how to throw it away. */
async function openBackend(kind: 'pglite' | 'postgres'): Promise<{ db: Db; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDb({ url: 'memory://' });
    return { db, drop: () => db.close() };
  }
  const name = `vigil_test_reports_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const db = await openDb({ url: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`) });
  return {
    db,
    async drop() {
      await db.close();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}

describe.each([
  { kind: 'pglite' as const, skip: false },
  { kind: 'postgres' as const, skip: !pgAnswers },
])('ReportRepo on $kind', ({ kind, skip }) => {
  let db: Db;
  let drop: () => Promise<void>;
  let repo: ReportRepo;
  let hotlistId: string;

  async function read(camera: string, at: string): Promise<string> {
    const id = randomUUID();
    await db.query(
      `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, box)
       values ($1,$2,'粤B12345','粤B12345',0.9,'cn',$3,$3,$3,'{}')`,
      [id, camera, at],
    );
    return id;
  }

  /**
   * An alert created at `at` with its offers: [unit, ackAfterS|null, arriveAfterS|null] per attempt, and
   * optionally a wait for a free unit of `waitS` seconds before them (offered, or dismissed when no offers).
   */
  async function alert(
    camera: string,
    at: string,
    offers: [string, number | null, number | null][],
    waitS?: number,
  ): Promise<void> {
    const id = randomUUID();
    await db.query(
      `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at, created_at)
       values ($1,$2,$3,$4,'粤B12345','{}',1,$5,$5)`,
      [id, await read(camera, at), hotlistId, camera, at],
    );
    if (waitS !== undefined) {
      await db.query(
        `insert into dispatch_waits (id, alert_id, attempt, since, ended_at, outcome, unit_id, waited_s) values ($1,$2,1,$3,$4,$5,$6,$7)`,
        [
          randomUUID(),
          id,
          at,
          plus(at, waitS),
          offers.length ? 'offered' : 'dismissed',
          offers[0]?.[0] ?? null,
          offers.length ? waitS : null,
        ],
      );
    }
    for (const [i, [unit, ack, arrive]] of offers.entries()) {
      await db.query(
        `insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s, offered_at, acknowledged_at, arrived_at)
         values ($1,$2,$3,$4,100,60,$5,$6,$7)`,
        [
          randomUUID(),
          id,
          unit,
          i + 1,
          at,
          ack === null ? null : plus(at, ack),
          arrive === null ? null : plus(at, arrive),
        ],
      );
    }
  }

  beforeAll(async () => {
    if (skip) return;
    ({ db, drop } = await openBackend(kind));
    await migrate(db);
    repo = new ReportRepo(db);
    await db.query(`insert into cameras (id, name, kind, lat, lon, district, grid) values
      ('c1','C1','street',22.54,114.05,'futian','g1'), ('c2','C2','street',22.52,113.93,'nanshan',null)`);
    await db.query(
      `insert into units (id, callsign, type, home_grid) values ('u1','U1','car','g1'), ('u2','U2','car','g1')`,
    );
    hotlistId = randomUUID();
    await db.query(
      `insert into hotlist (id, plate, category, reason, source, added_by, priority, expires_at) values ($1,'粤B12345','stolen_vehicle','test','test','test',1,'2030-01-01Z')`,
      [hotlistId],
    );
    await alert('c1', '2026-11-24T02:00:00Z', [['u1', 20, 50]]); // 10:00 local, day
    await alert('c1', '2026-11-24T03:00:00Z', [
      ['u1', null, null],
      ['u2', 70, 200],
    ]); // 11:00, day; first unit timed out
    await alert('c1', '2026-11-24T13:00:00Z', [['u1', 30, 400]]); // 21:00, night
    await alert('c2', '2026-11-24T16:30:00Z', [['u2', 10, null]]); // 00:30 next day local, night; never arrived
    await alert('c1', '2026-11-24T05:00:00Z', []); // 13:00, never dispatched
    await alert('c2', '2026-11-24T17:00:00Z', [['u1', 10, 100]], 120); // 01:00 local, night; waited 2 minutes for a free unit
    await alert('c2', '2026-11-24T17:30:00Z', [], 30); // 01:30, night; waited 30 s, then dismissed before any unit was free
    await alert('c1', '2026-11-25T02:00:00Z', [['u1', 5, 5]]); // outside the period
    await read('c2', '2026-11-24T16:45:00Z'); // 00:45 local, a read with no alert
  });

  afterAll(async () => {
    await drop?.();
  });

  it.skipIf(skip)('reports response times per grid (else district) and shift, with totals', async () => {
    const rows = responseView(await repo.responseTimes(FROM, TO, TZ, SHIFTS));
    const row = (grid: string, shift: string) => rows.find((r) => r.grid === grid && r.shift === shift);
    expect(rows.map((r) => `${r.grid}/${r.shift}`)).toEqual([
      'g1/day',
      'g1/night',
      'g1/*',
      'nanshan/night',
      'nanshan/*',
      '*/day',
      '*/night',
      '*/*',
    ]);
    expect(row('g1', 'day')).toEqual({
      grid: 'g1',
      shift: 'day',
      dispatched: 2,
      acknowledged: 2,
      arrived: 2,
      ackS: { p50: 45, p90: 65 }, // percentile_cont over 20 s and 70 s
      arrivalS: { p50: 125, p90: 185 }, // 50 s and 200 s
      within: { '1m': 0.5, '3m': 0.5, '5m': 1 },
      waited: 0,
      waitS: { p50: null, p90: null, total: null },
    });
    expect(row('g1', 'night')).toMatchObject({
      dispatched: 1,
      arrivalS: { p50: 400, p90: 400 },
      within: { '1m': 0, '3m': 0, '5m': 0 },
    });
    // The waited alerts: one offered after 120 s, one dismissed after 30 s (never dispatched, still counted as waited).
    expect(row('nanshan', 'night')).toMatchObject({
      dispatched: 2,
      acknowledged: 2,
      arrived: 1,
      arrivalS: { p50: 100, p90: 100 },
      within: { '1m': 0, '3m': 0.5, '5m': 0.5 },
    });
    expect(row('nanshan', 'night')).toMatchObject({ waited: 2, waitS: { p50: 75, p90: 111, total: 150 } });
    expect(row('*', 'night')).toMatchObject({ dispatched: 3, waited: 2 });
    expect(row('*', '*')).toMatchObject({
      dispatched: 5,
      acknowledged: 5,
      arrived: 4,
      within: { '1m': 0.2, '3m': 0.4, '5m': 0.6 },
      waited: 2,
    });
  });

  it.skipIf(skip)('moves alerts between shifts with the time zone', async () => {
    // In UTC the 02:00 and 03:00 alerts are night, 13:00 is day, 16:30 is day.
    const rows = responseView(await repo.responseTimes(FROM, TO, 'UTC', SHIFTS));
    expect(rows.filter((r) => r.grid === '*' && r.shift !== '*').map((r) => [r.shift, r.dispatched])).toEqual([
      ['day', 3],
      ['night', 2],
    ]);
    expect(rows.find((r) => r.grid === 'g1' && r.shift === 'night')?.dispatched).toBe(2);
  });

  it.skipIf(skip)('counts alerts and reads by grid and local hour of day', async () => {
    const alerts = heatView(await repo.heat('alerts', FROM, TO, TZ));
    expect(alerts.grids).toEqual(['g1', 'nanshan']);
    const hours = (counts: number[]) => Object.fromEntries(counts.flatMap((n, h) => (n ? [[h, n]] : [])));
    expect(hours(alerts.counts[0])).toEqual({ 10: 1, 11: 1, 13: 1, 21: 1 });
    expect(hours(alerts.counts[1])).toEqual({ 0: 1, 1: 2 });
    expect([alerts.total, alerts.max]).toEqual([7, 2]);
    const reads = heatView(await repo.heat('reads', FROM, TO, TZ));
    expect(hours(reads.counts[1])).toEqual({ 0: 2, 1: 2 });
    expect(reads.total).toBe(8);
    expect(heatView(await repo.heat('reads', TO, new Date(TO.getTime() + 1000), TZ))).toEqual({
      grids: [],
      counts: [],
      total: 0,
      max: 0,
    });
  });
});
