// Two API nodes on one Redis and one PostgreSQL, as a load balancer sees them: node A (this process, roles api and
// pipeline) and node B (`vigil start --roles api`, a process of its own with its own connections and memory). A
// client's SSE stream gets every event whichever node raised it, once: a plate pushed to A's API alerts and offers on
// B's streams; a disposition made through B reaches A's stream; a duty change made through A holds on B at once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docFor } from '../src/api/contract/document.js';
import { nodesResponse } from '../src/api/routes/nodes.js';
import { startNode, type Running } from '../src/app/start.js';
import { parseConfig, type LoadedConfig } from '../src/config/load.js';
import { createLogger } from '../src/lib/logger.js';
import type { Role } from '../src/store/token-repo.js';
import { freshDatabase, type FreshDatabase } from './helpers/cluster.js';
import { projectRoot } from './helpers/node.js';
import { freshPrefix, stopTestRedis, testRedisUrl } from './helpers/redis.js';
import { SseClient, type SseEvent } from './helpers/sse.js';
import { startVigil, type VigilProcess } from './helpers/vigil-process.js';

const yaml = `
dispatch: { ackTimeoutSeconds: 600 }
cameras:
  - { id: gate-1, name: Gate 1, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, enabled: false }
units:
  - { id: car-1, callsign: C1, type: car, homeGrid: g1 }
`;
const PLATE = '粤B4E7K2';
const TEST_MS = 120_000;

type Api = (
  pathname: string,
  token: string,
  init?: RequestInit,
) => Promise<{ status: number; body: Record<string, unknown> }>;

