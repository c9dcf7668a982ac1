// The one place dispatch work is queued: the job ids of offers, escalation checks and offers of waiting alerts.
import type { Payload } from './payloads.js';
import type { QueueSet } from './queue-set.js';

/**
 * One job per (alert, attempt): a retried producer does not offer the same round twice. An offer made
 * after a wait carries the wait's id, since the attempt's first job (which found no unit) already ran.
 */
export function dispatchJobId(alertId: string, attempt: number, waitId?: string): string {
  return waitId ? `dispatch_${alertId}_${attempt}_w${waitId}` : `dispatch_${alertId}_${attempt}`;
}

/** One escalation check per round, named by the round's last attempt. */
export function escalateJobId(alertId: string, attempt: number): string {
  return `escalate_${alertId}_${attempt}`;
}

/** Offers an alert's round `attempt` (1: a new alert, or one an operator confirmed; n+1: after a time-out). */
export async function queueDispatch(
  queues: QueueSet,
  alertId: string,
  attempt: number,
  afterWaitId?: string,
): Promise<void> {
  await queues.add('dispatch', { alertId, attempt }, { jobId: dispatchJobId(alertId, attempt, afterWaitId) });
}

/** Checks the round ending at `p.attempt` once its units have had `delayMs` to acknowledge. */
export async function queueEscalation(queues: QueueSet, p: Payload<'escalate'>, delayMs: number): Promise<void> {
  await queues.add('escalate', p, { delay: delayMs, jobId: escalateJobId(p.alertId, p.attempt) });
}

/**
 * A unit came free (its status turned available, or it reported a first fresh position), or an alert
 * began to wait: offer the waiting alerts to the free units. No job id: every such moment is a new look.
 */
export async function queueOfferWaiting(queues: QueueSet, p: Payload<'offer-waiting'>): Promise<void> {
  await queues.add('offer-waiting', p, { removeOnComplete: { age: 600, count: 1000 } });
}

/** How often every free unit is matched against the waiting alerts, whatever the events said (a missed one, a race). */
export const WAITING_SWEEP_MS = 30_000;

/** The periodic sweep (one scheduler per queue prefix, whichever process upserts it). */
export async function scheduleWaitingSweep(queues: QueueSet, everyMs = WAITING_SWEEP_MS): Promise<void> {
  await queues
    .queue('offer-waiting')
    .upsertJobScheduler(
      'offer-waiting-sweep',
      { every: everyMs },
      { name: 'offer-waiting', data: { trigger: 'sweep' }, opts: { removeOnComplete: true } },
    );
}
