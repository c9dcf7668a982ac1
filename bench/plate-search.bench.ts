// Plate search at scale: synthetic reads (30 days x 100 cameras) through Vigil's migrations and
// PlateReadRepo.search; p50/p95 of exact, fuzzy, partial, area and direction queries, and the load time.
// Args: --rows=N (default 5,000,000; the issue asks 50M), --db=postgres|pglite (default postgres),
// --url=postgres://... (default the local server's database vigil_bench, created fresh and dropped after),
// --dir=PATH (PGlite data directory, default a fresh one under the OS temp dir, removed after), --keep.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { PlateReadRepo, type PlateReadQuery } from '../src/store/plate-read-repo.js';
import { percentile, seededRandom } from './common.js';
import { CAMERA_COUNT, DAYS, GRID_ORIGIN, GRID_STEP, loadCameras, loadReads } from './plate-search-load.js';
import type { BenchContext } from './run.js';

const arg = (args: string[], name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DB = 'vigil_bench';

interface Target {
  db: Db;
  extra: (() => Promise<Db>) | null;
  label: string;
  cleanup: () => Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(sql);
  await admin.end();
}

async function openTarget(args: string[], keep: boolean): Promise<Target> {
  if (arg(args, 'db') === 'pglite') {
    const dir = arg(args, 'dir') ?? mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-pglite-'));
    const db = await openDb({ dataDir: dir });
    return {
      db,
      extra: null,
      label: `PGlite 0.5.14 (${dir})`,
      cleanup: async () => (keep ? undefined : rmSync(dir, { recursive: true, force: true })),
    };
  }
  const url = arg(args, 'url');
  if (!url) {
    await adminQuery(`drop database if exists ${BENCH_DB}`);
    await adminQuery(`create database ${BENCH_DB}`);
  }
  const target = url ?? `postgres://postgres@127.0.0.1:5432/${BENCH_DB}`;
  const db = await openDb({ url: target });
  const [{ version }] = await db.query<{ version: string }>("select current_setting('server_version') as version");
  return {
    db,
    extra: () => openDb({ url: target }),
    label: `PostgreSQL ${version}`,
    cleanup: async () => (keep || url ? undefined : adminQuery(`drop database if exists ${BENCH_DB}`)),
  };
}

export default async function plateSearch(ctx: BenchContext) {
  const rows = Number(arg(ctx.args, 'rows') ?? 5_000_000);
  const keep = ctx.args.includes('--keep');
  const target = await openTarget(ctx.args, keep);
  const { db } = target;
  try {
    await migrate(db);
    await loadCameras(db);
    const load = await loadReads(db, rows, target.extra, (m) => process.stderr.write(`${m}\n`));
    const [{ bytes }] = await db.query<{ bytes: string }>("select pg_total_relation_size('plate_reads') as bytes");
    const results = await measureAll(db);
    return {
      rows,
      database: `${target.label}; Vigil migrations and PlateReadRepo.search, limit 50, 100 queries each`,
      load: { ...load, sizeGb: Number((Number(bytes) / 1e9).toFixed(1)) },
      results,
    };
  } finally {
    await db.close();
    await target.cleanup();
  }
}

/** Runs each query shape over 100 sampled plates (and random windows), p50/p95 in ms. */
async function measureAll(db: Db) {
  const repo = new PlateReadRepo(db);
  const samples = (
    await db.query<{ plate: string; t: Date }>(
      'select plate, first_seen as t from plate_reads tablesample system (0.05) limit 100',
    )
  ).map((r) => ({
    plate: r.plate,
    at: new Date(r.t).getTime(),
  }));
  const rnd = seededRandom();
  const span = DAYS * 86_400_000;
  const now = Date.now();
  const window = (ms: number) => {
    const to = now - rnd(span - ms);
    return { from: new Date(to - ms), to: new Date(to) };
  };
  const near = () => {
    const c = rnd(CAMERA_COUNT);
    return {
      kind: 'circle' as const,
      lat: GRID_ORIGIN.lat + Math.floor(c / 10) * GRID_STEP.lat,
      lon: GRID_ORIGIN.lon + (c % 10) * GRID_STEP.lon,
      radiusM: 1500,
    };
  };
  const measure = async (q: (s: { plate: string; at: number }) => PlateReadQuery) => {
    const times: number[] = [];
    let found = 0;
    for (const s of samples) {
      const query = q(s);
      const t = performance.now();
      found += (await repo.search({ limit: 50, ...query })).length;
      times.push(performance.now() - t);
    }
    return {
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      meanResults: round(found / samples.length),
    };
  };
  const short = (plate: string) => `${plate.slice(1, 3)}?${plate.slice(4, 6)}`;
  const day = (s: { at: number }) => ({ from: new Date(s.at - 12 * 3_600_000), to: new Date(s.at + 12 * 3_600_000) });
  return {
    exact: await measure((s) => ({ plate: s.plate, mode: 'exact' })),
    fuzzyOcrEquivalent: await measure((s) => ({ plate: s.plate.replace('0', 'O').replace('8', 'B'), mode: 'fuzzy' })),
    partialLast4: await measure((s) => ({ plate: s.plate.slice(-4), mode: 'partial' })),
    partialWildcardQQ: await measure((s) => ({
      plate: `${s.plate.slice(0, 3)}??${s.plate.slice(5)}`,
      mode: 'partial',
    })),
    partialStar: await measure((s) => ({ plate: `${s.plate.slice(1, 4)}*${s.plate.slice(-2)}`, mode: 'partial' })),
    partialLast4OneDay: await measure((s) => ({ plate: s.plate.slice(-4), mode: 'partial', ...day(s) })),
    // No three known characters in a row: allowed within 2 hours, or within 6 hours on at most 10 cameras.
    partialShortTwoHours: await measure((s) => ({
      plate: short(s.plate),
      mode: 'partial',
      from: new Date(s.at - 3_600_000),
      to: new Date(s.at + 3_600_000),
    })),
    partialShortAreaSixHours: await measure((s) => ({
      plate: short(s.plate),
      mode: 'partial',
      area: near(),
      from: new Date(s.at - 3 * 3_600_000),
      to: new Date(s.at + 3 * 3_600_000),
    })),
    areaOneHour: await measure(() => ({ area: near(), ...window(3_600_000) })),
    areaPartialLast4: await measure((s) => ({ plate: s.plate.slice(-4), mode: 'partial', area: near() })),
    directionOneHour: await measure(() => ({ direction: { degrees: 90, toleranceDeg: 45 }, ...window(3_600_000) })),
    directionAreaOneDay: await measure(() => ({
      direction: { degrees: 180, toleranceDeg: 45 },
      area: near(),
      ...window(86_400_000),
    })),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
