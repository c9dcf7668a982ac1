// The plan service on an in-memory database: an audited plan change, coverage from stored fixes, and the
// near-end warning sent once per shift with the points not reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plansSchema } from '../config/plans.js';
import { createLogger } from '../lib/logger.js';
import type { EventBus, LiveEvent } from '../queues/event-bus.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import type { Principal } from '../store/token-repo.js';
import { UnitRepo } from '../store/unit-repo.js';
import { PlanService } from './plan-service.js';

const admin = { tokenId: 't', name: 'admin-1', role: 'admin', subject: null, personId: 'p1', scope: null } as Principal;
const plan = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'A', grid: 'g1', radiusM: 30, minDwellS: 60 },
      geometry: { type: 'Point', coordinates: [114.05, 22.55] },
    },
    {
      type: 'Feature',
      properties: { id: 'B', grid: 'g1', radiusM: 30, minDwellS: 60 },
      geometry: { type: 'Point', coordinates: [114.06, 22.55] },
    },
  ],
};

describe('plan service', () => {
  let db: Db;
  const events: LiveEvent[] = [];
  let plans: PlanService;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    await new UnitRepo(db).upsertAll([{ id: 'car-1', callsign: 'C1', type: 'car', homeGrid: 'g1' }]);
    const bus = { publish: async (e: LiveEvent) => void events.push(e) } as unknown as EventBus;
    plans = new PlanService({
      db,
      bus,
      config: plansSchema.parse({ warnBeforeEndMinutes: 30 }),
      shifts: [{ name: 'day', start: '08:00', end: '20:00' }],
      timezone: 'UTC',
      log: createLogger('test', true),
    });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('stores the plan with its audit entry and announces it', async () => {
    expect(await plans.put('futian', plan, admin)).toMatchObject({ district: 'futian', version: 1, points: 2 });
    expect(await plans.put('futian', plan, admin)).toMatchObject({ version: 2 });
    const audit = await db.query<{ action: string; actor: string }>(
      "select action, actor from audit_log where action like 'patrol-plan.%'",
    );
    expect(audit).toEqual([
      { action: 'patrol-plan.updated', actor: 'admin-1' },
      { action: 'patrol-plan.updated', actor: 'admin-1' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['patrol-plan', 'patrol-plan']);
  });

  it('warns once, near the end of the shift, naming the points not reached', async () => {
    const units = new UnitRepo(db);
    // Two minutes at A from 09:00; B never.
    for (let s = 0; s <= 120; s += 10)
      await units.reportPosition('car-1', 22.55, 114.05, new Date(Date.UTC(2026, 11, 2, 9, 0, s)));
    events.length = 0;
    expect(await plans.checkWarnings(Date.UTC(2026, 11, 2, 12, 0))).toEqual([]); // hours before the end
    const [w] = await plans.checkWarnings(Date.UTC(2026, 11, 2, 19, 40));
    expect(w).toMatchObject({ district: 'futian', shift: { name: 'day' }, missing: [{ id: 'B', grid: 'g1' }] });
    expect(events).toMatchObject([
      {
        type: 'patrol-plan',
        district: 'futian',
        change: 'warning',
        data: { shift: 'day', minutesLeft: 20, missing: [{ id: 'B' }] },
      },
    ]);
    expect(await plans.checkWarnings(Date.UTC(2026, 11, 2, 19, 50))).toEqual([]); // already sent for this shift
    const cov = await plans.coverage('futian', Date.UTC(2026, 11, 2, 8), Date.UTC(2026, 11, 2, 20));
    expect(cov.points.map((p) => [p.id, p.reached, p.dwellS])).toEqual([
      ['A', true, 120],
      ['B', false, 0],
    ]);
  });

  it('purges fixes older than the retention', async () => {
    expect(await plans.positions.purgeBefore(Date.UTC(2026, 11, 2, 9, 1))).toBe(6); // 09:00:00-09:00:50
    expect((await plans.positions.tracks(0, Date.UTC(2030, 0, 1)))[0].fixes).toHaveLength(7);
  });
});
