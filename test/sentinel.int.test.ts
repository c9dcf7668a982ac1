// Integration: a node on Redis through Sentinel (a private primary, a replica and three sentinels) keeps
// raising and offering alerts while the primary fails over: every alert reaches its unit once on the SSE
// stream and once on the webhook, none lost, none twice.
import http from 'node:http';
import { plateReadEvent } from './helpers/plate-read.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';
import { startSentinels, until, type SentinelSet } from './helpers/redis-sentinels.js';
import { SseClient } from './helpers/sse.js';

const ALERTS = 30;
const FAILOVER_AT = 10;
const PLATE = '粤B5S7N1';
const unitIds = Array.from({ length: ALERTS }, (_, i) => `u${i + 1}`);

const yaml = (hookPort: number) => `
dispatch: { ackTimeoutSeconds: 600, staleAfterSeconds: 600, maxAttempts: 3, webhookUrl: "http://127.0.0.1:${hookPort}/hook" }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, enabled: false }
units:
${unitIds.map((id) => `  - { id: ${id}, callsign: ${id.toUpperCase()}, type: car, homeGrid: g1 }`).join('\n')}
`;

/** How many times each key was seen. */
const tally = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());

describe('Redis through Sentinel', () => {
  let redis: SentinelSet;
  let t: TestNode;
  let hook: http.Server;
  const hooks: { delivery: string; alertId: string }[] = [];
  const streams = new Map<string, SseClient>();

  beforeAll(async () => {
    redis = await startSentinels();
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({
          delivery: String(req.headers['x-vigil-delivery']),
          alertId: (JSON.parse(body) as { alertId: string }).alertId,
        });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const port = (hook.address() as { port: number }).port;
    t = await startTestNode('sentinel', yaml(port), {
      redisUrl: undefined,
      redisSentinel: redis.target,
      webhookSecret: 'test-secret-not-real',
    });
    for (const [i, id] of unitIds.entries())
      await t.node.infra.repos.units.reportPosition(id, 22.5441 + i * 0.0005, 114.0579);
    for (const id of unitIds) streams.set(id, new SseClient(`${t.url}/api/v1/stream`, await t.token('unit', id)));
    await Promise.all([...streams.values()].map((s) => s.ready));
  });

  afterAll(async () => {
    for (const s of streams.values()) s.close();
    await t?.stop();
    hook?.close();
    await redis?.stop();
  });

  it('fails the primary over during alerts and loses nothing', async () => {
    const admin = await t.token('admin');
    const entry = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: PLATE,
        category: 'stolen_vehicle',
        reason: 'stolen (test)',
        source: 'test',
        priority: 1,
        expires_at: '2030-01-01T00:00:00Z',
        why: 'test',
      }),
    });
    expect(entry.status).toBe(201);
    const before = await redis.primaryPort();
    let failover: Promise<void> | null = null;
    for (let i = 0; i < ALERTS; i++) {
      if (i === FAILOVER_AT) failover = redis.failover();
      // Through the real queue path: match, alert, dispatch, deliveries, all on the failing-over Redis.
      await t.node.queues.add('plate-reads', plateReadEvent('gate-1', PLATE));
      await new Promise((r) => setTimeout(r, 150));
    }
    await failover;
    await until(async () => (await redis.primaryPort()) !== before, 'the sentinels to name a new primary');

    const offers = () =>
      [...streams.values()].flatMap((s) =>
        s.events.filter((e) => e.event === 'offer').map((e) => e.data.alertId as string),
      );
    await until(
      async () => offers().length >= ALERTS && hooks.length >= ALERTS,
      `${ALERTS} offers on the streams and the webhook`,
      60_000,
    ).catch(() => {});
    const alerts = await t.node.infra.db.query<{ id: string }>('select id from alerts');
    expect(alerts).toHaveLength(ALERTS);
    const bySse = tally(offers());
    const byHook = tally(hooks.map((h) => h.alertId));
    expect(alerts.filter((a) => bySse.get(a.id) !== 1).map((a) => [a.id, bySse.get(a.id) ?? 0])).toEqual([]);
    expect(alerts.filter((a) => byHook.get(a.id) !== 1).map((a) => [a.id, byHook.get(a.id) ?? 0])).toEqual([]);
    expect(new Set(hooks.map((h) => h.delivery)).size).toBe(ALERTS);
  }, 180_000); // a failover takes the sentinels' down-after time, then the offers are waited for up to 60 s
});
