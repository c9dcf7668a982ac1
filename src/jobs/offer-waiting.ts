// Job: a unit came free (or an alert began to wait): offer each free unit the waiting alert it serves best, priority first, then nearest.
import { rankUnits, type RankedUnit, type RankOptions } from '../dispatch/travel.js';
import type { EventBus } from '../queues/event-bus.js';
import { queueDispatch } from '../queues/dispatch-producer.js';
import type { Payload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AssignmentRepo, WaitingAlert } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Unit, UnitRepo } from '../store/unit-repo.js';

export interface OfferWaitingDeps {
  assignments: AssignmentRepo;
  units: UnitRepo;
  audit: AuditRepo;
  queues: QueueSet;
  bus: EventBus;
  policy: { staleAfterSeconds: number };
  /** How travel times are estimated (road graph); default the straight line. */
  travel?: RankOptions['travel'];
}

/** How far back a stopped job's offers are re-queued for delivery (their dispatch job id makes that a no-op when queued already). */
const RECOVER_WITHIN_S = 600;

/**
 * The offer itself is one transaction (unit taken, wait closed with its seconds, assignment made); its
 * delivery and escalation check are the dispatch job of that attempt, queued under the wait's id.
 */
export async function offerWaiting(p: Payload<'offer-waiting'>, deps: OfferWaitingDeps): Promise<number> {
  // A job that stopped between an offer and queueing its delivery: queue it again.
  for (const w of await deps.assignments.recentOffersAfterWait(RECOVER_WITHIN_S)) {
    if (!p.unitId || w.unitId === p.unitId) await queueDispatch(deps.queues, w.alertId, w.attempt, w.id);
  }
  const candidates = p.unitId ? [await deps.units.get(p.unitId)] : await deps.units.list();
  const free = candidates.filter((u): u is Unit => u !== null && u.status === 'available' && u.positionAt !== null);
  if (!free.length) return 0;
  const waits = await deps.assignments.openWaits();
  let offered = 0;
  for (const unit of free) {
    const choice = bestFor(unit, waits, deps);
    if (!choice) continue;
    waits.splice(waits.indexOf(choice.wait), 1);
    const made = await deps.assignments.offerAfterWait(
      choice.wait.id,
      unit.id,
      choice.ranked.distanceM,
      choice.ranked.etaS,
    );
    if (!made) continue; // the unit or the wait was taken by another job meanwhile
    const { assignment, wait } = made;
    await deps.audit.append({
      actor: 'system',
      role: 'system',
      action: 'dispatch.offered',
      target: wait.alertId,
      details: {
        unitId: unit.id,
        attempt: wait.attempt,
        distanceM: Math.round(choice.ranked.distanceM),
        etaS: Math.round(choice.ranked.etaS),
        via: choice.ranked.via,
        afterWait: true,
        waitedS: Math.round(wait.waitedS ?? 0),
      },
    });
    await deps.bus.publish({
      type: 'assignment',
      alertId: wait.alertId,
      unitId: unit.id,
      state: assignment.state,
      at: Date.now(),
    });
    await queueDispatch(deps.queues, wait.alertId, wait.attempt, wait.id);
    offered++;
  }
  return offered;
}

/** Among the waiting alerts of the highest priority this unit may take, the one it reaches first. */
function bestFor(
  unit: Unit,
  waits: readonly WaitingAlert[],
  deps: OfferWaitingDeps,
): { wait: WaitingAlert; ranked: RankedUnit } | null {
  const position = {
    id: unit.id,
    type: unit.type,
    lat: unit.lat as number,
    lon: unit.lon as number,
    status: unit.status,
    positionAt: (unit.positionAt as Date).getTime(),
  };
  const opts = {
    now: Date.now(),
    staleAfterMs: deps.policy.staleAfterSeconds * 1000,
    ...(deps.travel ? { travel: deps.travel } : {}),
  };
  let best: { wait: WaitingAlert; ranked: RankedUnit } | null = null;
  for (const wait of waits) {
    if (best && wait.priority > best.wait.priority) break; // sorted by priority: a lower one never beats a found higher one
    if (wait.tried.includes(unit.id)) continue;
    const [ranked] = rankUnits({ lat: wait.lat, lon: wait.lon }, [position], opts);
    if (!ranked) return null; // stale position or not dispatchable: the same for every alert
    if (!best || ranked.etaS < best.ranked.etaS) best = { wait, ranked };
  }
  return best;
}
