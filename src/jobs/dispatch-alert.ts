// Job: offer an alert to the nearest untried units (as many as the duty level asks), or record that it waits for a free one;
// deliver each offer once per channel, schedule the escalation check.
import { rankUnits, type RankedUnit, type RankOptions } from '../dispatch/travel.js';
import type { OfferChannel } from '../dispatch/offer-channel.js';
import type { DutyReader } from '../duty/duty-state.js';
import type { EventBus } from '../queues/event-bus.js';
import { queueEscalation, queueOfferWaiting } from '../queues/dispatch-producer.js';
import type { Payload } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import { describeAlert, waitingView, type AlertView } from '../views/alert.js';
import { offerEvent, offerView } from '../views/offer.js';
import type { Alert } from '../domain/alert.js';
import { ENGAGED_STATES, type Assignment } from '../domain/assignment.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { UnitRepo } from '../store/unit-repo.js';
import { alertOfferLatencySeconds } from '../lib/metrics.js';

export interface DispatchDeps {
  alerts: AlertRepo;
  assignments: AssignmentRepo;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  units: UnitRepo;
  audit: AuditRepo;
  queues: QueueSet;
  bus: EventBus;
  channels: OfferChannel[];
  /** ackTimeoutSeconds applies when no duty level is given; maxAttempts counts rounds of offers. */
  policy: { ackTimeoutSeconds: number; staleAfterSeconds: number; maxAttempts: number };
  /** The live duty level: its ackTimeoutSeconds and unitsPerAlert apply (left out: policy's timeout, one unit). */
  duty?: DutyReader;
  /** How travel times are estimated (road graph); default the straight line. */
  travel?: RankOptions['travel'];
}

type Camera = NonNullable<Awaited<ReturnType<CameraRepo['get']>>>;

/** The timeout and width of a round, read once per job from the live level. */
export function roundPolicy(deps: Pick<DispatchDeps, 'policy' | 'duty'>): {
  ackTimeoutSeconds: number;
  unitsPerAlert: number;
} {
  const live = deps.duty?.policy();
  return {
    ackTimeoutSeconds: live?.ackTimeoutSeconds ?? deps.policy.ackTimeoutSeconds,
    unitsPerAlert: live?.unitsPerAlert ?? 1,
  };
}

/**
 * A round of offers: attempts p.attempt, p.attempt+1, ... one per free lane (unitsPerAlert minus the
 * units still engaged). One escalation check covers the round; a lane whose unit has not acknowledged
 * by then passes to the next nearest unit in the next round.
 */
export async function dispatchAlert(p: Payload<'dispatch'>, deps: DispatchDeps): Promise<void> {
  const alert = await deps.alerts.get(p.alertId);
  if (!alert || alert.status === 'dismissed') return;
  // Waiting for people (a face hit, or a plate hit at a level that wants an operator's confirmation).
  if (alert.status !== 'confirmed' && alert.confirmationsRequired > 0) return;
  const camera = await deps.cameras.get(alert.cameraId);
  if (!camera) return;
  const live = roundPolicy(deps);
  const round = await offerRound(p, deps, camera, live.unitsPerAlert);
  if (round.kind === 'waiting') return waitForUnit(alert, round.attempt, deps);
  if (!round.rows.length) return;

  const view = await describeAlert(alert, deps);
  for (const assignment of round.rows) await deliver(alert, camera, assignment, view, live.ackTimeoutSeconds, deps);
  const last = round.rows[round.rows.length - 1];
  await queueEscalation(
    deps.queues,
    { alertId: alert.id, assignmentId: round.rows[0].id, attempt: last.attempt },
    live.ackTimeoutSeconds * 1000,
  );
}

/**
 * No unit could take the alert: it waits (recorded in the database), the command room sees it waiting,
 * and the first unit that comes free is offered it (jobs/offer-waiting). A retried job finds its wait.
 */
async function waitForUnit(alert: Alert, attempt: number, deps: DispatchDeps): Promise<void> {
  const { wait, created } = await deps.assignments.startWait(alert.id, attempt);
  if (created) {
    const tried = (await deps.assignments.forAlert(alert.id)).map((a) => a.unitId);
    await deps.audit.append({
      actor: 'system',
      role: 'system',
      action: 'dispatch.waiting',
      target: alert.id,
      details: { attempt, tried },
    });
  }
  await deps.bus.publish({
    type: 'assignment',
    alertId: alert.id,
    unitId: '',
    state: 'no_unit_available',
    at: Date.now(),
  });
  const view = await describeAlert(alert, deps);
  await deps.bus.publish({
    type: 'alert',
    alertId: alert.id,
    cameraId: alert.cameraId,
    status: alert.status,
    at: Date.now(),
    capturedAt: alert.capturedAt.getTime(),
    data: { ...view, dispatch: waitingView(wait) },
  });
  // A unit freed between the ranking and the wait's record would otherwise not see it: look once more.
  await queueOfferWaiting(deps.queues, { trigger: 'waiting' });
}

