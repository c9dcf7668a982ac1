// The private redis-server under supervision, with real processes: kill -9 brings it back on its port
// with its data, the clients' outage is logged once each way, and a server that cannot come back is reported.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from './logger.js';
import { createRedis } from './redis-watch.js';
import { startLocalRedis, type LocalRedis } from './redis-server.js';

function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = {
    lines,
    info: (m: string) => void lines.push(`info ${m}`),
    warn: (m: string) => void lines.push(`warn ${m}`),
    error: (m: string) => void lines.push(`error ${m}`),
    child: () => log,
  };
  return log;
}

const dirs: string[] = [];
const servers: LocalRedis[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-redis-sup-'));
  dirs.push(dir);
  return dir;
}

async function until<T>(what: string, ms: number, cond: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('supervised redis-server', () => {
  it('comes back on the same port with its data after kill -9; the outage is logged once and its end once', async () => {
    const serverLog = memoryLog();
    const redis = await startLocalRedis(tempDir(), { log: serverLog, restartDelayMs: 100 });
    servers.push(redis);
    const clientLog = memoryLog();
    const main = createRedis(redis.url, { maxRetriesPerRequest: null }, clientLog);
    const subscriber = main.duplicate();
    const other = main.duplicate({ connectionName: 'other' });
    await subscriber.subscribe('ch');
    await main.set('kept', 'yes');

    const first = redis.pid()!;
    process.kill(first, 'SIGKILL');
    await until('a new redis-server', 15_000, () => redis.pid() !== null && redis.pid() !== first);
    expect(await main.get('kept')).toBe('yes');
    expect(await other.ping()).toBe('PONG');
    await until('the subscriber back', 15_000, () => subscriber.status === 'ready');
    expect(redis.restarts()).toBe(1);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(serverLog.lines).toEqual([
      expect.stringMatching(/^warn redis-server \(pid \d+\) exited \(SIGKILL\); restarting it on port \d+/),
      expect.stringMatching(/^info redis-server restarted/),
    ]);
    expect(clientLog.lines.filter((l) => l.includes('unreachable'))).toEqual([
      expect.stringMatching(new RegExp(`^warn redis at 127\\.0\\.0\\.1:${redis.port} unreachable \\(ECONNREFUSED\\)`)),
    ]);
    expect(clientLog.lines.filter((l) => l.includes('answers again'))).toHaveLength(1);
    for (const c of [main, subscriber, other]) c.disconnect();
  });

  it('reports once that it could not be restarted (its port taken meanwhile)', async () => {
    const serverLog = memoryLog();
    let gaveUp: Error | null = null;
    const redis = await startLocalRedis(tempDir(), {
      log: serverLog,
      restartDelayMs: 500,
      maxRestarts: 2,
      onGiveUp: (err) => (gaveUp = err),
    });
    servers.push(redis);
    const exited = new Promise((r) => {
      const t = setInterval(() => {
        if (redis.pid() === null) {
          clearInterval(t);
          r(null);
        }
      }, 10);
    });
    process.kill(redis.pid()!, 'SIGKILL');
    await exited;
    // Someone else takes the port before the restart: redis-server cannot bind it.
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(redis.port, '127.0.0.1', () => resolve()));
    try {
      const err = await until('give-up', 20_000, () => gaveUp);
      expect(err.message).toMatch(
        new RegExp(`redis-server on port ${redis.port} died and could not be restarted after 2 attempts`),
      );
      expect(serverLog.lines.filter((l) => l.startsWith('error'))).toHaveLength(1);
    } finally {
      squatter.close();
    }
  });

  it('stop() ends it and nothing restarts it', async () => {
    const redis = await startLocalRedis(tempDir(), { restartDelayMs: 20 });
    const pid = redis.pid()!;
    await redis.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(redis.pid()).toBe(null);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
