// A private Redis primary, one replica and three sentinels for a test: free ports, temp dirs, every process killed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/lib/redis-server.js';
import type { SentinelTarget } from '../../src/lib/redis-sentinel.js';

export interface SentinelSet {
  target: SentinelTarget;
  /** The primary's port as the sentinels name it now. */
  primaryPort(): Promise<number>;
  /** `SENTINEL FAILOVER`: the replica is promoted, the old primary becomes its replica. */
  failover(): Promise<void>;
  stop(): Promise<void>;
}

const NAME = 'vigil-test';

export async function startSentinels(): Promise<SentinelSet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-sentinel-'));
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  const start = (args: string[]) => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    children.push(child);
  };
  const primary = await freePort();
  const replica = await freePort();
  // min-replicas-to-write: once its replica is promoted, the old primary refuses writes (NOREPLICAS, which
  // Vigil's client resends to the new one) instead of accepting writes the failover would throw away.
  const data = [
    '--bind',
    '127.0.0.1',
    '--save',
    '""',
    '--appendonly',
    'no',
    '--min-replicas-to-write',
    '1',
    '--min-replicas-max-lag',
    '10',
  ];
  start(['--port', String(primary), '--dir', dir, '--dbfilename', 'primary.rdb', ...data]);
  await ping(primary);
  start([
    '--port',
    String(replica),
    '--dir',
    dir,
    '--dbfilename',
    'replica.rdb',
    '--replicaof',
    '127.0.0.1',
    String(primary),
    ...data,
  ]);
  await until(
    async () => (await info(replica, 'replication')).includes('master_link_status:up'),
    'the replica to sync',
  );
  const sentinels: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = path.join(dir, `sentinel-${i}.conf`);
    // Sentinel rewrites its config file as it learns: one writable file each.
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${primary} 2`,
        `sentinel down-after-milliseconds ${NAME} 1000`,
        `sentinel failover-timeout ${NAME} 10000`,
        '',
      ].join('\n'),
    );
    start([conf, '--sentinel']);
    sentinels.push(port);
  }
  const s0 = new Redis({ port: sentinels[0], lazyConnect: true });
  await until(async () => {
    if (s0.status !== 'ready') await s0.connect().catch(() => {});
    const replicas = (await s0.call('SENTINEL', 'REPLICAS', NAME).catch(() => [])) as unknown[];
    const peers = (await s0.call('SENTINEL', 'SENTINELS', NAME).catch(() => [])) as unknown[];
    return replicas.length === 1 && peers.length === 2;
  }, 'the sentinels to find the replica and each other');
  return {
    target: { sentinels: sentinels.map((port) => ({ host: '127.0.0.1', port })), name: NAME },
    async primaryPort() {
      const [, port] = (await s0.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)) as [string, string];
      return Number(port);
    },
    async failover() {
      await s0.call('SENTINEL', 'FAILOVER', NAME);
    },
    async stop() {
      s0.disconnect();
      process.removeListener('exit', killAll);
      await Promise.all(
        children.map((c) => (c.exitCode !== null ? null : new Promise((r) => (c.once('exit', r), c.kill('SIGKILL'))))),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function info(port: number, section: string): Promise<string> {
  const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    return await r.info(section);
  } catch {
    return '';
  } finally {
    r.disconnect();
  }
}

async function ping(port: number): Promise<void> {
  await until(async () => (await info(port, 'server')).includes('redis_version'), `redis-server on ${port}`);
}

export async function until(test: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
