// Incidents end to end below the page: real Redis (event bus, BullMQ leg checks, own prefix) and an in-memory PGlite.
// A severity-3 call gets 3 units from 3 grids + a one-minute response point + interception orders to the
// checkpoints around; legs are timed; an unanswered leg passes to the next nearest unit of another grid.
import { Redis } from 'ioredis';
import { Hono } from 'hono';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshPrefix, testRedisUrl } from './helpers/redis.js';
import { configSchema } from '../src/config/schema.js';
import { haversineMetres } from '../src/domain/geo.js';
import { policyFor } from '../src/duty/policy.js';
import type { DutyLevel } from '../src/domain/face-watchlist.js';
import { IncidentQueue } from '../src/incidents/incident-queue.js';
import { IncidentRepo } from '../src/incidents/incident-repo.js';
import { IncidentService } from '../src/incidents/incident-service.js';
import { EventBus, type LiveEvent } from '../src/queues/event-bus.js';
import { AuditRepo } from '../src/store/audit-repo.js';
import { CameraRepo } from '../src/store/camera-repo.js';
import { openDb, type Db } from '../src/store/db.js';
import { InterceptionRepo } from '../src/store/interception-repo.js';
import { migrate } from '../src/store/migrate.js';
import type { Principal } from '../src/store/token-repo.js';
import { UnitRepo } from '../src/store/unit-repo.js';
import { incidentRoutes } from '../src/api/routes/incidents.js';
import { onError } from '../src/api/errors.js';
import type { ApiEnv } from '../src/api/deps.js';

const AT = { lat: 22.54, lon: 114.05 };
const north = (d: number) => ({ lat: AT.lat + d, lon: AT.lon });
const cam = (id: string, kind: 'street' | 'checkpoint', d: number, grid: string) => ({
  id,
  name: id.toUpperCase(),
  source: 'rtsp://127.0.0.1:1/none',
  kind,
  ...(kind === 'checkpoint' ? { checkpointLevel: 2 } : {}),
  ...north(d),
  district: 'futian',
  grid,
  enabled: false,
});
const config = configSchema.parse({
  dispatch: { ackTimeoutSeconds: 30, staleAfterSeconds: 600 },
  incidents: { ackTimeoutSeconds: 2 },
  cameras: [
    cam('s1', 'street', 0, 'g1'),
    cam('k1', 'checkpoint', 0.01, 'g1'),
    cam('k2', 'checkpoint', -0.02, 'g2'),
    cam('k3', 'checkpoint', 0.04, 'g3'),
  ],
  units: [
    ...[
      ['a1', 'g1'],
      ['a2', 'g1'],
      ['b1', 'g2'],
      ['b2', 'g2'],
      ['c1', 'g3'],
      ['d1', 'g4'],
    ].map(([id, homeGrid]) => ({ id, callsign: id.toUpperCase(), type: 'car', homeGrid })),
    { id: 'p1', callsign: 'P1', type: 'post', homeGrid: 'g1' },
    { id: 'p2', callsign: 'P2', type: 'post', homeGrid: 'g2' },
  ],
});
// Metres north of the incident: a1 111, a2 222, b1 333, b2 389, c1 555, d1 888; posts p1 167, p2 444.
const OFFSETS: Record<string, number> = {
  a1: 0.001,
  a2: 0.002,
  b1: 0.003,
  b2: 0.0035,
  c1: 0.005,
  d1: 0.008,
  p1: 0.0015,
  p2: 0.004,
};
const operator: Principal = {
  tokenId: 't-op',
  name: 'op-wang',
  role: 'operator',
  subject: null,
  personId: 'person-wang',
  scope: null,
};
const duty = {
  level: 'normal' as DutyLevel,
  current() {
    return this.level;
  },
  policy(level?: DutyLevel) {
    return policyFor(config, level ?? this.level);
  },
};

