// When a unit comes free for work outside an assignment: a first fresh position, or its status set to available by hand.
import type { PositionSink } from './unit-positions-mqtt.js';
import { queueOfferWaiting } from '../queues/dispatch-producer.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { PositionExtras, Unit, UnitRepo } from '../store/unit-repo.js';

export interface AvailabilityDeps {
  units: UnitRepo;
  queues: QueueSet;
  /** dispatch.staleAfterSeconds: an older position is not used for dispatch. */
  staleAfterSeconds: number;
}

/** A position older than the stale limit (or none) does not make a unit dispatchable. */
export function isFresh(positionAt: Date | null, staleAfterSeconds: number, now = Date.now()): boolean {
  return positionAt !== null && now - new Date(positionAt).getTime() <= staleAfterSeconds * 1000;
}

/**
 * Stores the fix; when it is the unit's first fresh one (no position before, or a stale one) and the unit
 * is available, the alerts waiting for a unit are offered to it. False for an unknown unit.
 */
export async function reportUnitPosition(
  deps: AvailabilityDeps,
  id: string,
  lat: number,
  lon: number,
  at: Date,
  extras: PositionExtras = {},
): Promise<boolean> {
  const before: Unit | null = await deps.units.get(id);
  if (!before) return false;
  if (!(await deps.units.reportPosition(id, lat, lon, at, extras))) return false;
  if (
    before.status === 'available' &&
    !isFresh(before.positionAt, deps.staleAfterSeconds) &&
    isFresh(at, deps.staleAfterSeconds)
  ) {
    await queueOfferWaiting(deps.queues, { unitId: id, trigger: 'position' });
  }
  return true;
}

/** The MQTT position listener's sink: the same first-fresh-position hook as the API's. */
export function positionSink(deps: AvailabilityDeps): PositionSink {
  return { reportPosition: (id, lat, lon, at, extras) => reportUnitPosition(deps, id, lat, lon, at, extras) };
}
