// `vigil start --roles` as real processes: the documented form parses; roles split over two processes
// (PostgreSQL, one Redis) run the demo's RTSP server once (cameras) and seed its tokens once (api).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stillRuns } from '../src/lib/children.js';
import { projectRoot } from './helpers/node.js';
import { freshPrefix, testRedisUrl } from './helpers/redis.js';
import { demoSetup, startVigil, type DemoSetup, type VigilProcess } from './helpers/vigil-process.js';

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `vigil_roles_${process.pid}_${Date.now().toString(36)}`;
const started: VigilProcess[] = [];
let setup: DemoSetup;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** `vigil ARGS` to its end (for commands refused before anything starts). */
function vigil(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_DATA_DIR: setup.dataDir };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], {
    cwd: projectRoot,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stderr: r.stderr };
}

beforeAll(async () => {
  setup = await demoSetup('roles');
  await admin((c) => c.query(`create database ${database}`));
});

afterAll(async () => {
  for (const v of started) {
    try {
      process.kill(-v.pid, 'SIGKILL');
    } catch {
      // exited
    }
    for (const c of v.children()) if (stillRuns(c)) process.kill(c.pid, 'SIGKILL');
  }
  await admin((c) => c.query(`drop database if exists ${database} with (force)`));
  rmSync(setup.dir, { recursive: true, force: true });
});

describe('vigil start --roles', () => {
  it('parses the documented form and refuses what cannot work with a message, not the usage', () => {
    const split = vigil(['start', '--config', setup.configFile, '--roles', 'api']);
    expect(split.code).toBe(2);
    expect(split.stderr).toMatch(/DATABASE_URL/);
    expect(split.stderr).not.toMatch(/^usage:/m);
    const unknown = vigil(['start', '--config', setup.configFile, '--roles', 'api,camera']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--roles: unknown role camera; expected some of api, pipeline, cameras/);
    const stray = vigil(['start', '--config', setup.configFile, '--verbose']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/start: unknown argument --verbose/);
  });

  it('split over two processes: one demo RTSP server (cameras), one set of demo tokens (api), both stop on SIGTERM', async () => {
    const env = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
      REDIS_URL: await testRedisUrl(),
      VIGIL_QUEUE_PREFIX: freshPrefix('roles'),
    };
    const api = await startVigil(setup, { args: ['--roles', 'api'], env });
    started.push(api);
    await api.running();
    // Same data directory: each process keeps its own pid file, and neither reaps the other's children.
    const cameras = await startVigil(setup, { args: ['--roles', 'pipeline,cameras'], env });
    started.push(cameras);
    await cameras.running();

    expect(api.token('admin')).toMatch(/^vgl_/);
    expect(() => cameras.token('admin')).toThrow();
    expect(api.children().map((c) => c.command)).not.toContain('/usr/bin/python3');
    expect(cameras.children().map((c) => c.command)).toContain('/usr/bin/python3');
    expect(cameras.output()).not.toMatch(/stopped \d+ process\(es\) a previous run left/);

    for (const v of [cameras, api]) process.kill(v.pid, 'SIGTERM');
    for (const v of [cameras, api])
      expect(await v.exitWithin(10_000), v.output().slice(-3000)).toEqual({ code: 0, signal: null });
  }, 400_000);
});
