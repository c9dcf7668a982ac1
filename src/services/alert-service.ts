// Human decisions on alerts (confirm or dismiss, with a reason) and unit answers to offers, all audited.
import type { EventBus } from '../queues/event-bus.js';
import type { AlertRepo, AlertRow } from '../store/alert-repo.js';
import type { AssignmentRepo, AssignmentRow } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { UnitRepo, UnitStatus } from '../store/unit-repo.js';

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class AlertService {
  constructor(
    private readonly alerts: AlertRepo,
    private readonly assignments: AssignmentRepo,
    private readonly units: UnitRepo,
    private readonly audit: AuditRepo,
    private readonly bus: EventBus,
  ) {}

  async dispose(id: string, verdict: 'confirm' | 'dismiss', reason: string, by: Principal): Promise<AlertRow> {
    const status = verdict === 'confirm' ? 'confirmed' : 'dismissed';
    const alert = await this.alerts.dispose(id, status, by.name, reason);
    if (!alert) {
      const existing = await this.alerts.get(id);
      if (!existing) throw new ConflictError(`no alert ${id}`);
      throw new ConflictError(`alert ${id} was already ${existing.status} by ${existing.disposed_by}`);
    }
    if (status === 'dismissed') {
      // A dismissed hit stands the units down: nobody should keep driving to a false match.
      for (const a of await this.assignments.forAlert(id)) {
        if (a.state === 'offered' || a.state === 'acknowledged' || a.state === 'arrived') {
          await this.assignments.transition(a.id, 'resolved');
          await this.units.setStatus(a.unit_id, 'available');
        }
      }
    }
    await this.audit.append({ actor: by.name, role: by.role, action: `alert.${status}`, target: id, details: { reason, plate: alert.plate } });
    await this.bus.publish({ type: 'alert', alertId: id, cameraId: alert.camera_id, status, at: Date.now(), capturedAt: new Date(alert.captured_at).getTime(), data: { id, status, disposedBy: by.name, reason } });
    return alert;
  }

  /** A unit answers its offer: acknowledged (on the way), arrived, or resolved. */
  async unitAnswer(alertId: string, unitId: string, answer: 'acknowledged' | 'arrived' | 'resolved', by: Principal): Promise<AssignmentRow> {
    const current = (await this.assignments.forAlert(alertId)).find((a) => a.unit_id === unitId);
    if (!current) throw new ConflictError(`alert ${alertId} was not offered to unit ${unitId}`);
    const row = await this.assignments.transition(current.id, answer);
    if (!row) throw new ConflictError(`cannot mark ${answer}: the assignment is ${current.state}`);
    const status: Record<typeof answer, UnitStatus> = { acknowledged: 'en_route', arrived: 'on_scene', resolved: 'available' };
    await this.units.setStatus(unitId, status[answer]);
    await this.audit.append({ actor: by.name, role: by.role, action: `unit.${answer}`, target: alertId, details: { unitId, assignmentId: row.id } });
    await this.bus.publish({ type: 'assignment', alertId, unitId, state: answer, at: Date.now() });
    return row;
  }
}
