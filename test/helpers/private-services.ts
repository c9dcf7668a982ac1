// Private servers a fault test may kill and restart: a PostgreSQL cluster (initdb + pg_ctl, as the postgres
// user when the test runs as root) and an append-only redis-server, each on a free port in a temp dir.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../../src/lib/redis-server.js';
import { until } from './redis-sentinels.js';

const PG_BIN = process.env.VIGIL_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** initdb refuses to run as root: then every PostgreSQL command runs as the postgres user (runuser). */
function asPostgres(bin: string, args: string[]): void {
  const cmd = path.join(PG_BIN, bin);
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
  else execFileSync(cmd, args, { stdio: 'pipe' });
}

export async function startPostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  // fsync off: the test restarts the server cleanly (pg_ctl), it never loses power.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('create database vigil');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/vigil`,
    async restart() {
      stop();
      start();
    },
    async stop() {
      try {
        stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface PrivateRedis {
  url: string;
  /** SIGKILL, then start again on the same port and directory: only the append-only file carries the data over. */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAppendOnlyRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-aof-'));
  const port = await freePort();
  let child: ChildProcess;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    // appendfsync always: every acknowledged write is on disk, so a SIGKILL loses none.
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '""',
      ],
      { stdio: 'ignore' },
    );
    await until(async () => {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {});
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        r.disconnect();
      }
    }, `redis-server on ${port}`);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    async crashAndRestart() {
      await kill();
      await start();
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
