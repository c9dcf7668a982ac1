// Human decisions on alerts (confirm or dismiss, with a reason; face hits by one or two people) and unit answers to offers, all audited.
import { audienceFor } from '../duty/audience.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import type { DutyReader } from '../duty/duty-state.js';
import { describeAlert } from '../views/alert.js';
import type { Alert } from '../domain/alert.js';
import type { Assignment } from '../domain/assignment.js';
import { ENGAGED_STATES } from '../domain/assignment.js';
import { STATUS_AFTER } from '../domain/unit.js';
import { queueDispatch, queueOfferWaiting } from '../queues/dispatch-producer.js';
import type { EventBus } from '../queues/event-bus.js';
import { alertAckSeconds } from '../lib/metrics.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { Db } from '../store/db.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { UnitRepo } from '../store/unit-repo.js';

/**
 * What confirmations need: the dispatch queue (a face hit, or a plate hit raised at a level that wants an
 * operator's confirmation, is dispatched on confirmation), the repositories of the alert view, and the
 * duty level (a plate hit's update reaches the checkpoints its level showed it to).
 */
export interface FaceDispositionDeps {
  queues: QueueSet;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  subjects: SubjectRepo;
  duty?: DutyReader;
}

export class AlertService {
  constructor(
    private readonly alerts: AlertRepo,
    private readonly assignments: AssignmentRepo,
    private readonly units: UnitRepo,
    private readonly audit: AuditRepo,
    private readonly bus: EventBus,
    private readonly faces?: FaceDispositionDeps,
  ) {}

