// Incident offers over a real webhook (a local HTTP server) through the queued delivery job on real Redis and
// BullMQ: a receiver that fails twice gets the offer on the job's retry, once recorded; and an incident committed
// by a process that stopped before queueing anything (its check and deliveries never queued) is caught by the
// sweep: its offers go out, and its late leg times out and passes to the next unit.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, testRedisUrl } from './helpers/redis.js';
import { configSchema } from '../src/config/schema.js';
import { webhookChannel } from '../src/dispatch/offer-channel.js';
import type { DutyLevel } from '../src/domain/face-watchlist.js';
import { policyFor } from '../src/duty/policy.js';
import { IncidentDeliveries } from '../src/incidents/incident-deliveries.js';
import { IncidentQueue } from '../src/incidents/incident-queue.js';
import { createIncident } from '../src/incidents/incident-raise.js';
import { IncidentRepo } from '../src/incidents/incident-repo.js';
import { IncidentService, type IncidentDeps } from '../src/incidents/incident-service.js';
import { EventBus } from '../src/queues/event-bus.js';
import { AuditRepo } from '../src/store/audit-repo.js';
import { CameraRepo } from '../src/store/camera-repo.js';
import { openDb, type Db } from '../src/store/db.js';
import { InterceptionRepo } from '../src/store/interception-repo.js';
import { migrate } from '../src/store/migrate.js';
import type { Principal } from '../src/store/token-repo.js';
import { UnitRepo } from '../src/store/unit-repo.js';

const AT = { lat: 22.54, lon: 114.05 };
const config = configSchema.parse({
  incidents: { ackTimeoutSeconds: 2 },
  units: [
    { id: 'a1', callsign: 'A1', type: 'car', homeGrid: 'g1' },
    { id: 'a2', callsign: 'A2', type: 'car', homeGrid: 'g1' },
  ],
});
const operator: Principal = {
  tokenId: 't-op',
  name: 'op-wang',
  role: 'operator',
  subject: null,
  personId: 'person-wang',
  scope: null,
};
const duty = { current: () => 'normal' as DutyLevel, policy: (l?: DutyLevel) => policyFor(config, l ?? 'normal') };

interface Received {
  deliveryId: string;
  unitId: string;
  status: number;
}

describe('incident offers through the queued delivery job', () => {
  let db: Db;
  let redis: Redis;
  let queue: IncidentQueue;
  let bus: EventBus;
  let svc: IncidentService;
  let deps: IncidentDeps;
  let worker: Worker;
  let server: Server;
  const received: Received[] = [];
  /** Answers 500 to this many requests before answering 200. */
  let failNext = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const m = JSON.parse(body) as { deliveryId: string; unitId: string };
        const status = failNext > 0 ? 500 : 200;
        if (failNext > 0) failNext--;
        received.push({ deliveryId: m.deliveryId, unitId: m.unitId, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/offers`;
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: null });
    const prefix = freshPrefix('incident-delivery');
    queue = new IncidentQueue(redis, prefix);
    bus = new EventBus(redis, `${prefix}:events`);
    const units = new UnitRepo(db);
    await units.upsertAll(config.units);
    await units.reportPosition('a1', AT.lat + 0.001, AT.lon);
    await units.reportPosition('a2', AT.lat + 0.002, AT.lon);
    deps = {
      incidents: new IncidentRepo(db),
      cameras: new CameraRepo(db),
      orders: new InterceptionRepo(db),
      audit: new AuditRepo(db),
      bus,
      queue,
      channels: [webhookChannel(url, 'test-webhook-secret', 2000)],
      duty,
      config,
    };
    svc = new IncidentService(deps);
    worker = queue.startWorker({
      check: (p) => svc.checkLegs(p),
      deliver: (p) => svc.deliver(p),
      sweep: () => svc.sweep(),
    });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await bus?.close();
    redis?.disconnect();
    await db?.close();
    await new Promise((r) => server?.close(r));
  });

  const waitFor = async (what: () => boolean | Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const okFor = (unitId: string) => received.filter((r) => r.unitId === unitId && r.status === 200);

  it('a receiver failing twice gets the offer on the retry, recorded once as sent', async () => {
    failNext = 2;
    const raised = await svc.raise({ source: 'call', type: 'theft', severity: 1, district: 'futian', ...AT }, operator);
    const [leg] = raised.legs;
    await waitFor(() => okFor(leg.unitId).length === 1);
    // The receiver has answered 200; the job records it a moment later, once the response is read.
    const deliveries = new IncidentDeliveries(db);
    await waitFor(async () => (await deliveries.forLeg(leg.id)).every((d) => !d.pending));
    const tries = received.filter((r) => r.deliveryId === `incident.${raised.id}.${leg.unitId}.1`);
    expect(tries.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(await deliveries.forLeg(leg.id)).toEqual([{ channel: 'webhook', pending: false, detail: 'HTTP 200' }]);
    const failures = (await deps.audit.list({ limit: 20 })).filter(
      (a) => a.action === 'incident.delivery_failed' && a.target === raised.id,
    );
    expect(failures).toHaveLength(2);
    await svc.close(raised.id, 'closed', 'done', operator);
  }, 60_000);

  it('an incident committed with nothing queued after it: the sweep sends its offer, then passes its late leg on', async () => {
    received.length = 0;
    // What a process killed right after the commit leaves: the incident and its leg, no check, no delivery.
    const stored = await createIncident(
      deps,
      { source: 'call', type: 'theft', severity: 1, district: 'futian', ...AT },
      operator,
    );
    const [first] = stored.legs;
    await svc.sweep();
    await waitFor(() => okFor(first.unitId).length === 1);
    // Unanswered past its 2 s timeout (the grace set to 0 here; 30 s by default, so the queued check goes first).
    await new Promise((r) => setTimeout(r, 2500));
    await svc.sweep(0);
    const after = await svc.get(stored.id);
    expect(after.legs.map((l) => [l.unitId, l.state])).toEqual([
      [first.unitId, 'timed_out'],
      [first.unitId === 'a1' ? 'a2' : 'a1', 'offered'],
    ]);
    await waitFor(() => okFor(after.legs[1].unitId).length === 1);
    // A second sweep changes nothing and sends nothing twice.
    await svc.sweep(0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await svc.get(stored.id)).legs).toHaveLength(2);
    expect(received.filter((r) => r.status === 200)).toHaveLength(2);
  }, 60_000);
});
