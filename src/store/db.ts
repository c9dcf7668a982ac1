// One database interface over embedded PGlite (default) and PostgreSQL (DATABASE_URL): same SQL for both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { acquireDbLock, type DbLock } from './db-lock.js';

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements separated by semicolons, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction; a throw rolls it back. */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The embedded database's exclusive hold (db-lock.ts); absent for PostgreSQL and in-memory PGlite. */
  readonly lock?: DbLock;
}

export interface DbOptions {
  /** postgres://... to use PostgreSQL; otherwise PGlite in dataDir/db (or in memory with 'memory://'). */
  url?: string;
  dataDir?: string;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) return openPostgres(opts.url);
  if (opts.url && opts.url !== 'memory://') {
    throw new Error(`DATABASE_URL: expected postgres://... (or nothing for the embedded database), got '${opts.url}'`);
  }
  return openPglite(opts.url === 'memory://' || !opts.dataDir ? undefined : path.join(opts.dataDir, 'db'));
}

async function openPglite(dir: string | undefined): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  // Taken before PGlite touches the directory: a second process must fail here, not write beside the first.
  const lock = dir ? await acquireDbLock(dir) : undefined;
  // pg_trgm serves partial plate search (migration 008); PGlite ships it as a contrib module.
  const lite = new PGlite({ dataDir: dir, extensions: { pg_trgm } });
  try {
    await lite.waitReady;
  } catch (err) {
    lock?.release();
    throw err;
  }
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Omit<Db, 'tx' | 'close'> => ({
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const db: Db = {
    ...wrap(lite),
    // PGlite serves one connection: its transaction() holds the connection for the callback.
    // A nested tx runs on the transaction's own handle: the outer one waits for the transaction to end (deadlock).
    tx: (fn) =>
      lite.transaction((t) => {
        const inner: Db = { ...wrap(t), tx: (f) => f(inner), close: async () => {} };
        return fn(inner);
      }),
    async close() {
      try {
        await lite.close();
      } finally {
        lock?.release();
      }
    },
    lock,
  };
  return db;
}

async function openPostgres(url: string): Promise<Db> {
  // connectionTimeoutMillis: during an outage a query fails within 5 s (its BullMQ job retries) instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client whose server went away (restart, failover, network) is dropped by the pool, which then emits
  // this; unheard, it would crash the process. The next query opens a new connection.
  pool.on('error', () => {});
  await pool.query('select 1').catch((err: Error) => {
    throw new Error(`DATABASE_URL: cannot connect (${err.message})`);
  });
  await requireExtension(pool, 'pg_trgm');
  const wrap = (c: pg.Pool | pg.PoolClient): Omit<Db, 'tx' | 'close'> => ({
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await c.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  return {
    ...wrap(pool),
    async tx(fn) {
      const client = await pool.connect();
      // A checked-out client is not the pool's to watch: a dropped connection mid-transaction is heard here,
      // and the client is destroyed on release rather than handed to the next caller.
      let broken: Error | undefined;
      const onError = (err: Error) => (broken = err);
      client.on('error', onError);
      try {
        await client.query('begin');
        const inner: Db = { ...wrap(client), tx: (f) => f(inner), close: async () => {} };
        const result = await fn(inner);
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken ??= e));
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Refuses to start on a server without a contrib extension the migrations create, naming the package:
 * on Debian and Ubuntu the contrib modules ship in postgresql-NN itself (older releases: postgresql-contrib).
 */
async function requireExtension(pool: pg.Pool, name: string): Promise<void> {
  const { rows } = await pool.query<{ ok: boolean; version: string }>(
    "select exists (select 1 from pg_available_extensions where name = $1) as ok, current_setting('server_version_num') as version",
    [name],
  );
  if (rows[0].ok) return;
  await pool.end();
  const major = Math.floor(Number(rows[0].version) / 10000);
  throw new Error(
    `DATABASE_URL: this PostgreSQL server lacks the ${name} extension (partial plate search needs it): install the contrib modules on the ` +
      `database server (Debian/Ubuntu: apt-get install postgresql-${major} or postgresql-contrib; RHEL: postgresql${major}-contrib) and restart it`,
  );
}
