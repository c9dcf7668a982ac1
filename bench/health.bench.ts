// `npm run bench health`: /readyz and /metrics cost on a real node, how soon /readyz and the API notice a killed
// redis-server and its return, and the logger's cost per line in each format.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config/load.js';
import { startNode } from '../src/app/start.js';
import { createLogger } from '../src/lib/logger.js';
import { startLocalRedis } from '../src/lib/redis-server.js';
import { freshPrefix } from '../test/helpers/redis.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x: number) => Math.round(x * 10) / 10;

async function timed(url: string, init: RequestInit = {}): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: performance.now() - t0, status: res.status, bytes };
}

async function until(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (await probe()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Number.NaN;
}

/** Microseconds per line with a child's fields, into a sink that drops them (the format's own cost, not the disk's). */
function loggerCost(): Record<string, number> {
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const out: Record<string, number> = {};
  for (const format of ['json', 'text'] as const) {
    const log = createLogger('bench', false, { format, destination: { write: (s: string) => sink.write(s) } }).child(
      'camera',
      { camera: 'gate-1', node: 'n1' },
    );
    const n = 50_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) log.info('frame analysed', { seq: i });
    out[`${format}UsPerLine`] = round(((performance.now() - t0) * 1000) / n);
  }
  return out;
}

export default async function healthBench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-health-'));
  const redis = await startLocalRedis(path.join(dir, 'redis'), { restartDelayMs: 1000, maxRestarts: 10 });
  const yaml = `metrics: { port: 0, checkTimeoutMs: 1000, redisTimeoutMs: 500 }\nunits:\n  - { id: car-1, callsign: C1, type: car, homeGrid: g1 }\n`;
  const node = await startNode(
    { file: 'bench.yaml', root, config: parseConfig(yaml), env: { redisUrl: redis.url, dataDir: dir } },
    createLogger('bench', true),
    { port: 0, queuePrefix: freshPrefix('health') },
  );
  try {
    const api = node.url as string;
    const metrics = node.observability.metricsUrl as string;
    const token = (await node.infra.repos.tokens.create('bench-admin', 'admin', null)).token;
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const ready = [];
    for (let i = 0; i < 50; i++) ready.push((await timed(`${api}/readyz`)).ms);
    const scrapes = [];
    for (let i = 0; i < 20; i++) scrapes.push(await timed(`${metrics}/metrics`));

    const outages = [];
    for (let i = 0; i < 3; i++) {
      const pid = redis.pid() as number;
      const killedAt = performance.now();
      process.kill(pid, 'SIGKILL');
      const seenMs = await until(async () => (await timed(`${api}/readyz`)).status === 503);
      const cameras = await timed(`${api}/api/v1/cameras`, auth);
      await until(async () => redis.pid() !== null && redis.pid() !== pid);
      const backAt = performance.now();
      const readyAgainMs = await until(async () => (await timed(`${api}/readyz`)).status === 200);
      outages.push({
        seenMs: round(seenMs),
        camerasStatus: cameras.status,
        camerasMs: round(cameras.ms),
        readyAfterRestartMs: round(readyAgainMs),
        outageMs: round(backAt - killedAt + readyAgainMs),
      });
    }
    return {
      readyz: { p50Ms: round(pct(ready, 50)), p95Ms: round(pct(ready, 95)) },
      metricsScrape: {
        p50Ms: round(
          pct(
            scrapes.map((s) => s.ms),
            50,
          ),
        ),
        p95Ms: round(
          pct(
            scrapes.map((s) => s.ms),
            95,
          ),
        ),
        bytes: scrapes[0].bytes,
      },
      redisKilled: outages,
      logger: loggerCost(),
    };
  } finally {
    await node.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
