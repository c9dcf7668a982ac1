// Video patrol tours below the page: real Redis (event bus, BullMQ queue of the leg checks) and an in-memory PGlite.
// The tour log's coverage against a hand-computed figure (a night shift across midnight), a mark with its snapshot
// raised as an incident that reaches the nearest unit, and the handover listing of open items.
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, testRedisUrl } from './helpers/redis.js';
import { configSchema } from '../src/config/schema.js';
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
import { TourRepo } from '../src/tours/tour-repo.js';
import { TourService } from '../src/tours/tour-service.js';
import { simulateTourShift } from '../src/tours/simulate.js';

const cam = (id: string, grid: string, dLat: number) => ({
  id,
  name: id.toUpperCase(),
  source: 'rtsp://127.0.0.1:1/none',
  kind: 'street',
  lat: 22.54 + dLat,
  lon: 114.05,
  district: 'futian',
  grid,
  enabled: false,
});
const config = configSchema.parse({
  server: { timezone: 'UTC' },
  reports: {
    shifts: [
      { name: 'day', start: '08:00', end: '20:00' },
      { name: 'night', start: '20:00', end: '08:00' },
    ],
  },
  cameras: [cam('s1', 'g1', 0), cam('s2', 'g2', 0.01), cam('s3', 'g2', 0.02), cam('s4', 'g3', 0.03)],
  units: [
    { id: 'u1', callsign: 'U1', type: 'car', homeGrid: 'g1' },
    { id: 'u2', callsign: 'U2', type: 'car', homeGrid: 'g2' },
  ],
});
const duty = {
  current: () => 'normal' as DutyLevel,
  policy: (level?: DutyLevel) => policyFor(config, level ?? 'normal'),
};
const wang: Principal = {
  tokenId: 't1',
  name: 'op-wang',
  role: 'operator',
  subject: null,
  personId: 'p-wang',
  scope: null,
};
const li: Principal = { tokenId: 't2', name: 'op-li', role: 'operator', subject: null, personId: 'p-li', scope: null };

