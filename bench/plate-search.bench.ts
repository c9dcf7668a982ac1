// Plate search at scale: synthetic reads (30 days x 100 cameras) in PostgreSQL through Vigil's own
// migrations and PlateReadRepo.search; p50/p95 of exact, OCR-equivalent (fuzzy) and partial queries.
// Args: --rows=N (default 5,000,000; the issue asks 50M), --url=postgres://... (default the local
// server's database vigil_bench, created fresh).
import pg from 'pg';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { PlateReadRepo, type PlateMatchMode } from '../src/store/plate-read-repo.js';
import type { BenchContext } from './run.js';

const arg = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Plates built in SQL from the row number, so 50M rows never pass through Node. */
const PLATE_SQL = `(array['京','沪','粤','苏','浙','皖','川','鲁'])[1 + (h % 8)] || chr(65 + ((h / 8) % 24)::int) ||
  lpad(((h / 192) % 100000)::text, 5, '0')`;

export default async function plateSearch(ctx: BenchContext) {
  const rows = Number(arg(ctx.args, 'rows') ?? 5_000_000);
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('drop database if exists vigil_bench');
  await admin.query('create database vigil_bench');
  await admin.end();
  const url = arg(ctx.args, 'url') ?? 'postgres://postgres@127.0.0.1:5432/vigil_bench';
  const db = await openDb({ url });
  await migrate(db);
  await db.query(`insert into cameras (id, name, kind, lat, lon, district) select 'cam-' || g, 'Camera ' || g, 'street', 22.5, 114.0, 'd' from generate_series(1, 100) g`);
  const started = Date.now();
  // hashint spreads plates; canonical form = the plate with 0ODQ->0, 1I->1, 2Z->2, 5S->5, 8B->8, 6G->6.
  for (let done = 0; done < rows; done += 1_000_000) {
    const n = Math.min(1_000_000, rows - done);
    await db.exec(`insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, box)
      select gen_random_uuid(), 'cam-' || (1 + g % 100), p, translate(p, 'ODQIZSBG', '00011286'), 0.95, 'ordinary', t, t, t, '[0,0,1,1]'
      from (select g, ${PLATE_SQL} as p, now() - (g % 2592000) * interval '1 second' as t
            from (select g, abs(hashint4(g)) as h from generate_series(${done + 1}, ${done + n}) g) s) x`);
    process.stderr.write(`  ${done + n} rows (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await db.exec('analyze plate_reads');
  const loadS = (Date.now() - started) / 1000;
  const repo = new PlateReadRepo(db);
  const samples = (await db.query<{ plate: string }>('select plate from plate_reads tablesample system (0.01) limit 50')).map((r) => r.plate);
  const measure = async (mode: PlateMatchMode, q: (p: string) => string, extra: object = {}) => {
    const times: number[] = [];
    let found = 0;
    for (const p of samples) {
      const t = performance.now();
      found += (await repo.search({ plate: q(p), mode, limit: 50, ...extra })).length;
      times.push(performance.now() - t);
    }
    return { p50Ms: Number(pct(times, 50).toFixed(1)), p95Ms: Number(pct(times, 95).toFixed(1)), meanResults: Number((found / samples.length).toFixed(1)) };
  };
  const day = { from: new Date(Date.now() - 24 * 3600_000), to: new Date() };
  const results = {
    exact: await measure('exact', (p) => p),
    fuzzyOcrEquivalent: await measure('fuzzy', (p) => p.replace('0', 'O').replace('8', 'B')),
    partialLast4: await measure('partial', (p) => p.slice(-4)),
    partialWildcard: await measure('partial', (p) => `${p.slice(1, 3)}?${p.slice(4, 6)}`),
    partialLast4OneDay: await measure('partial', (p) => p.slice(-4), day),
  };
  await db.close();
  return { rows, loadSeconds: Number(loadS.toFixed(0)), database: 'PostgreSQL 15 (local), Vigil migrations and PlateReadRepo.search, limit 50', results };
}