  /** The verdict, the units stood down and the audit entry commit together; dispatch and the live event follow the commit. */
  async dispose(id: string, verdict: 'confirm' | 'dismiss', reason: string, by: Principal): Promise<Alert> {
    const current = await this.alerts.get(id);
    if (!current) throw new NotFoundError(`alert ${id} not found`);
    if (current.kind === 'face') return this.disposeFace(current, verdict, reason, by);
    const status = verdict === 'confirm' ? 'confirmed' : 'dismissed';
    const alert = await this.alerts.db.tx(async (t) => {
      const alerts = this.alerts.on(t);
      const done = await alerts.dispose(id, status, by.name, reason, by.role, by.personId);
      if (!done) {
        const existing = await alerts.get(id);
        throw new ConflictError(`alert ${id} was already ${existing?.status} by ${existing?.disposedBy}`);
      }
      // A dismissed hit stands the units down: nobody should keep driving to a false match.
      if (status === 'dismissed') await this.standDown(t, id);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: `alert.${status}`,
        target: id,
        details: { reason, plate: done.plate },
      });
      return done;
    });
    if (status === 'confirmed' && alert.confirmationsRequired > 0) await this.dispatchConfirmed(alert);
    if (status === 'dismissed') await this.afterStandDown(id);
    const audience = await this.audienceOf(alert);
    await this.bus.publish({
      type: 'alert',
      alertId: id,
      cameraId: alert.cameraId,
      status,
      at: Date.now(),
      capturedAt: alert.capturedAt.getTime(),
      data: { id, kind: alert.kind, status, disposedBy: by.name, reason, ...(audience ? { audience } : {}) },
    });
    return alert;
  }

  private async standDown(t: Db, alertId: string): Promise<void> {
    const assignments = this.assignments.on(t);
    for (const a of await assignments.forAlert(alertId)) {
      if (ENGAGED_STATES.has(a.state)) {
        await assignments.transition(a.id, 'resolved');
        await this.units.on(t).setStatus(a.unitId, 'available');
      }
    }
  }

  /** A dismissed alert stops waiting for a unit, and the units it freed are offered the alerts still waiting. */
  private async afterStandDown(alertId: string): Promise<void> {
    await this.assignments.endWait(alertId);
    const queues = this.faces?.queues;
    if (!queues) return;
    for (const a of await this.assignments.forAlert(alertId))
      await queueOfferWaiting(queues, { unitId: a.unitId, trigger: 'available' });
  }

  /** A plate hit that waited for an operator (plateConfirmations 1 at its level) goes to the units now. */
  private async dispatchConfirmed(alert: Alert): Promise<void> {
    if (!this.faces) throw new Error('plate alerts that wait for confirmation need AlertService deps (queues)');
    await queueDispatch(this.faces.queues, alert.id, 1);
  }

  /** The checkpoints a plate hit's updates reach: as its level showed the hit itself (see create-alert). */
  private async audienceOf(alert: Alert) {
    const { duty, cameras } = this.faces ?? {};
    if (alert.kind !== 'plate' || !duty || !cameras) return null;
    return audienceFor(
      duty.policy(alert.dutyLevel ?? duty.current()).checkpointsNotified,
      await cameras.get(alert.cameraId),
    );
  }

  /**
   * A face hit: each person's verdict is recorded; one dismissal closes it, and it is confirmed (and
   * only then dispatched) when the required number of distinct people have confirmed it.
   */
  private async disposeFace(
    alert: Alert,
    verdict: 'confirm' | 'dismiss',
    reason: string,
    by: Principal,
  ): Promise<Alert> {
    const faces = this.faces;
    if (!faces) throw new Error('face alerts need AlertService face deps (queues, subjects)');
    const updated = await this.alerts.db.tx(async (t) => {
      const verdictOf = await this.alerts
        .on(t)
        .recordVerdict(alert.id, { actor: by.name, personId: by.personId, role: by.role, verdict, reason });
      if (verdictOf.kind === 'missing') throw new NotFoundError(`alert ${alert.id} not found`);
      if (verdictOf.kind === 'closed')
        throw new ConflictError(
          `alert ${alert.id} was already ${verdictOf.alert.status} by ${verdictOf.alert.disposedBy}`,
        );
      if (verdictOf.kind === 'already_voted') {
        // Counted per person (personId), not per name: a second token or session of the same person is the same pair of eyes.
        throw new ConflictError(
          `${by.name} has already given a verdict on alert ${alert.id} (as the same person); ${alert.confirmationsRequired > 1 ? 'the next confirmation must come from another person' : 'it stands'}`,
        );
      }
      const after = verdictOf.alert;
      const action = after.status === 'candidate' ? 'alert.confirm_vote' : `alert.${after.status}`;
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action,
        target: alert.id,
        details: {
          kind: 'face',
          verdict,
          reason,
          subjectId: alert.subjectId,
          score: alert.score,
          confirmations: verdictOf.confirmations,
          required: alert.confirmationsRequired,
        },
      });
      return after;
    });
    if (updated.status === 'confirmed') await queueDispatch(faces.queues, alert.id, 1);
    const view = await describeAlert(updated, { ...faces, alerts: this.alerts });
    await this.bus.publish({
      type: 'alert',
      alertId: alert.id,
      cameraId: alert.cameraId,
      status: updated.status,
      at: Date.now(),
      capturedAt: alert.capturedAt.getTime(),
      data: view,
    });
    return updated;
  }

  /** A unit answers its offer: acknowledged (on the way), arrived, or resolved. */
  async unitAnswer(
    alertId: string,
    unitId: string,
    answer: 'acknowledged' | 'arrived' | 'resolved',
    by: Principal,
  ): Promise<Assignment> {
    const row = await this.assignments.db.tx(async (t) => {
      const assignments = this.assignments.on(t);
      const current = (await assignments.forAlert(alertId)).find((a) => a.unitId === unitId);
      if (!current) throw new ConflictError(`alert ${alertId} was not offered to unit ${unitId}`);
      const moved = await assignments.transition(current.id, answer);
      if (!moved) throw new ConflictError(`cannot mark ${answer}: the assignment is ${current.state}`);
      await this.units.on(t).setStatus(unitId, STATUS_AFTER[answer]);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: `unit.${answer}`,
        target: alertId,
        details: { unitId, assignmentId: moved.id },
      });
      return moved;
    });
    await this.bus.publish({ type: 'assignment', alertId, unitId, state: answer, at: Date.now() });
    if (answer === 'acknowledged' && row.acknowledgedAt)
      alertAckSeconds.observe((row.acknowledgedAt.getTime() - row.offeredAt.getTime()) / 1000);
    // Free again: the first waiting alert it serves best is offered to it.
    if (answer === 'resolved' && this.faces)
      await queueOfferWaiting(this.faces.queues, { unitId, trigger: 'available' });
    return row;
  }
}
