// Escalation timing under each duty level: the real queue delay of the escalation check, the lanes offered
// per round, re-timing on a switch. Real Redis (BullMQ) and an in-memory PGlite; handlers called directly.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshPrefix, testRedisUrl } from '../../test/helpers/redis.js';
import { configSchema } from '../config/schema.js';
import type { DutyLevel } from '../domain/face-watchlist.js';
import { policyFor } from '../duty/policy.js';
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
import { escalateAlert, retimeEscalations } from './escalate-alert.js';
import { plateReadOf } from './match-plate-read.js';

const config = configSchema.parse({
  dispatch: { ackTimeoutSeconds: 45, staleAfterSeconds: 600, maxAttempts: 3 },
  cameras: [
    {
      id: 'gate-1',
      name: 'Gate',
      source: 'rtsp://127.0.0.1:1/none',
      kind: 'checkpoint',
      checkpointLevel: 1,
      lat: 22.5431,
      lon: 114.0579,
      district: 'futian',
      enabled: false,
    },
  ],
  // Nearest first: u1 ~110 m, u2 ~330 m, u3 ~550 m, u4 ~1.1 km.
  units: ['u1', 'u2', 'u3', 'u4'].map((id) => ({ id, callsign: id.toUpperCase(), type: 'car', homeGrid: 'g1' })),
});
const OFFSETS = { u1: 0.001, u2: 0.003, u3: 0.005, u4: 0.01 };

/** A duty level the test sets by hand, read the way the jobs read DutyState. */
const duty = {
  level: 'normal' as DutyLevel,
  current() {
    return this.level;
  },
  policy(level?: DutyLevel) {
    return policyFor(config, level ?? this.level);
  },
};

describe('escalation timing under each duty level', () => {
  let db: Db;
  let redis: Redis;
  let queues: QueueSet;
  let deps: DispatchDeps;
  let hotlistId: string;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: null });
    queues = new QueueSet(redis, freshPrefix('dispatch-alert'));
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
    const entry = await repos.hotlistRepo.create({
      plate: '粤B4E7K2',
      category: 'stolen_vehicle',
      reason: 'stolen (test)',
      source: 'test',
      addedBy: 'test',
      priority: 1,
      expiresAt: '2099-01-01T00:00:00Z',
    });
    hotlistId = entry.id;
    deps = { ...repos, queues, bus: new EventBus(redis, queues.prefix), channels: [], policy: config.dispatch, duty };
  });

  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await db?.close();
  });

  beforeEach(async () => {
    for (const [id, d] of Object.entries(OFFSETS)) {
      await deps.units.setStatus(id, 'available');
      await deps.units.reportPosition(id, 22.5431 + d, 114.0579);
    }
  });

  async function newAlert(): Promise<string> {
    const readId = randomUUID();
    const now = Date.now();
    await new PlateReadRepo(db).upsert(
      plateReadOf({
        eventId: readId,
        cameraId: 'gate-1',
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
      { plateReadId: readId, hotlistId, cameraId: 'gate-1', plate: '粤B4E7K2', priority: 1, match, capturedAt: now },
      { dutyLevel: duty.level, confirmationsRequired: 0 },
    );
    return alert.id;
  }

  const escalation = (alertId: string, lastAttempt: number) =>
    queues.queue('escalate').getJob(`escalate_${alertId}_${lastAttempt}`);
  const offered = async (alertId: string) =>
    (await deps.assignments.forAlert(alertId)).map((a) => ({ unit: a.unitId, attempt: a.attempt, state: a.state }));

  it.each([
    ['normal', 45_000, ['u1']],
    ['enhanced', 30_000, ['u1']],
    ['wartime', 15_000, ['u1', 'u2']],
  ] as const)('at %s, waits %i ms for an acknowledgement from the nearest %j', async (level, delayMs, units) => {
    duty.level = level;
    const alertId = await newAlert();
    await dispatchAlert({ alertId, attempt: 1 }, deps);
    expect((await offered(alertId)).map((a) => a.unit)).toEqual(units);
    const job = await escalation(alertId, units.length);
    expect(job?.opts.delay).toBe(delayMs);
    expect(job?.data).toMatchObject({ alertId, attempt: units.length });
  });

  it('passes each silent lane to the next nearest unit, keeping an acknowledged lane', async () => {
    duty.level = 'wartime';
    const alertId = await newAlert();
    await dispatchAlert({ alertId, attempt: 1 }, deps);
    const [first] = await deps.assignments.forAlert(alertId);
    await deps.assignments.transition(first.id, 'acknowledged');
    // The check fires (the test plays the timer): u2 never answered.
    const check = await escalation(alertId, 2);
    await escalateAlert(check?.data, deps);
    const next = await queues.queue('dispatch').getJob(`dispatch_${alertId}_3`);
    expect(next?.data).toEqual({ alertId, attempt: 3 });
    await dispatchAlert(next?.data, deps);
    expect(await offered(alertId)).toEqual([
      { unit: 'u1', attempt: 1, state: 'acknowledged' },
      { unit: 'u2', attempt: 2, state: 'timed_out' },
      { unit: 'u3', attempt: 3, state: 'offered' },
    ]);
    expect((await escalation(alertId, 3))?.opts.delay).toBe(15_000);
  });

  it('uses the level in force at each round: a switch between rounds changes the next timeout and width', async () => {
    duty.level = 'normal';
    const alertId = await newAlert();
    await dispatchAlert({ alertId, attempt: 1 }, deps);
    expect((await escalation(alertId, 1))?.opts.delay).toBe(45_000);
    duty.level = 'wartime';
    await escalateAlert((await escalation(alertId, 1))?.data, deps);
    await dispatchAlert({ alertId, attempt: 2 }, deps);
    // u1 timed out; wartime wants two units engaged: u2 and u3 are offered together.
    expect((await offered(alertId)).map((a) => `${a.unit}:${a.state}`)).toEqual([
      'u1:timed_out',
      'u2:offered',
      'u3:offered',
    ]);
    expect((await escalation(alertId, 3))?.opts.delay).toBe(15_000);
  });

  it('re-times checks already waiting when the level switches', async () => {
    duty.level = 'normal';
    const alertId = await newAlert();
    await dispatchAlert({ alertId, attempt: 1 }, deps);
    const before = await escalation(alertId, 1);
    expect(before?.opts.delay).toBe(45_000);
    const now = (before?.timestamp ?? 0) + 2000; // as if the switch came 2 s after the offer
    expect(await retimeEscalations(queues, policyFor(config, 'wartime').ackTimeoutSeconds, now)).toBeGreaterThanOrEqual(
      1,
    );
    expect((await escalation(alertId, 1))?.delay).toBe(13_000);
    // Switching to a level whose timeout has already passed runs the check at once.
    await retimeEscalations(queues, 1, now);
    expect((await escalation(alertId, 1))?.delay).toBe(1);
  });

  it('leaves a plate hit that waits for an operator alone until it is confirmed', async () => {
    duty.level = 'normal';
    const alertId = await newAlert();
    await db.query('update alerts set confirmations_required = 1 where id = $1', [alertId]);
    await dispatchAlert({ alertId, attempt: 1 }, deps);
    expect(await offered(alertId)).toEqual([]);
  });
});
