// Integration: a private redis-server killed under a running node: /readyz says redis within seconds, the API
// answers instead of hanging (reads 503 or data, changes 503), and all is ready again once Redis is back.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../src/lib/redis-server.js';
import { startTestNode, type TestNode } from './helpers/node.js';

const yaml = `
metrics: { port: 0, checkTimeoutMs: 1000, redisTimeoutMs: 500 }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, enabled: false }
units:
  - { id: car-1, callsign: C1, type: car, homeGrid: g1 }
`;

interface Probe {
  status: number;
  body: { ok?: boolean; error?: string; checks?: { name: string; ok: boolean; error?: string }[] };
}

/** Any request of this test that does not answer within 10 s fails it, rather than hanging the run. */
async function get(url: string, init: RequestInit = {}): Promise<Probe> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Probe['body'] };
}

async function until(
  what: string,
  probe: () => Promise<Probe>,
  ok: (p: Probe) => boolean,
  timeoutMs = 20_000,
): Promise<Probe> {
  const deadline = Date.now() + timeoutMs;
  let last: Probe | null = null;
  while (Date.now() < deadline) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
}

describe('readiness when Redis dies', () => {
  let redisDir: string;
  let redis: LocalRedis;
  let t: TestNode;
  let admin: string;

  beforeAll(async () => {
    redisDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-health-redis-'));
    // Restarted by its supervisor 8 s after it dies: long enough to see the outage, then it comes back.
    redis = await startLocalRedis(redisDir, { restartDelayMs: 8000, maxRestarts: 3 });
    t = await startTestNode('health', yaml, { redisUrl: redis.url });
    admin = await t.token('admin');
  });

  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
    if (redisDir) rmSync(redisDir, { recursive: true, force: true });
  });

  it('answers ready with each check, on the API port and the metrics port', async () => {
    const ready = await get(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks?.map((c) => c.name)).toEqual(expect.arrayContaining(['database', 'redis', 'workers']));
    const metricsUrl = t.node.observability.metricsUrl as string;
    expect((await get(`${metricsUrl}/readyz`)).status).toBe(200);
    expect((await get(`${metricsUrl}/healthz`)).body.ok).toBe(true);
  });

  it('names redis within seconds of its death, keeps the API answering, and is ready again when Redis returns', async () => {
    const pid = redis.pid() as number;
    process.kill(pid, 'SIGKILL');

    const down = await until(
      'readyz after the kill',
      () => get(`${t.url}/readyz`),
      (p) => p.status === 503,
    );
    expect(down.body.error).toMatch(/^not ready: redis \(/);
    expect(down.body.checks?.find((c) => c.name === 'database')?.ok).toBe(true);
    // The scrape still answers (queue depths are left out while Redis is away) and shows redis failing.
    const scrape = await fetch(`${t.node.observability.metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('vigil_readiness_check{check="redis"} 0');
    // A change would be half done (saved, never queued or shown): refused at once.
    const auth = { headers: { authorization: `Bearer ${admin}` } };
    const change = await get(`${t.url}/api/v1/units/car-1/position`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ lat: 22.54, lon: 114.05 }),
    });
    expect(change.status).toBe(503);
    expect(change.body.error).toMatch(/^Redis is unreachable/);

    // Reads answer, with their data or 503 (which one depends on whether Redis is back yet on a loaded machine).
    const cameras = await get(`${t.url}/api/v1/cameras`, auth);
    expect([200, 503]).toContain(cameras.status);
    if (cameras.status === 503) expect(cameras.body.error).toMatch(/^Redis is unreachable/);
    expect([200, 503]).toContain((await get(`${t.url}/api/v1/admin/jobs/failed`, auth)).status);
    // Reads that need no Redis answer as usual; liveness is not readiness (the process lives: no restart for this).
    expect((await get(`${t.url}/api/v1/alerts`, auth)).status).toBe(200);
    expect((await get(`${t.url}/healthz`)).status).toBe(200);

    await until(
      'readyz after redis-server was restarted',
      () => get(`${t.url}/readyz`),
      (p) => p.status === 200,
      30_000,
    );
    expect(redis.pid()).not.toBe(pid);
    expect((await get(`${t.url}/api/v1/cameras`, auth)).status).toBe(200);
  });
});