describe('incidents with multi-point response', () => {
  let db: Db;
  let redis: Redis;
  let queue: IncidentQueue;
  let bus: EventBus;
  let svc: IncidentService;
  let units: UnitRepo;
  let audit: AuditRepo;
  const events: LiveEvent[] = [];
  let worker: Worker | null = null;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: null });
    const prefix = freshPrefix('incidents');
    queue = new IncidentQueue(redis, prefix);
    bus = new EventBus(redis, `${prefix}:events`);
    await bus.subscribe((e) => events.push(e));
    await new CameraRepo(db).upsertAll(config.cameras);
    units = new UnitRepo(db);
    await units.upsertAll(config.units);
    audit = new AuditRepo(db);
    svc = new IncidentService({
      incidents: new IncidentRepo(db),
      cameras: new CameraRepo(db),
      orders: new InterceptionRepo(db),
      audit,
      bus,
      queue,
      channels: [],
      duty,
      config,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await bus?.close();
    redis?.disconnect();
    await db?.close();
  });

  beforeEach(async () => {
    events.length = 0;
    for (const [id, d] of Object.entries(OFFSETS)) {
      await units.setStatus(id, 'available');
      await units.reportPosition(id, AT.lat + d, AT.lon);
    }
  });

  const waitFor = async <T>(
    what: () => Promise<T | null | undefined> | T | null | undefined,
    ms = 15_000,
  ): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await what();
      if (v) return v;
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('severity 3: three units from three grids, a post, interception orders to the checkpoints around, legs timed', async () => {
    const raised = await svc.raise(
      {
        source: 'call',
        type: 'robbery',
        severity: 3,
        ...AT,
        description: 'armed robbery at the crossing',
        plate: '粤B12345',
      },
      operator,
    );
    const units3 = raised.legs.filter((l) => l.kind === 'unit');
    // Nearest per grid, not the three nearest (a1, a2, b1): a1 (g1), b1 (g2), c1 (g3).
    expect(units3.map((l) => l.unitId)).toEqual(['a1', 'b1', 'c1']);
    expect(new Set(units3.map((l) => l.grid)).size).toBe(3);
    expect(units3.every((l) => l.targetS === 180)).toBe(true);
    const posts = raised.legs.filter((l) => l.kind === 'post');
    expect(posts.map((l) => [l.unitId, l.targetS])).toEqual([['p1', 60]]);
    // Checkpoints within interception.radiusM (3000 m) of the incident, by hand: k1 1112 m, k2 2224 m; k3 4448 m is outside.
    const dist = (id: string) =>
      haversineMetres(
        AT,
        config.cameras.find((c) => c.id === id)!,
      );
    expect(config.interception.radiusM).toBe(3000);
    const expected = ['k1', 'k2', 'k3'].filter((k) => dist(k) <= 3000);
    expect(expected).toEqual(['k1', 'k2']);
    expect(raised.interceptionOrderIds).toHaveLength(1);
    const order = await new InterceptionRepo(db).get(raised.interceptionOrderIds[0]);
    expect(order?.plate).toBe('粤B12345');
    // Read in SQL: the order's record is moving to camelCase (issue 12) while this is written.
    const targets = await db.query<{ camera_id: string }>(
      'select camera_id from interception_targets where order_id = $1 order by camera_id',
      [raised.interceptionOrderIds[0]],
    );
    expect(targets.map((t) => t.camera_id)).toEqual(expected);
    // Every leg's unit is taken and got its offer on the stream, as an incident offer.
    await waitFor(() => events.filter((e) => e.type === 'offer').length >= 4);
    const offers = events.filter((e): e is Extract<LiveEvent, { type: 'offer' }> => e.type === 'offer');
    expect(offers.map((o) => o.unitId).sort()).toEqual(['a1', 'b1', 'c1', 'p1']);
    expect(offers.every((o) => o.data.kind === 'incident' && o.alertId === raised.id)).toBe(true);
    expect((await units.get('a1'))?.status).toBe('assigned');
    // A unit that connects late gets its open incident offer replayed on its stream.
    const replay = await svc.openOffers('a1');
    expect(replay.map((e) => e.type === 'offer' && [e.assignmentId, e.data.replayed, e.data.kind])).toEqual([
      [raised.legs.find((l) => l.unitId === 'a1')!.id, true, 'incident'],
    ]);
    expect(events.some((e) => e.type === 'interception' || e.type === 'incident')).toBe(true);

    // Legs timed: b1 acknowledges, then arrives; the times are measured from the report.
    const b1 = raised.legs.find((l) => l.unitId === 'b1')!;
    const unitB1: Principal = {
      tokenId: 't-b1',
      name: 'B1',
      role: 'unit',
      subject: 'b1',
      personId: 't-b1',
      scope: null,
    };
    await expect(svc.answer(raised.id, b1.id, 'acknowledged', { ...unitB1, subject: 'c1' })).rejects.toThrow(
      /speaks for unit c1/,
    );
    const t0 = Date.parse(raised.createdAt);
    await svc.answer(raised.id, b1.id, 'acknowledged', unitB1);
    await new Promise((r) => setTimeout(r, 300));
    const after = await svc.answer(raised.id, b1.id, 'arrived', unitB1);
    const leg = after.legs.find((l) => l.id === b1.id)!;
    expect(leg.state).toBe('arrived');
    expect(leg.arrivedAfterS).toBeCloseTo((Date.parse(leg.arrivedAt!) - t0) / 1000, 1);
    expect(leg.arrivedAfterS).toBeGreaterThanOrEqual(0.3);
    expect(leg.withinTarget).toBe(true);
    expect((await units.get('b1'))?.status).toBe('on_scene');
    await expect(svc.answer(raised.id, b1.id, 'acknowledged', unitB1)).rejects.toThrow(/cannot become acknowledged/);

    // Everything audited; closing frees the units.
    const actions = (await audit.list({ limit: 50 }))
      .filter((a) => a.target === raised.id || a.target === raised.interceptionOrderIds[0])
      .map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'incident.raised',
        'incident.leg_offered',
        'interception.ordered',
        'incident.leg_acknowledged',
        'incident.leg_arrived',
      ]),
    );
    expect(actions.filter((a) => a === 'incident.leg_offered')).toHaveLength(4);
    const closed = await svc.close(raised.id, 'closed', 'suspect detained', operator);
    expect(closed.legs.filter((l) => l.state === 'released')).toHaveLength(4);
    expect((await units.get('a1'))?.status).toBe('available');
    // The reports' read: between() holds it with its legs.
    const [read] = await new IncidentRepo(db).between(new Date(t0 - 1000), new Date(Date.now() + 1000), 'futian');
    expect(read.legs).toHaveLength(4);
  });

  it('an unacknowledged leg times out (BullMQ check) and passes to the next nearest unit of another grid', async () => {
    worker = queue.startWorker({
      check: (p) => svc.checkLegs(p),
      deliver: (p) => svc.deliver(p),
      sweep: () => svc.sweep(),
    });
    await units.setStatus('a2', 'off_duty');
    const raised = await svc.raise({ source: 'call', type: 'fight', severity: 2, ...AT }, operator);
    expect(raised.legs.map((l) => l.unitId)).toEqual(['a1', 'b1']);
    const b1 = raised.legs.find((l) => l.unitId === 'b1')!;
    await svc.answer(raised.id, b1.id, 'acknowledged', operator);
    // a1 does not answer: after incidents.ackTimeoutSeconds (2 s) the check replaces it. Free, untried units by distance:
    // b2 (389 m, g2) then c1 (555 m, g3); g2 is still served by b1, so c1.
    const replaced = await waitFor(async () => {
      const i = await svc.get(raised.id);
      return i.legs.length >= 3 ? i : null;
    });
    expect(replaced.legs.map((l) => [l.unitId, l.state, l.lane])).toEqual([
      ['a1', 'timed_out', 1],
      ['b1', 'acknowledged', 2],
      ['c1', 'offered', 3],
    ]);
    expect(replaced.legs[0].withinTarget).toBe(false);
    expect((await units.get('a1'))?.status).toBe('available');
    await waitFor(() => events.some((e) => e.type === 'offer' && e.unitId === 'c1'));
    await svc.close(raised.id, 'closed', 'settled', operator);
  });

  it('routes: bad input names the field, a unit may not raise, the incident reads back', async () => {
    const app = new Hono<ApiEnv>();
    let who: Principal = operator;
    app.use(async (c, next) => {
      c.set('principal', who);
      await next();
    });
    app.route('/incidents', incidentRoutes({ incidents: svc }));
    app.onError((err, c) => onError(err, c, { error: () => {} }));
    const post = (body: unknown) =>
      app.request('/incidents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ source: 'call', type: 'robbery', severity: 9, lat: 22.54, lon: 114.05 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/severity/);
    const badType = await post({ source: 'call', type: 'picnic', severity: 1, lat: 22.54, lon: 114.05 });
    expect(badType.status).toBe(400);
    expect(((await badType.json()) as { error: string }).error).toMatch(/type.*theft, robbery/);
    // No severity: the type's default (theft: 1, one unit).
    const ok = await post({ source: 'call', type: 'theft', lat: 22.5405, lon: 114.05 });
    expect(ok.status).toBe(201);
    const made = (await ok.json()) as { id: string; legs: { unitId: string }[] };
    expect(made.legs.map((l) => l.unitId)).toEqual(['a1']);
    who = { tokenId: 't-c1', name: 'C1', role: 'unit', subject: 'c1', personId: 't-c1', scope: null };
    expect((await post({ source: 'call', type: 'theft', severity: 1, lat: 22.54, lon: 114.05 })).status).toBe(403);
    expect((await app.request(`/incidents/${made.id}`)).status).toBe(403);
    // A scoped operator of another district neither raises here nor sees this incident.
    who = {
      ...operator,
      tokenId: 't-luohu',
      name: 'op-luohu',
      personId: 'p-luohu',
      scope: { districts: ['luohu'], cameras: [] },
    };
    expect((await post({ source: 'call', type: 'theft', severity: 1, lat: 22.54, lon: 114.05 })).status).toBe(403);
    expect((await app.request(`/incidents/${made.id}`)).status).toBe(404);
    expect(((await (await app.request('/incidents')).json()) as { incidents: unknown[] }).incidents).toEqual([]);
    who = operator;
    expect((await app.request(`/incidents/${made.id}`)).status).toBe(200);
    expect((await app.request('/incidents/not-a-uuid')).status).toBe(404);
    await svc.close(made.id, 'cancelled', 'duplicate call', operator);
  });
});
