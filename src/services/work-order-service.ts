// Maintenance work orders: opened when a fault outlasts its grace time, acknowledged, noted and closed by
// maintenance, closed by itself when the camera recovers. Each step and its audit entry in one transaction,
// then sent live (event stream) and to the delivery channels (webhook, MQTT).
import { FAULT_MEANING } from '../health/fault-kinds.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import { AuditRepo } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import type { FaultRecord } from '../store/health-repo.js';
import type { Principal } from '../store/token-repo.js';
import { WorkOrderRepo, type WorkOrder, type WorkOrderFilter } from '../store/work-order-repo.js';
import type { WorkOrderChannel, WorkOrderMessage } from '../health/work-order-channel.js';

export interface WorkOrderDeps {
  db: Db;
  bus: EventBus;
  /** Webhook and MQTT; a failed delivery is logged, never undoes the order. */
  channels: WorkOrderChannel[];
  log: Logger;
}

type State = 'opened' | 'acknowledged' | 'noted' | 'closed';
const SYSTEM = { actor: 'system', role: 'system' };
export const evidencePath = (f: { cameraId: string; id: string }) =>
  `/api/v1/cameras/${f.cameraId}/health/faults/${f.id}/evidence.jpg`;

export class WorkOrderService {
  private readonly orders: WorkOrderRepo;

  constructor(private readonly d: WorkOrderDeps) {
    this.orders = new WorkOrderRepo(d.db);
  }

  list(filter: WorkOrderFilter): Promise<WorkOrder[]> {
    return this.orders.list(filter);
  }

  async get(id: string): Promise<WorkOrder> {
    const o = await this.orders.get(id);
    if (!o) throw new NotFoundError(`work order ${id} not found`);
    return o;
  }

  /** Opens the fault's order (once per fault episode); null when it already has one. */
  async openForFault(fault: FaultRecord, cameraName: string): Promise<WorkOrder | null> {
    const order = await this.d.db.tx(async (t) => {
      const o = await new WorkOrderRepo(t).open({
        cameraId: fault.cameraId,
        faultId: fault.id,
        kind: fault.kind,
        openedAt: Date.now(),
      });
      if (o)
        await new AuditRepo(t).append({
          ...SYSTEM,
          action: 'work-order.opened',
          target: o.id,
          details: { cameraId: o.cameraId, kind: o.kind, faultId: fault.id, since: fault.since },
        });
      return o;
    });
    if (order)
      await this.announce(order, 'opened', {
        fault,
        cameraName,
        meaning: FAULT_MEANING[fault.kind],
        evidence: fault.hasEvidence ? evidencePath(fault) : null,
      });
    return order;
  }

  async acknowledge(id: string, by: Principal): Promise<WorkOrder> {
    return this.step(
      id,
      'acknowledged',
      by,
      {},
      (repo) => repo.acknowledge(id, by.name),
      'is not open (already acknowledged or closed)',
    );
  }

  async note(id: string, by: Principal, note: string): Promise<WorkOrder> {
    return this.step(
      id,
      'noted',
      by,
      { note },
      (repo) => repo.addNote(id, { at: new Date().toISOString(), by: by.name, note }),
      'is closed',
    );
  }

  /** A maintainer closes the order with the repair; for a moved camera, relearnReference takes the present view as the new reference. */
  async close(id: string, by: Principal, repair: string, relearnReference: boolean): Promise<WorkOrder> {
    const order = await this.step(
      id,
      'closed',
      by,
      { repair, relearnReference },
      async (repo) => {
        await repo.addNote(id, { at: new Date().toISOString(), by: by.name, note: repair });
        return repo.close(id, { by: by.name, reason: 'repaired', relearnReference });
      },
      'is already closed',
    );
    if (relearnReference)
      await this.d.bus.publish({
        type: 'camera-health',
        cameraId: order.cameraId,
        change: 'relearn-reference',
        at: Date.now(),
        data: { by: by.name, workOrderId: id },
      });
    return order;
  }

  /** The camera's picture came back by itself: its open order closes, saying so. */
  async closeRecovered(fault: FaultRecord): Promise<WorkOrder | null> {
    const order = await this.d.db.tx(async (t) => {
      const repo = new WorkOrderRepo(t);
      const open = await repo.forFault(fault.id);
      if (!open || open.status === 'closed') return null;
      const note = `closed by itself: the camera recovered (${fault.kind} cleared at ${fault.clearedAt ?? new Date().toISOString()})`;
      await repo.addNote(open.id, { at: new Date().toISOString(), by: 'system', note });
      const closed = await repo.close(open.id, { by: 'system', reason: 'recovered', relearnReference: false });
      await new AuditRepo(t).append({
        ...SYSTEM,
        action: 'work-order.closed',
        target: open.id,
        details: { cameraId: open.cameraId, kind: open.kind, reason: 'recovered', note },
      });
      return closed;
    });
    if (order) await this.announce(order, 'closed', { reason: 'recovered' });
    return order;
  }

  private async step(
    id: string,
    state: State,
    by: Principal,
    details: Record<string, unknown>,
    change: (repo: WorkOrderRepo) => Promise<WorkOrder | null>,
    refusal: string,
  ): Promise<WorkOrder> {
    const order = await this.d.db.tx(async (t) => {
      const repo = new WorkOrderRepo(t);
      const before = await repo.get(id);
      if (!before) throw new NotFoundError(`work order ${id} not found`);
      const after = await change(repo);
      if (!after) throw new ConflictError(`work order ${id} ${refusal}`, { extra: { status: before.status } });
      await new AuditRepo(t).append({
        actor: by.name,
        role: by.role,
        action: `work-order.${state}`,
        target: id,
        details: { cameraId: after.cameraId, kind: after.kind, ...details },
      });
      return after;
    });
    await this.announce(order, state, details);
    return order;
  }

  private async announce(order: WorkOrder, state: State, extra: Record<string, unknown>): Promise<void> {
    const at = Date.now();
    await this.d.bus
      .publish({
        type: 'work-order',
        orderId: order.id,
        cameraId: order.cameraId,
        state,
        at,
        data: { ...order, ...extra },
      })
      .catch((err: Error) => this.d.log.warn(`work order ${order.id}: event not sent: ${err.message}`));
    const message: WorkOrderMessage = { type: 'work-order', state, at: new Date(at).toISOString(), order, ...extra };
    for (const ch of this.d.channels) {
      await ch
        .send(message)
        .catch((err: Error) => this.d.log.warn(`work order ${order.id}: ${ch.name} delivery failed: ${err.message}`));
    }
  }
}
