// Fan-out: a real node (API, BullMQ workers, embedded database, Redis) with 200 SSE clients connected over
// real HTTP with real tokens (150 patrol units, 50 operators by default). Alerts go in through the real
// path: a plate-read event queued on 'plate-reads' that matches the hotlist, then match, alert, dispatch.
// Measured per delivery: from the alert's creation (the `at` stamped when the alert is published) to
// receipt of the 'alert' event by every operator, and of the 'offer' by the unit dispatched.
// Args: --units=N (150), --operators=N (50), --alerts=N (50), --gap=MS between alerts (300).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { startNode } from '../src/app/start.js';
import { createLogger } from '../src/lib/logger.js';
import { SseClient } from '../test/helpers/sse.js';
import { freshPrefix, testRedisUrl } from '../test/helpers/redis.js';
import type { BenchContext } from './run.js';
import { numArg, percentile } from './common.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GATE = { lat: 22.5431, lon: 114.0579 };
const plateOf = (i: number) => `粤B${String(10000 + i)}`;

function nodeYaml(units: number, alerts: number): string {
  const ids = Array.from({ length: units }, (_, i) => `u${i}`);
  // Units on a ring 300 m to 3 km around the gate, so every alert finds a fresh, available unit.
  const at = (i: number) => ({
    lat: GATE.lat + (0.003 + (i % 10) * 0.003) * Math.cos(i),
    lon: GATE.lon + (0.003 + (i % 10) * 0.003) * Math.sin(i),
  });
  return `
dispatch: { ackTimeoutSeconds: 600, staleAfterSeconds: 3600, maxAttempts: 1 }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: ${GATE.lat}, lon: ${GATE.lon}, district: d, grid: g1, enabled: false }
units:
${ids.map((id) => `  - { id: ${id}, callsign: ${id.toUpperCase()}, type: car, homeGrid: g1 }`).join('\n')}
demo:
  enabled: true
  streams: []
  hotlist:
${Array.from({ length: alerts }, (_, i) => `    - { plate: ${plateOf(i)}, category: stolen_vehicle, reason: bench, priority: 1 }`).join('\n')}
  positions:
${ids.map((id, i) => `    - { unit: ${id}, lat: ${at(i).lat.toFixed(6)}, lon: ${at(i).lon.toFixed(6)} }`).join('\n')}
`;
}

const stats = (xs: number[]) => ({
  deliveries: xs.length,
  p50Ms: percentile(xs, 50),
  p95Ms: percentile(xs, 95),
  maxMs: Math.max(...xs),
});

export default async function fanout(ctx: BenchContext) {
  const unitCount = numArg(ctx.args, 'units', 150);
  const operatorCount = numArg(ctx.args, 'operators', 50);
  const alertCount = numArg(ctx.args, 'alerts', 50);
  const gapMs = numArg(ctx.args, 'gap', 300);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-fanout-'));
  const loaded = {
    file: 'bench.yaml',
    root,
    config: parseConfig(nodeYaml(unitCount, alertCount)),
    env: { redisUrl: await testRedisUrl(), dataDir },
  };
  const node = await startNode(loaded, createLogger('bench', true), { port: 0, queuePrefix: freshPrefix('fanout') });
  const clients: SseClient[] = [];
  try {
    const url = `${node.url}/api/v1/stream`;
    const unitTokens = (node.demo?.tokens ?? []).filter((t) => t.role === 'unit');
    const operatorTokens = await Promise.all(
      Array.from(
        { length: operatorCount },
        async (_, i) => (await node.infra.repos.tokens.create(`bench-operator-${i}`, 'operator', null)).token,
      ),
    );
    const operators = operatorTokens.map((token) => new SseClient(url, token));
    const units = unitTokens.map((t) => new SseClient(url, t.token));
    clients.push(...operators, ...units);
    const connectStarted = Date.now();
    await Promise.all(clients.map((c) => c.ready));
    await Promise.all(clients.map((c) => c.waitFor((e) => e.event === 'hello', 30_000, 'hello')));
    const connectMs = Date.now() - connectStarted;

    const alertMs: number[] = [];
    const offerMs: number[] = [];
    const lastClientMs: number[] = [];
    let missed = 0;
    for (let i = 0; i < alertCount; i++) {
      const now = Date.now();
      const eventId = randomUUID();
      await node.queues.add('plate-reads', {
        eventId,
        cameraId: 'gate-1',
        plate: plateOf(i),
        confidence: 0.95,
        format: 'cn',
        firstSeen: now,
        lastSeen: now,
        capturedAt: now,
        readCount: 1,
        box: [0.4, 0.5, 0.1, 0.05],
        update: false,
      });
      const isThis = (e: { event: string; data: Record<string, unknown> }) =>
        e.event === 'alert' && (e.data.data as { plate?: string } | undefined)?.plate === plateOf(i);
      const seen = await Promise.all(operators.map((c) => c.waitFor(isThis, 20_000, `alert ${i}`).catch(() => null)));
      const first = seen.find((e) => e !== null);
      if (!first) {
        missed += operators.length;
        continue;
      }
      missed += seen.filter((e) => e === null).length;
      const createdAt = first.data.at as number;
      const alertId = first.data.alertId as string;
      for (const e of seen) if (e) alertMs.push(e.receivedAt - createdAt);
      const offer = await Promise.any(
        units.map((c) => c.waitFor((e) => e.event === 'offer' && e.data.alertId === alertId, 20_000, `offer ${i}`)),
      ).catch(() => null);
      if (offer) offerMs.push(offer.receivedAt - createdAt);
      else missed++;
      lastClientMs.push(
        Math.max(...seen.map((e) => (e ? e.receivedAt - createdAt : 0)), offer ? offer.receivedAt - createdAt : 0),
      );
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return {
      loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
      what: `${operators.length} operator + ${units.length} unit SSE clients on one real node (same process, real HTTP); ${alertCount} alerts through plate-reads -> match -> alert -> dispatch, ${gapMs} ms apart; latency from the alert's publication stamp`,
      connectMs,
      operatorsAlertEvent: stats(alertMs),
      unitOffer: {
        ...stats(offerMs),
        note: 'includes the dispatch job (ranking, assignment row, delivery claim) after the alert',
      },
      allDeliveries: stats([...alertMs, ...offerMs]),
      perAlertLastClient: stats(lastClientMs),
      missed,
    };
  } finally {
    clients.forEach((c) => c.close());
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
