// The incident repository against an in-memory PGlite: legs take their unit, time against the report, and between() reads them back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { UnitRepo } from '../store/unit-repo.js';
import { IncidentRepo, type NewIncident } from './incident-repo.js';

const config = configSchema.parse({
  cameras: [
    {
      id: 'c1',
      name: 'Cam 1',
      source: 'rtsp://127.0.0.1:1/none',
      kind: 'street',
      lat: 22.54,
      lon: 114.05,
      district: 'futian',
      grid: 'g1',
      enabled: false,
    },
  ],
  units: [
    { id: 'u1', callsign: 'U1', type: 'car', homeGrid: 'g1' },
    { id: 'p1', callsign: 'P1', type: 'post', homeGrid: 'g2' },
  ],
});

const base: NewIncident = {
  source: 'call',
  type: 'fight',
  severity: 2,
  lat: 22.54,
  lon: 114.05,
  cameraId: 'c1',
  district: 'futian',
  grid: 'g1',
  alertId: null,
  markId: null,
  plate: null,
  description: 'two men',
  dutyLevel: 'normal',
  shift: 'day',
  reportedBy: 'op',
  reportedByPerson: 'op-1',
  role: 'operator',
};

describe('IncidentRepo', () => {
  let db: Db;
  let repo: IncidentRepo;
  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    await new CameraRepo(db).upsertAll(config.cameras);
    await new UnitRepo(db).upsertAll(config.units);
    repo = new IncidentRepo(db);
  });
  afterAll(async () => db?.close());

  it('adds legs that take their unit once, and reads them back timed', async () => {
    const inc = await repo.create(base);
    const leg = await db.tx((t) =>
      repo.on(t).addLeg({
        incidentId: inc.id,
        unitId: 'u1',
        kind: 'unit',
        unitType: 'car',
        grid: 'g1',
        lane: 1,
        distanceM: 300,
        etaS: 40,
        targetS: 180,
      }),
    );
    expect(leg?.state).toBe('offered');
    expect(leg?.withinTarget).toBeNull();
    // u1 is assigned now: a second incident cannot take it.
    const other = await repo.create({ ...base, type: 'theft' });
    expect(
      await repo.addLeg({
        incidentId: other.id,
        unitId: 'u1',
        kind: 'unit',
        unitType: 'car',
        grid: 'g1',
        lane: 1,
        distanceM: 1,
        etaS: 1,
        targetS: 60,
      }),
    ).toBeNull();
    expect((await repo.transitionLeg(leg!.id, 'acknowledged'))?.acknowledgedAfterS).toBeGreaterThanOrEqual(0);
    expect(await repo.transitionLeg(leg!.id, 'timed_out')).toBeNull();
    const arrived = await repo.transitionLeg(leg!.id, 'arrived');
    expect(arrived?.withinTarget).toBe(true);
    const [got] = (await repo.between(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000), 'futian')).filter(
      (i) => i.id === inc.id,
    );
    expect(got.legs.map((l) => [l.unitId, l.state])).toEqual([['u1', 'arrived']]);
    expect(await repo.between(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000), 'luohu')).toEqual([]);
    const closed = await repo.close(inc.id, 'closed', 'op', 'done');
    expect(closed?.status).toBe('closed');
    expect(await repo.close(inc.id, 'closed', 'op', 'again')).toBeNull();
    expect((await repo.open()).map((i) => i.id)).toEqual([other.id]);
  });
});
