// Job: units that did not acknowledge in time hand their lanes to the next nearest; a duty switch re-times the checks still waiting.
import type { EventBus } from '../queues/event-bus.js';
import { queueDispatch, queueOfferWaiting } from '../queues/dispatch-producer.js';
import type { Payload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { UnitRepo } from '../store/unit-repo.js';

export interface EscalateDeps {
  assignments: AssignmentRepo;
  units: UnitRepo;
  audit: AuditRepo;
  queues: QueueSet;
  bus: EventBus;
}

/**
 * The check of one round of offers: attempts from the assignment `assignmentId` to `attempt`. Each unit
 * still only offered is timed out; if any lane lapsed, the next round (attempt + 1) offers it again.
 */
export async function escalateAlert(p: Payload<'escalate'>, deps: EscalateDeps): Promise<void> {
  const first = await deps.assignments.get(p.assignmentId);
  const from = first?.attempt ?? p.attempt;
  const round = (await deps.assignments.forAlert(p.alertId)).filter((a) => a.attempt >= from && a.attempt <= p.attempt);
  let lapsed = 0;
  for (const a of round) {
    if (a.state === 'timed_out') lapsed++; // a retried job: timed out by its first try
    if (a.state !== 'offered') continue; // acknowledged (or arrived) in time: that lane is served
    const timedOut = await deps.assignments.transition(a.id, 'timed_out');
    if (!timedOut) continue;
    lapsed++;
    await deps.units.setStatus(timedOut.unitId, 'available');
    // Silent on this alert, yet free: another waiting alert may have it.
    await queueOfferWaiting(deps.queues, { unitId: timedOut.unitId, trigger: 'available' });
    await deps.audit.append({
      actor: 'system',
      role: 'system',
      action: 'dispatch.escalated',
      target: p.alertId,
      details: { fromUnit: timedOut.unitId, attempt: timedOut.attempt, reason: 'no acknowledgement in time' },
    });
    await deps.bus.publish({
      type: 'assignment',
      alertId: p.alertId,
      unitId: timedOut.unitId,
      state: 'timed_out',
      at: Date.now(),
    });
  }
  if (!lapsed) return;
  await queueDispatch(deps.queues, p.alertId, p.attempt + 1);
}

/**
 * Moves every waiting escalation check to `ackTimeoutSeconds` after its offer (overdue ones run now):
 * a switch of duty level changes the timeout of offers already out, not only of later ones.
 * Safe to run in several processes at once: each sets the same time. Returns how many were moved.
 */
export async function retimeEscalations(
  queues: QueueSet,
  ackTimeoutSeconds: number,
  now = Date.now(),
): Promise<number> {
  let moved = 0;
  for (const job of await queues.queue('escalate').getDelayed()) {
    const due = job.timestamp + ackTimeoutSeconds * 1000;
    try {
      await job.changeDelay(Math.max(1, due - now));
      moved++;
    } catch {
      // Ran or was removed meanwhile: nothing to move.
    }
  }
  return moved;
}
