// Position tracks read back exactly as written (the binary packing), oldest first, per unit, in the window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { UnitRepo } from '../store/unit-repo.js';
import { PositionRepo } from './position-repo.js';

const T0 = Date.UTC(2026, 11, 2, 9);

describe('position repo', () => {
  let db: Db;

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    const units = new UnitRepo(db);
    await units.upsertAll([
      { id: 'car-1', callsign: 'C1', type: 'car', homeGrid: 'g1' },
      { id: 'car-2', callsign: 'C2', type: 'car', homeGrid: 'g2' },
      { id: 'car-3', callsign: 'C3', type: 'car', homeGrid: 'g3' },
    ]);
    // Written out of order, with coordinates float8 text would round if it were printed short.
    await units.reportPosition('car-1', 22.543210987654321, 114.0579123456789, new Date(T0 + 10_001));
    await units.reportPosition('car-1', 0.1 + 0.2, -179.99999999999997, new Date(T0 + 1));
    await units.reportPosition('car-1', 22.5, 114.05, new Date(T0 - 1)); // before the window
    await units.reportPosition('car-2', -33.8688, 151.2093, new Date(T0 + 3_600_000 - 1));
    await units.reportPosition('car-3', 22.5, 114.05, new Date(T0 + 3_600_000)); // at the window's end: out
  });
  afterAll(() => db.close());

  it('reads every fix exactly, oldest first, units without fixes in the window left out', async () => {
    const tracks = await new PositionRepo(db).tracks(T0, T0 + 3_600_000);
    expect(tracks).toEqual([
      {
        unitId: 'car-1',
        grid: 'g1',
        fixes: [
          { at: T0 + 1, lat: 0.1 + 0.2, lon: -179.99999999999997 },
          { at: T0 + 10_001, lat: 22.543210987654321, lon: 114.0579123456789 },
        ],
      },
      { unitId: 'car-2', grid: 'g2', fixes: [{ at: T0 + 3_600_000 - 1, lat: -33.8688, lon: 151.2093 }] },
    ]);
  });

  it('reads only the units asked for', async () => {
    const tracks = await new PositionRepo(db).tracks(T0, T0 + 3_600_000, ['car-2', 'car-3']);
    expect(tracks.map((t) => t.unitId)).toEqual(['car-2']);
  });
});