function apiOf(base: string): Api {
  return async (pathname, token, init = {}) => {
    const headers = {
      authorization: `Bearer ${token}`,
      ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
    };
    const res = await fetch(`${base}/api/v1${pathname}`, { ...init, headers, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** What a stream saw about one alert, in order: the event types and the alert's status where it has one. */
const about = (events: SseEvent[], alertId: string) =>
  events
    .filter((e) => e.data.alertId === alertId && (e.event === 'alert' || e.event === 'offer'))
    .map((e) => `${e.event}:${String(e.data.status ?? '')}`);

describe('two API nodes behind one load balancer', () => {
  let dir: string;
  let db: FreshDatabase;
  let redisUrl: string;
  let prefix: string;
  let a: Running;
  let b: VigilProcess;
  let onA: Api;
  let onB: Api;
  const tokens: Record<string, string> = {};
  const streams: SseClient[] = [];
  const stream = async (base: string, token: string) => {
    const s = new SseClient(`${base}/api/v1/stream`, token);
    streams.push(s);
    await s.ready;
    await s.waitFor((e) => e.event === 'hello', 10_000, 'hello');
    return s;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-api-nodes-'));
    db = await freshDatabase('api_nodes');
    redisUrl = await testRedisUrl();
    prefix = freshPrefix('api-nodes');
    const configFile = path.join(dir, 'api-nodes.yaml');
    writeFileSync(configFile, yaml);
    // Node A migrates the fresh database before B starts.
    const loaded: LoadedConfig = {
      file: configFile,
      root: projectRoot,
      config: parseConfig(yaml, configFile),
      env: { redisUrl, databaseUrl: db.url, dataDir: path.join(dir, 'a'), nodeId: 'api-a' },
    };
    a = await startNode(loaded, createLogger('api-nodes-a', true), {
      roles: ['api', 'pipeline'],
      port: 0,
      queuePrefix: prefix,
    });
    mkdirSync(path.join(dir, 'b'));
    b = await startVigil(
      { dir, dataDir: path.join(dir, 'b'), configFile, rtspPort: 0 },
      {
        args: ['--roles', 'api'],
        env: { REDIS_URL: redisUrl, DATABASE_URL: db.url, VIGIL_QUEUE_PREFIX: prefix, VIGIL_NODE_ID: 'api-b' },
      },
    );
    await b.running(90_000);
    onA = apiOf(a.url as string);
    onB = apiOf(`http://127.0.0.1:${b.port}`);
    const make = async (name: string, role: Role, subject: string | null = null) =>
      (tokens[name] = (await a.infra.repos.tokens.create(name, role, subject)).token);
    await Promise.all([
      make('admin', 'admin'),
      make('operator', 'operator'),
      make('gate', 'checkpoint', 'gate-1'),
      make('unit', 'unit', 'car-1'),
    ]);
  }, TEST_MS);

  afterAll(async () => {
    for (const s of streams) s.close();
    if (b && b.child.exitCode === null) {
      b.child.kill('SIGTERM');
      await b.exitWithin(20_000).catch(() => b.child.kill('SIGKILL'));
    }
    await a?.stop();
    // Our prefix only: the machine's Redis is shared.
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    await stopTestRedis();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, TEST_MS);

  it(
    'both nodes are listed, each a process of its own',
    async () => {
      const { body } = await onB('/nodes', tokens.operator);
      // The answer is what the route's RouteDoc promises (cluster-docs.ts).
      const nodes = nodesResponse.parse(body).nodes;
      expect(docFor('get', '/nodes')?.responses[200]?.schema).toBe(nodesResponse);
      expect(nodes.map((n) => n.id).sort()).toEqual(['api-a', 'api-b']);
      expect(nodes.find((n) => n.id === 'api-b')?.pid).toBe(b.pid);
      expect(nodes.find((n) => n.id === 'api-b')?.roles).toEqual(['api']);
    },
    TEST_MS,
  );

  it(
    "a plate pushed to node A alerts on both nodes' streams and offers to the unit connected to node B, each event once",
    async () => {
      expect(
        (
          await onA('/hotlist', tokens.admin, {
            method: 'POST',
            body: JSON.stringify({
              plate: PLATE,
              category: 'stolen_vehicle',
              reason: 'stolen 2026-12-01',
              source: 'case 2026-301',
              priority: 1,
              expiresAt: '2030-01-01T00:00:00Z',
              why: 'case 2026-301',
            }),
          })
        ).status,
      ).toBe(201);
      // The unit reports where it is through node B; the hit is raised through node A.
      expect(
        (
          await onB('/units/car-1/position', tokens.unit, {
            method: 'POST',
            body: JSON.stringify({ lat: 22.545, lon: 114.058 }),
          })
        ).status,
      ).toBeLessThan(300);
      const [opsA, opsB, unitB] = [
        await stream(a.url as string, tokens.operator),
        await stream(`http://127.0.0.1:${b.port}`, tokens.operator),
        await stream(`http://127.0.0.1:${b.port}`, tokens.unit),
      ];
      const crop = (
        await sharp({ create: { width: 96, height: 32, channels: 3, background: '#1040c0' } })
          .jpeg()
          .toBuffer()
      ).toString('base64');
      const read = {
        plate: PLATE,
        confidence: 97,
        capturedAt: new Date(Date.now() - 1000).toISOString(),
        eventId: 'api-nodes-1',
        plateJpeg: crop,
      };
      expect((await onA('/anpr/reads', tokens.gate, { method: 'POST', body: JSON.stringify(read) })).status).toBe(202);

      const alert = await opsB.waitFor(
        (e) => e.event === 'alert' && JSON.stringify(e.data).includes(PLATE),
        30_000,
        'the alert on node B',
      );
      const alertId = alert.data.alertId as string;
      const offer = await unitB.waitFor(
        (e) => e.event === 'offer' && e.data.alertId === alertId,
        30_000,
        'the offer on node B',
      );
      // Live through the event bus, not re-read from the database when the unit connected.
      expect((offer.data.data as { replayed?: boolean }).replayed).not.toBe(true);
      await opsA.waitFor((e) => e.event === 'offer' && e.data.alertId === alertId, 30_000, 'the offer on node A');
      await new Promise((r) => setTimeout(r, 1500));
      // Both operators saw the same events about the hit, in the same order, none twice; the unit one offer.
      const seenOnB = about(opsB.events, alertId);
      expect(seenOnB).toEqual(about(opsA.events, alertId));
      expect(seenOnB).toContain('alert:candidate');
      expect(seenOnB.filter((x) => x === 'alert:candidate')).toHaveLength(1);
      expect(unitB.events.filter((e) => e.event === 'offer' && e.data.alertId === alertId)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'a disposition made through node B reaches the stream on node A',
    async () => {
      const opsA = await stream(a.url as string, tokens.operator);
      const { body } = await onA('/alerts?limit=10', tokens.operator);
      const alertId = (body.alerts as { id: string; plate: string }[]).find((x) => x.plate === PLATE)?.id as string;
      expect(alertId).toBeTruthy();
      const res = await onB(`/alerts/${alertId}/disposition`, tokens.operator, {
        method: 'POST',
        body: JSON.stringify({ verdict: 'dismiss', reason: 'not the listed car: a different model' }),
      });
      expect(res.status).toBe(200);
      await opsA.waitFor(
        (e) => e.event === 'alert' && e.data.alertId === alertId && e.data.status === 'dismissed',
        15_000,
        'the dismissal on node A',
      );
    },
    TEST_MS,
  );

  it(
    'a duty level switched through node A holds on node B and reaches a checkpoint connected to B',
    async () => {
      const gateB = await stream(`http://127.0.0.1:${b.port}`, tokens.gate);
      const res = await onA('/duty', tokens.admin, {
        method: 'PUT',
        body: JSON.stringify({ level: 'enhanced', reason: 'festival traffic' }),
      });
      expect(res.status).toBe(200);
      await gateB.waitFor((e) => e.event === 'duty' && e.data.level === 'enhanced', 15_000, 'the duty event on node B');
      await expect
        .poll(async () => (await onB('/duty', tokens.operator)).body.level, { timeout: 10_000 })
        .toBe('enhanced');
    },
    TEST_MS,
  );
});
