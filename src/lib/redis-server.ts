// Starts a private redis-server child process (when no REDIS_URL is given), with its data in the data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

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

export async function startLocalRedis(dir: string): Promise<LocalRedis> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess;
  try {
    // appendonly: queued jobs and hotlist events survive a restart of the embedded stack.
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '""'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`cannot start redis-server (${(err as Error).message}); install it with: apt-get install -y redis-server, or set REDIS_URL`);
  }
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start redis-server (${err.message}); install it with: apt-get install -y redis-server, or set REDIS_URL`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} before it was ready`)));
  });
  // A crash must not leave a stray redis-server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `redis://127.0.0.1:${port}`;
  await Promise.race([waitForPing(url), failed]);
  return {
    url,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
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
