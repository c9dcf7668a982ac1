// Job: when an offered unit has not acknowledged in time, record the escalation and offer the next nearest.
import type { EventBus } from '../queues/event-bus.js';
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

export async function escalateAlert(p: Payload<'escalate'>, deps: EscalateDeps): Promise<void> {
  const timedOut = await deps.assignments.transition(p.assignmentId, 'timed_out');
  if (!timedOut) return; // acknowledged (or arrived) in time: nothing to do
  await deps.units.setStatus(timedOut.unit_id, 'available');
  await deps.audit.append({
    actor: 'system',
    role: 'system',
    action: 'dispatch.escalated',
    target: p.alertId,
    details: { fromUnit: timedOut.unit_id, attempt: p.attempt, reason: 'no acknowledgement in time' },
  });
  await deps.bus.publish({ type: 'assignment', alertId: p.alertId, unitId: timedOut.unit_id, state: 'timed_out', at: Date.now() });
  const next = p.attempt + 1;
  await deps.queues.add('dispatch', { alertId: p.alertId, attempt: next }, { jobId: `dispatch_${p.alertId}_${next}` });
}
