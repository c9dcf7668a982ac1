// The first-fresh-position hook: only an available unit whose last fix was missing or stale, with a fresh new fix, triggers an offer of the waiting alerts.
import { describe, expect, it } from 'vitest';
import type { QueueSet } from '../queues/queue-set.js';
import type { Unit, UnitRepo } from '../store/unit-repo.js';
import { isFresh, reportUnitPosition } from './unit-availability.js';

const STALE_S = 600;
const now = Date.now();
const ago = (s: number) => new Date(now - s * 1000);

function fakes(unit: Partial<Unit> | null) {
  const added: unknown[] = [];
  const units = {
    get: async () => (unit ? ({ id: 'u1', status: 'available', positionAt: null, ...unit } as Unit) : null),
    reportPosition: async () => unit !== null,
  } as unknown as UnitRepo;
  const queues = {
    add: async (name: string, payload: unknown) => void added.push({ name, payload }),
  } as unknown as QueueSet;
  return { deps: { units, queues, staleAfterSeconds: STALE_S }, added };
}

describe('unit availability', () => {
  it('calls a position fresh within the stale limit', () => {
    expect(isFresh(ago(10), STALE_S, now)).toBe(true);
    expect(isFresh(ago(STALE_S + 1), STALE_S, now)).toBe(false);
    expect(isFresh(null, STALE_S, now)).toBe(false);
  });

  it.each([
    ['no fix before', { positionAt: null }, ago(5), true],
    ['a stale fix before', { positionAt: ago(3600) }, ago(5), true],
    ['a fresh fix before', { positionAt: ago(30) }, ago(5), false],
    ['a stale new fix', { positionAt: null }, ago(3600), false],
    ['a busy unit', { positionAt: null, status: 'en_route' as const }, ago(5), false],
  ])('with %s, offers the waiting alerts: %s', async (_what, unit, at, offers) => {
    const { deps, added } = fakes(unit);
    expect(await reportUnitPosition(deps, 'u1', 22.5, 114.0, at)).toBe(true);
    expect(added).toEqual(offers ? [{ name: 'offer-waiting', payload: { unitId: 'u1', trigger: 'position' } }] : []);
  });

  it('answers false for an unknown unit and queues nothing', async () => {
    const { deps, added } = fakes(null);
    expect(await reportUnitPosition(deps, 'nobody', 22.5, 114.0, ago(1))).toBe(false);
    expect(added).toEqual([]);
  });
});
