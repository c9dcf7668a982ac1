// Alerts that wait for a free unit: recorded once, offered to the first unit that comes free (priority, then
// nearest), never twice, never to a unit already tried, never after a dismissal. Real Redis (BullMQ) and an
// in-memory PGlite; handlers called directly.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshPrefix, testRedisUrl } from '../../test/helpers/redis.js';
import { configSchema } from '../config/schema.js';
import { policyFor } from '../duty/policy.js';
import { dispatchJobId } from '../queues/dispatch-producer.js';
import { EventBus } from '../queues/event-bus.js';
import { QueueSet } from '../queues/queue-set.js';
import { AlertRepo } from '../store/alert-repo.js';
import { AssignmentRepo } from '../store/assignment-repo.js';
import { AuditRepo } from '../store/audit-repo.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
import { HotlistRepo } from '../store/hotlist-repo.js';
import { migrate } from '../store/migrate.js';
import { PlateReadRepo } from '../store/plate-read-repo.js';
import { UnitRepo } from '../store/unit-repo.js';
import { dispatchAlert, type DispatchDeps } from './dispatch-alert.js';
import { offerWaiting } from './offer-waiting.js';
import { plateReadOf } from './match-plate-read.js';

const config = configSchema.parse({
  dispatch: { ackTimeoutSeconds: 45, staleAfterSeconds: 600, maxAttempts: 3 },
  cameras: [
    {
      id: 'north',
      name: 'North',
      source: 'rtsp://127.0.0.1:1/none',
      kind: 'street',
      lat: 22.56,
      lon: 114.0579,
      district: 'futian',
      enabled: false,
    },
    {
      id: 'south',
      name: 'South',
      source: 'rtsp://127.0.0.1:1/none',
      kind: 'street',
      lat: 22.53,
      lon: 114.0579,
      district: 'futian',
      enabled: false,
    },
  ],
  units: ['u1', 'u2'].map((id) => ({ id, callsign: id.toUpperCase(), type: 'car', homeGrid: 'g1' })),
});
const duty = { current: () => 'normal' as const, policy: () => policyFor(config, 'normal') };