/** Delivers one offer: the same message (src/views/offer.ts) on the unit's stream and every other channel. */
async function deliver(
  alert: Alert,
  camera: Camera,
  assignment: Assignment,
  view: AlertView,
  ackWithinS: number,
  deps: DispatchDeps,
): Promise<void> {
  const offer = offerView(assignment, camera, view, ackWithinS);
  const recipient = `unit:${assignment.unitId}`;
  // Claimed, sent, then noted: a job stopped in between sends again on retry (at least once, never silently lost).
  if (await deps.assignments.claimOffer(alert.id, recipient, 'sse')) {
    await deps.bus.publish(offerEvent(offer, alert));
    // Once per alert: its first offer, as first published (a retried job does not claim the stream again).
    if (assignment.attempt === 1)
      alertOfferLatencySeconds.observe({ kind: alert.kind }, (Date.now() - alert.capturedAt.getTime()) / 1000);
    await deps.assignments.noteDelivery(alert.id, recipient, 'sse', 'published');
  }
  for (const channel of deps.channels) {
    if (!(await deps.assignments.claimOffer(alert.id, recipient, channel.name))) continue;
    try {
      const detail = await channel.send(offer);
      await deps.assignments.noteDelivery(alert.id, recipient, channel.name, detail);
    } catch (err) {
      // Give the slot back so the job's retry sends it; the other channels already delivered stay delivered.
      await deps.assignments.releaseDelivery(alert.id, recipient, channel.name);
      throw err;
    }
  }
}

/** A round's outcome: the offers made (or made before, on a retry), or no unit at all, so the alert waits at `attempt`. */
type Round = { kind: 'offered'; rows: Assignment[] } | { kind: 'waiting'; attempt: number };

/** The round's assignments: those made before when the job is retried, else the nearest new units. */
async function offerRound(
  p: Payload<'dispatch'>,
  deps: DispatchDeps,
  target: { lat: number; lon: number },
  width: number,
): Promise<Round> {
  const previous = await deps.assignments.forAlert(p.alertId);
  const engaged = previous.filter((a) => a.attempt < p.attempt && ENGAGED_STATES.has(a.state)).length;
  const lanes = Math.max(0, width - engaged);
  const tried = new Set(previous.map((a) => a.unitId));
  const rows: Assignment[] = [];
  let ranked: RankedUnit[] | null = null;
  for (let attempt = p.attempt; attempt < p.attempt + lanes; attempt++) {
    const existing = previous.find((a) => a.attempt === attempt);
    if (existing) {
      rows.push(existing);
      continue;
    }
    if (attempt > deps.policy.maxAttempts * width) {
      await deps.audit.append({
        actor: 'system',
        role: 'system',
        action: 'dispatch.exhausted',
        target: p.alertId,
        details: { attempts: previous.length + rows.length },
      });
      break;
    }
    ranked ??= await rank(deps, target, tried);
    const taken = await offerNearest(p.alertId, attempt, ranked, tried, deps);
    if (!taken) {
      // Nobody serves the alert yet: it waits. A round with some lanes served goes on with those.
      if (!rows.length && !engaged) return { kind: 'waiting', attempt };
      await deps.audit.append({
        actor: 'system',
        role: 'system',
        action: 'dispatch.no_unit',
        target: p.alertId,
        details: { attempt, tried: [...tried] },
      });
      await deps.bus.publish({
        type: 'assignment',
        alertId: p.alertId,
        unitId: '',
        state: 'no_unit_available',
        at: Date.now(),
      });
      break;
    }
    const { row, best } = taken;
    // Why this unit: its estimate and whether it came over the road graph or a straight-line fallback.
    await deps.audit.append({
      actor: 'system',
      role: 'system',
      action: 'dispatch.offered',
      target: p.alertId,
      details: {
        unitId: row.unitId,
        attempt,
        distanceM: Math.round(best.distanceM),
        etaS: Math.round(best.etaS),
        via: best.via,
      },
    });
    await deps.bus.publish({
      type: 'assignment',
      alertId: p.alertId,
      unitId: row.unitId,
      state: row.state,
      at: Date.now(),
    });
    rows.push(row);
  }
  return { kind: 'offered', rows };
}

/** The nearest untried unit that can still be taken (another job may take one first); marks those seen as tried. */
async function offerNearest(
  alertId: string,
  attempt: number,
  ranked: RankedUnit[],
  tried: Set<string>,
  deps: DispatchDeps,
): Promise<{ row: Assignment; best: RankedUnit } | null> {
  for (const best of ranked) {
    if (tried.has(best.unitId)) continue;
    tried.add(best.unitId);
    const row = await deps.assignments.offer(alertId, attempt, best.unitId, best.distanceM, best.etaS);
    if (row) return { row, best };
  }
  return null;
}

async function rank(
  deps: DispatchDeps,
  target: { lat: number; lon: number },
  tried: ReadonlySet<string>,
): Promise<RankedUnit[]> {
  const units = (await deps.units.list()).filter(
    (u) => !tried.has(u.id) && u.lat !== null && u.lon !== null && u.positionAt,
  );
  return rankUnits(
    target,
    units.map((u) => ({
      id: u.id,
      type: u.type,
      lat: u.lat as number,
      lon: u.lon as number,
      status: u.status,
      positionAt: (u.positionAt as Date).getTime(),
    })),
    {
      now: Date.now(),
      staleAfterMs: deps.policy.staleAfterSeconds * 1000,
      ...(deps.travel ? { travel: deps.travel } : {}),
    },
  );
}