describe('video patrol tours', () => {
  let db: Db;
  let redis: Redis;
  let queue: IncidentQueue;
  let bus: EventBus;
  let tours: TourService;
  let incidents: IncidentService;
  const events: LiveEvent[] = [];

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: null });
    const prefix = freshPrefix('tours');
    queue = new IncidentQueue(redis, prefix);
    bus = new EventBus(redis, `${prefix}:events`);
    await bus.subscribe((e) => events.push(e));
    const cameras = new CameraRepo(db);
    await cameras.upsertAll(config.cameras);
    const units = new UnitRepo(db);
    await units.upsertAll(config.units);
    await units.reportPosition('u1', 22.5405, 114.05); // 56 m from s1
    await units.reportPosition('u2', 22.551, 114.05); // 1.2 km
    const audit = new AuditRepo(db);
    incidents = new IncidentService({
      incidents: new IncidentRepo(db),
      cameras,
      orders: new InterceptionRepo(db),
      audit,
      bus,
      queue,
      channels: [],
      duty,
      config,
    });
    tours = new TourService({
      tours: new TourRepo(db),
      cameras,
      incidents,
      audit,
      config,
      grabFrame: () => Promise.reject(new Error('no camera here')),
    });
  });

  afterAll(async () => {
    await queue?.close();
    await bus?.close();
    redis?.disconnect();
    await db?.close();
  });

  it('computes a night shift log against the plan: who watched what, how long, coverage %', async () => {
    const plan = await tours.createPlan(
      {
        name: 'Futian night',
        items: [{ camera: 's1' }, { district: 'futian', grid: 'g2' }],
        dwellS: 10,
        layout: 4,
        activeFrom: '20:00',
        activeTo: '08:00',
      },
      wang,
    );
    expect(plan.cameras).toEqual(['s1', 's2', 's3']);
    const span = (cameraId: string, iso: string, s: number) => ({
      cameraId,
      startedAt: new Date(iso),
      endedAt: new Date(Date.parse(iso) + s * 1000),
    });
    // Night of 10 January (UTC): Wang 21:00 onwards, Li after midnight (still that night); a day-shift view that must not count.
    await tours.recordViews(
      plan.id,
      [
        span('s1', '2026-01-10T21:00:00Z', 12),
        span('s2', '2026-01-10T21:00:12Z', 4),
        span('s2', '2026-01-10T21:05:00Z', 7),
        span('s3', '2026-01-10T21:06:00Z', 5),
        span('s4', '2026-01-10T21:07:00Z', 6),
      ],
      wang,
    );
    await tours.recordViews(plan.id, [span('s3', '2026-01-11T02:00:00Z', 3)], li);
    await tours.recordViews(plan.id, [span('s3', '2026-01-11T09:00:00Z', 100)], li);
    const log = await tours.log(plan.id, { shift: 'night', date: '2026-01-10' });
    // By hand: s1 12 s (covered, >= 10), s2 4 + 7 = 11 s (covered), s3 5 + 3 = 8 s (not); s4 is off the plan (6 s).
    expect(log.cameras).toEqual([
      { cameraId: 's1', watchedS: 12, views: 1, watchedBy: ['op-wang'], covered: true },
      { cameraId: 's2', watchedS: 11, views: 2, watchedBy: ['op-wang'], covered: true },
      { cameraId: 's3', watchedS: 8, views: 2, watchedBy: ['op-li', 'op-wang'], covered: false },
    ]);
    expect([log.plannedCameras, log.coveredCameras, log.coveragePct, log.watchedS, log.offPlanS]).toEqual([
      3, 2, 66.7, 31, 6,
    ]);
    expect(log.people.find((p) => p.personId === 'p-wang')).toEqual({
      personId: 'p-wang',
      name: 'op-wang',
      watchedS: 34,
      cameras: 4,
    });
    const day = await tours.log(plan.id, { shift: 'day', date: '2026-01-11' });
    expect(day.cameras.find((c) => c.cameraId === 's3')).toMatchObject({ watchedS: 100, covered: true });
    expect(day.coveragePct).toBe(33.3);
    await expect(tours.log(plan.id, { shift: 'evening' })).rejects.toThrow(/no shift 'evening'/);
    await expect(tours.recordViews(plan.id, [span('s9', '2026-01-10T21:00:00Z', 1)], wang)).rejects.toThrow(
      /camera s9 not found/,
    );
  });

  it('turns a mark (snapshot + note) into an incident at its camera that reaches the nearest unit; open items carry to the next shift', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 36, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .jpeg()
      .toBuffer();
    const mark = await tours.mark({ cameraId: 's1', note: 'man trying car doors', snapshot: jpeg }, wang);
    expect(mark).toMatchObject({ status: 'open', hasSnapshot: true, snapshotSource: 'page', personName: 'op-wang' });
    expect((await tours.snapshot(mark.id)).equals(jpeg)).toBe(true);
    await expect(tours.mark({ cameraId: 's1', note: 'no frame' }, wang)).rejects.toThrow(/send the page's frame/);
    await expect(
      tours.mark({ cameraId: 's1', note: 'bad', snapshot: Buffer.from('not a jpeg') }, wang),
    ).rejects.toThrow(/not a JPEG/);
    const other = await tours.mark({ cameraId: 's2', note: 'crowd gathering', snapshot: jpeg }, wang);

    const { mark: raised, incident } = await tours.raise(mark.id, { type: 'theft', severity: 1 }, wang);
    expect(raised.status).toBe('raised');
    expect(incident).toMatchObject({
      source: 'mark',
      markId: mark.id,
      cameraId: 's1',
      description: 'man trying car doors',
    });
    expect(incident.legs.map((l) => l.unitId)).toEqual(['u1']);
    await expect(tours.raise(mark.id, { type: 'theft', severity: 1 }, wang)).rejects.toThrow(/is raised/);
    const end = Date.now() + 5000;
    while (!events.some((e) => e.type === 'offer' && e.unitId === 'u1') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    const offer = events.find(
      (e): e is Extract<LiveEvent, { type: 'offer' }> => e.type === 'offer' && e.unitId === 'u1',
    );
    expect(offer?.data).toMatchObject({ kind: 'incident', incidentId: incident.id, target: { cameraId: 's1' } });

    // Wang hands over: both marks and the incident are open; Li, next shift, sees them.
    const handover = await tours.handOver({ toName: 'op-li', note: 'two things open' }, wang);
    expect(handover.items.marks.sort()).toEqual([mark.id, other.id].sort());
    expect(handover.items.incidents).toEqual([incident.id]);
    const open = await tours.openItems(li);
    expect(open.marks.map((m) => m.id).sort()).toEqual([mark.id, other.id].sort());
    expect(open.handovers[0]).toMatchObject({ fromName: 'op-wang', toName: 'op-li' });
    // Li closes the incident and the other mark: nothing is left open.
    await incidents.close(incident.id, 'closed', 'suspect moved on', li);
    await tours.closeMark(other.id, 'crowd dispersed', li);
    const after = await tours.openItems(li);
    expect([after.marks.length, after.incidents.length]).toEqual([0, 0]);
  });

  it("creates the config file's tour plans once, by name, audited; a plan naming a missing camera is skipped with its reason", async () => {
    const { tours: fromYaml } = configSchema.parse({
      tours: {
        plans: [
          {
            name: 'Futian day wall',
            items: [{ district: 'futian' }],
            dwellS: 20,
            layout: 4,
            activeFrom: '08:00',
            activeTo: '20:00',
          },
          { name: 'Lost camera', items: [{ camera: 'nowhere' }], dwellS: 10, layout: 1 },
        ],
      },
    });
    const first = await tours.importMissing(fromYaml.plans);
    expect(first.created).toEqual(['Futian day wall']);
    expect(first.skipped).toEqual([{ name: 'Lost camera', reason: expect.stringMatching(/camera nowhere not found/) }]);
    const made = (await tours.plans(wang)).find((p) => p.name === 'Futian day wall');
    expect(made).toMatchObject({
      dwellS: 20,
      layout: 4,
      activeFrom: '08:00',
      createdBy: 'config',
      cameras: ['s1', 's2', 's3', 's4'],
    });
    const [entry] = await db.query<{ actor: string; role: string }>(
      "select actor, role from audit_log where action = 'tour.plan_created' and target = $1",
      [made!.id],
    );
    expect(entry).toEqual({ actor: 'config', role: 'system' });
    // A restart (or a second node) creates nothing twice.
    const [again] = await Promise.all([tours.importMissing(fromYaml.plans), tours.importMissing(fromYaml.plans)]);
    expect(again.created).toEqual([]);
    expect((await tours.plans(wang)).filter((p) => p.name === 'Futian day wall')).toHaveLength(1);
  });

  it('a simulated day of two operators: the stored tour log of each shift equals the seconds the wall showed', async () => {
    const H = 3600_000;
    const dayFrom = Date.UTC(2026, 0, 12, 8);
    const cams = ['s1', 's2', 's3', 's4'];
    const dayPlan = await tours.createPlan(
      {
        name: 'Sim day',
        items: [{ district: 'futian' }],
        dwellS: 20,
        layout: 1,
        activeFrom: '08:00',
        activeTo: '20:00',
      },
      wang,
    );
    const nightPlan = await tours.createPlan(
      {
        name: 'Sim night',
        items: [{ district: 'futian' }],
        dwellS: 60,
        layout: 4,
        activeFrom: '20:00',
        activeTo: '08:00',
      },
      li,
    );
    const shifts = [
      {
        who: wang,
        plan: dayPlan,
        shift: 'day',
        sim: simulateTourShift({ from: dayFrom, to: dayFrom + 12 * H, cameras: cams, layout: 1, dwellS: 20, seed: 3 }),
      },
      {
        who: li,
        plan: nightPlan,
        shift: 'night',
        // Across midnight, with an hour away on an incident.
        sim: simulateTourShift({
          from: dayFrom + 12 * H,
          to: dayFrom + 24 * H,
          cameras: cams,
          layout: 4,
          dwellS: 60,
          away: [{ from: dayFrom + 17 * H, to: dayFrom + 18 * H }],
          seed: 4,
        }),
      },
    ];
    for (const { who, plan, sim } of shifts)
      for (let i = 0; i < sim.views.length; i += 500)
        await tours.recordViews(plan.id, sim.views.slice(i, i + 500), who);
    for (const { who, plan, shift, sim } of shifts) {
      const log = await tours.log(plan.id, { shift, date: '2026-01-12' });
      expect(log.coveragePct).toBe(100);
      for (const c of log.cameras) expect(c.watchedS).toBeCloseTo(sim.truthS.get(c.cameraId)!, 0);
      const total = [...sim.truthS.values()].reduce((a, b) => a + b, 0);
      expect(log.people).toEqual([
        { personId: who.personId, name: who.name, watchedS: expect.closeTo(total, 0), cameras: 4 },
      ]);
    }
    // The night after midnight is filed under the evening's date: the next date's night holds nothing.
    expect((await tours.log(nightPlan.id, { shift: 'night', date: '2026-01-13' })).watchedS).toBe(0);
  }, 120_000);
});