describe('alerts waiting for a free unit', () => {
  let db: Db;
  let redis: Redis;
  let queues: QueueSet;
  let deps: DispatchDeps;
  let hotlistId: string;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: null });
    queues = new QueueSet(redis, freshPrefix('offer-waiting'));
    const repos = {
      alerts: new AlertRepo(db),
      assignments: new AssignmentRepo(db),
      cameras: new CameraRepo(db),
      hotlistRepo: new HotlistRepo(db),
      units: new UnitRepo(db),
      audit: new AuditRepo(db),
    };
    await repos.cameras.upsertAll(config.cameras);
    await repos.units.upsertAll(config.units);
    hotlistId = (
      await repos.hotlistRepo.create({
        plate: '粤B4E7K2',
        category: 'stolen_vehicle',
        reason: 'stolen (test)',
        source: 'test',
        addedBy: 'test',
        priority: 1,
        expiresAt: '2099-01-01T00:00:00Z',
      })
    ).id;
    deps = { ...repos, queues, bus: new EventBus(redis, queues.prefix), channels: [], policy: config.dispatch, duty };
  });

  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await db?.close();
  });

  beforeEach(async () => {
    // Both units busy, u1 near the south camera, u2 near the north one.
    await deps.units.reportPosition('u1', 22.531, 114.0579);
    await deps.units.reportPosition('u2', 22.559, 114.0579);
    for (const id of ['u1', 'u2']) await deps.units.setStatus(id, 'on_scene');
    await db.query(`update dispatch_waits set ended_at = now(), outcome = 'dismissed' where ended_at is null`);
  });

  async function waitingAlert(camera: string, priority: number): Promise<string> {
    const readId = randomUUID();
    const now = Date.now();
    await new PlateReadRepo(db).upsert(
      plateReadOf({
        eventId: readId,
        cameraId: camera,
        plate: '粤B4E7K2',
        confidence: 0.95,
        format: 'ordinary',
        firstSeen: now,
        lastSeen: now,
        capturedAt: now,
        readCount: 1,
        box: [0, 0, 1, 1],
        update: false,
      }),
    );
    const match = { level: 'exact' as const, ocrSubstitutions: 0, otherDifferences: 0, provinceDiffers: false };
    const { alert } = await deps.alerts.upsert(
      { plateReadId: readId, hotlistId, cameraId: camera, plate: '粤B4E7K2', priority, match, capturedAt: now },
      { confirmationsRequired: 0 },
    );
    await dispatchAlert({ alertId: alert.id, attempt: 1 }, deps);
    return alert.id;
  }

  const offers = async (alertId: string) =>
    (await deps.assignments.forAlert(alertId)).map((a) => ({ unit: a.unitId, attempt: a.attempt }));
  const audited = async (action: string, target: string) =>
    (await deps.audit.list({ action, limit: 1000 })).filter((e) => e.target === target);

  it('records the wait once, even when the dispatch job runs again', async () => {
    const id = await waitingAlert('south', 2);
    await dispatchAlert({ alertId: id, attempt: 1 }, deps); // a retried job
    expect(await offers(id)).toEqual([]);
    expect((await deps.assignments.waitsOf([id])).map((w) => w.attempt)).toEqual([1]);
    expect(await audited('dispatch.waiting', id)).toHaveLength(1);
    expect(await audited('dispatch.no_unit', id)).toHaveLength(0);
  });

  it('offers the highest priority first, then the nearest, each once', async () => {
    const lowNear = await waitingAlert('south', 3);
    const highFar = await waitingAlert('north', 1);
    const highNear = await waitingAlert('south', 1);
    await deps.units.setStatus('u1', 'available');
    expect(await offerWaiting({ unitId: 'u1', trigger: 'available' }, deps)).toBe(1);
    expect(await offers(highNear)).toEqual([{ unit: 'u1', attempt: 1 }]);
    expect([await offers(highFar), await offers(lowNear)]).toEqual([[], []]);
    // The same moment looked at again (a retried job, the sweep): nothing more for a unit now assigned.
    expect(await offerWaiting({ unitId: 'u1', trigger: 'available' }, deps)).toBe(0);
    expect(await offerWaiting({ trigger: 'sweep' }, deps)).toBe(0);
    const [offered] = await audited('dispatch.offered', highNear);
    expect(offered.details).toMatchObject({ unitId: 'u1', attempt: 1, afterWait: true });
    expect(offered.details.waitedS).toBeGreaterThanOrEqual(0);
    const [wait] = await db.query<{ id: string; outcome: string; waited_s: number }>(
      'select id, outcome, waited_s from dispatch_waits where alert_id = $1',
      [highNear],
    );
    expect(wait.outcome).toBe('offered');
    // Its delivery and escalation check are the dispatch job of that attempt, named by the wait.
    expect(await queues.queue('dispatch').getJob(dispatchJobId(highNear, 1, wait.id))).toBeTruthy();
  });

  it('gives one waiting alert to one of two units freed at the same moment', async () => {
    const id = await waitingAlert('south', 1);
    for (const u of ['u1', 'u2']) await deps.units.setStatus(u, 'available');
    const made = await Promise.all([
      offerWaiting({ unitId: 'u1', trigger: 'available' }, deps),
      offerWaiting({ unitId: 'u2', trigger: 'available' }, deps),
    ]);
    expect(made.reduce((s, n) => s + n, 0)).toBe(1);
    expect(await offers(id)).toHaveLength(1);
    const free = (await deps.units.list()).filter((u) => u.status === 'available');
    expect(free).toHaveLength(1);
  });

  it('skips a dismissed alert and a unit the alert already tried', async () => {
    const dismissed = await waitingAlert('south', 1);
    await deps.alerts.dispose(dismissed, 'dismissed', 'op', 'false match');
    const tried = await waitingAlert('north', 1);
    await db.query(
      `insert into assignments (id, alert_id, unit_id, attempt, state, distance_m, eta_s) values ($1,$2,'u2',1,'timed_out',1,1)`,
      [randomUUID(), tried],
    );
    await deps.units.setStatus('u2', 'available');
    expect(await offerWaiting({ unitId: 'u2', trigger: 'available' }, deps)).toBe(0);
    expect(await offers(dismissed)).toEqual([]);
  });

  it('does nothing for a unit whose position is stale', async () => {
    const id = await waitingAlert('south', 1);
    await db.query(`update units set status = 'available', position_at = now() - interval '1 hour' where id = 'u1'`);
    expect(await offerWaiting({ unitId: 'u1', trigger: 'position' }, deps)).toBe(0);
    expect(await offers(id)).toEqual([]);
  });
});
