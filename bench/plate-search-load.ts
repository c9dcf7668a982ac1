// Loads synthetic plate reads for the plate-search benchmark fast: one INSERT ... SELECT generate_series per
// slice (no row passes through Node), with plate_reads' indexes and constraints dropped for the load and
// rebuilt after it (two connections at a time on PostgreSQL).
import type { Db } from '../src/store/db.js';

/** 100 cameras on a 10 x 10 grid about 1 km apart around Shenzhen; the last ten have no facing. */
export const CAMERA_COUNT = 100;
export const GRID_ORIGIN = { lat: 22.5, lon: 114.0 };
export const GRID_STEP = { lat: 0.009, lon: 0.00975 };
export const DAYS = 30;

/** Plates built in SQL from a hash of the row number: 8 provinces x 24 letters x 100,000 numbers. */
const PLATE_SQL = `(array['京','沪','粤','苏','浙','皖','川','鲁'])[1 + (h % 8)] || chr(65 + ((h / 8) % 24)::int) ||
  lpad(((h / 192) % 100000)::text, 5, '0')`;

/** The SQL facing of camera number `c` (1-100): null for the last ten. */
const FACING_SQL = (c: string) => `case when ${c} > 90 then null else ((${c} * 37) % 360)::float8 end`;

export async function loadCameras(db: Db): Promise<void> {
  await db.query(
    `insert into cameras (id, name, kind, lat, lon, facing, district)
     select 'cam-' || g, 'Camera ' || g, 'street', ${GRID_ORIGIN.lat} + ((g - 1) / 10) * ${GRID_STEP.lat},
       ${GRID_ORIGIN.lon} + ((g - 1) % 10) * ${GRID_STEP.lon}, ${FACING_SQL('g')}, 'd'
     from generate_series(1, ${CAMERA_COUNT}) g`,
  );
}

interface SavedDefs {
  constraints: { table: string; name: string; def: string; foreign: boolean }[];
  indexes: string[];
}

/** Drops plate_reads' indexes and constraints (and foreign keys pointing at it), returning how to rebuild them. */
async function dropForLoad(db: Db): Promise<SavedDefs> {
  const constraints = await db.query<{ table: string; name: string; def: string; foreign: boolean }>(
    `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def, contype = 'f' as foreign
     from pg_constraint where (conrelid = 'plate_reads'::regclass and contype in ('p', 'f', 'u')) or confrelid = 'plate_reads'::regclass
     order by (confrelid = 'plate_reads'::regclass) desc`,
  );
  const indexes = (
    await db.query<{ def: string }>(
      `select pg_get_indexdef(i.indexrelid) as def from pg_index i
       where i.indrelid = 'plate_reads'::regclass and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    )
  ).map((r) => r.def);
  for (const c of constraints) await db.exec(`alter table ${c.table} drop constraint ${c.name}`);
  for (const def of indexes) await db.exec(`drop index ${/^CREATE (?:UNIQUE )?INDEX (\S+)/.exec(def)?.[1]}`);
  return { constraints, indexes };
}

/** Inserts rows [from, to) of `total`: time grows with the row number (as reads arrive), 100 cameras in turn. */
function insertSql(from: number, to: number, total: number): string {
  return `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, box, motion, direction)
    select gen_random_uuid(), 'cam-' || c, p, translate(p, 'ODQIZSBG', '00011286'), 0.95, 'ordinary', t, t + interval '2 s', t, '[0,0,1,1]',
      m, case m when 'receding' then hd when 'approaching' then case when hd >= 180 then hd - 180 else hd + 180 end end
    from (select g, c, ${PLATE_SQL} as p, ${FACING_SQL('c')} as hd,
            (array['approaching', 'receding', null])[1 + (h / 7) % 3] as m,
            now() - interval '${DAYS} days' + (g * ${(DAYS * 86400) / total}) * interval '1 second' as t
          from (select g, 1 + g % ${CAMERA_COUNT} as c, abs(hashint4(g)) as h from generate_series(${from}, ${to - 1}) g) s) x`;
}

export interface LoadTimes {
  insertSeconds: number;
  indexSeconds: number;
  totalSeconds: number;
}

/**
 * Loads `rows` reads; `extra` opens another connection to the same database (PostgreSQL) so two
 * indexes build at once; without it they build one after another (PGlite).
 */
export async function loadReads(
  db: Db,
  rows: number,
  extra: (() => Promise<Db>) | null,
  log: (m: string) => void,
): Promise<LoadTimes> {
  const started = Date.now();
  const saved = await dropForLoad(db);
  const workers = [db, ...(extra ? [await extra()] : [])];
  // Slices of the insert, then the index builds (they share a lock), run on every connection at once.
  const drain = (work: string[], label: (sql: string) => string) =>
    Promise.all(
      workers.map(async (w) => {
        for (let sql = work.shift(); sql; sql = work.shift()) {
          const t = Date.now();
          await w.exec(sql);
          log(
            `  ${label(sql)} (${((Date.now() - t) / 1000).toFixed(0)} s; ${((Date.now() - started) / 1000).toFixed(0)} s in all)`,
          );
        }
      }),
    );
  const slice = 2_500_000;
  const slices = Array.from({ length: Math.ceil(rows / slice) }, (_, i) =>
    insertSql(i * slice + 1, Math.min(rows, (i + 1) * slice) + 1, rows),
  );
  await drain(slices, (sql) => `rows from ${/generate_series\((\d+)/.exec(sql)?.[1]}`);
  const inserted = Date.now();
  // The primary key is built as an index and attached after.
  const keys = saved.constraints.filter((c) => c.table === 'plate_reads' && !c.foreign);
  for (const w of workers) await w.exec(`set maintenance_work_mem = '${w.kind === 'postgres' ? '1GB' : '256MB'}'`);
  // The trigram index takes longest: first, so the other connection builds the rest meanwhile.
  const indexes = [...saved.indexes].sort(
    (a, b) => Number(b.includes('gin_trgm_ops')) - Number(a.includes('gin_trgm_ops')),
  );
  await drain(
    [...indexes, ...keys.map((c) => `create unique index ${c.name} on plate_reads ${/\(.*\)/.exec(c.def)?.[0]}`)],
    (sql) => sql.slice(0, 90),
  );
  if (workers[1]) await workers[1].close();
  for (const c of keys)
    await db.exec(`alter table plate_reads add constraint ${c.name} ${c.def.split(' (')[0]} using index ${c.name}`);
  for (const c of saved.constraints.filter((x) => x.foreign))
    await db.exec(`alter table ${c.table} add constraint ${c.name} ${c.def}`);
  await db.exec('analyze plate_reads');
  const end = Date.now();
  return {
    insertSeconds: round((inserted - started) / 1000),
    indexSeconds: round((end - inserted) / 1000),
    totalSeconds: round((end - started) / 1000),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
