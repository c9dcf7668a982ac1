// The private redis-server (when no REDIS_URL is given): its own process group, data in the data
// directory (append-only), restarted on the same port if it dies, stopped last.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { spawnChild } from './children.js';
import type { Logger } from './logger.js';

export interface LocalRedis {
  url: string;
  port: number;
  /** The redis-server's pid now (it changes when it is restarted), or null while it is down. */
  pid(): number | null;
  /** How many times it was restarted after dying. */
  restarts(): number;
  /** SIGTERM (redis-server finishes its append-only file), SIGKILL after 5 s; no restart after this. */
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** Where start/restart lines go; default: nowhere. */
  log?: Logger;
  /** Called once when redis-server died and could not be restarted; the node should stop. */
  onGiveUp?: (err: Error) => void;
  /** Restarts in a row (without 30 s of running between) before giving up. Default 5. */
  maxRestarts?: number;
  /** Wait before the first restart, doubled for each next one in a row. Default 500 ms. */
  restartDelayMs?: number;
}

/** A restart that then runs this long resets the count of restarts in a row. */
const STABLE_MS = 30_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const installHint = 'install it with: apt-get install -y redis-server, or set REDIS_URL';

/** Starts redis-server once on the port, resolving when it answers PING. */
async function launch(dir: string, port: number): Promise<ChildProcess> {
  // appendonly: queued jobs and hotlist events survive a restart. detached: its own process group, so a
  // terminal's Ctrl-C reaches the node only and the node stops Redis last, after everything that uses it.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '""'];
  const child = spawnChild('redis-server', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    stopSignal: 'SIGTERM',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start redis-server (${err.message}); ${installHint}`)));
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `redis-server exited (${signal ?? `code ${code}`}) before it was ready${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`,
        ),
      ),
    );
  });
  failed.catch(() => {}); // settled later by the race below, or never looked at once ready
  const url = `redis://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForPing(url), failed]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

export async function startLocalRedis(dir: string, opts: LocalRedisOptions = {}): Promise<LocalRedis> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const maxRestarts = opts.maxRestarts ?? 5;
  const baseDelay = opts.restartDelayMs ?? 500;
  let child: ChildProcess | null = await launch(dir, port);
  let stopping = false;
  let restarts = 0;
  let inARow = 0;
  let upSince = Date.now();

  const supervise = (c: ChildProcess) => {
    c.once('exit', (code, signal) => {
      if (child !== c) return;
      child = null;
      if (stopping) return;
      if (Date.now() - upSince >= STABLE_MS) inARow = 0;
      opts.log?.warn(
        `redis-server (pid ${c.pid}) exited (${signal ?? `code ${code}`}); restarting it on port ${port} with its data`,
      );
      void restart();
    });
  };

  const restart = async () => {
    let lastError: Error | null = null;
    while (!stopping && inARow < maxRestarts) {
      await new Promise((r) => setTimeout(r, baseDelay * 2 ** inARow));
      inARow++;
      if (stopping) return;
      try {
        const c = await launch(dir, port);
        if (stopping) return void c.kill('SIGTERM');
        child = c;
        restarts++;
        upSince = Date.now();
        supervise(c);
        opts.log?.info(`redis-server restarted (pid ${c.pid}, attempt ${inARow})`);
        return;
      } catch (err) {
        lastError = err as Error;
      }
    }
    if (stopping) return;
    const err = new Error(
      `redis-server on port ${port} died and could not be restarted after ${maxRestarts} attempts: ${lastError?.message ?? 'it kept exiting'} (data in ${dir})`,
    );
    opts.log?.error(err.message);
    opts.onGiveUp?.(err);
  };

  supervise(child);
  return {
    url,
    port,
    pid: () => child?.pid ?? null,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // refused until the server listens: expected while waiting
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      client.disconnect();
    }
  }
}
