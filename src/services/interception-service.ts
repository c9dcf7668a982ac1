// Checkpoint interception orders: ordered on a confirmed plate hit or by an operator, acknowledged by
// checkpoint staff, closed by a later read of the plate at any checkpoint; every step audited and sent live.
import type { InterceptionConfig } from '../config/interception.js';
import {
  chooseInterceptionTargets,
  type InterceptionTarget,
  type TargetMode,
} from '../dispatch/interception-targets.js';
import { normalisePlate } from '../domain/plate-text.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { EventBus } from '../queues/event-bus.js';
import type { PlateReadEvent } from '../queues/payloads.js';
import type { Alert } from '../domain/alert.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo, CameraRow } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import { interceptionView, type InterceptionView } from '../views/interception.js';
import type { InterceptionOrder, InterceptionStatus } from '../domain/interception.js';
import type { InterceptionRepo } from '../store/interception-repo.js';
import type { PlateReadRepo } from '../store/plate-read-repo.js';
import type { Principal } from '../store/token-repo.js';

export interface InterceptionDeps {
  orders: InterceptionRepo;
  alerts: Pick<AlertRepo, 'get'>;
  cameras: Pick<CameraRepo, 'get' | 'list'>;
  plateReads: Pick<PlateReadRepo, 'search' | 'get'>;
  hotlistRepo: Pick<HotlistRepo, 'get'>;
  audit: AuditRepo;
  bus: EventBus;
  config: InterceptionConfig;
}

export type InterceptionState = 'ordered' | 'acknowledged' | 'closed' | 'cancelled';

/** Where the order starts from: the hit (or the plate's latest read), or nowhere known. */
interface Origin {
  camera: CameraRow | null;
  at: number;
  photoReadId: string | null;
  /** Direction of travel, degrees: the read's own (camera facing + approaching/receding), else the camera's one-way heading. */
  headingDeg: number | null;
}

export class InterceptionService {
  constructor(private readonly d: InterceptionDeps) {}

  get config(): InterceptionConfig {
    return this.d.config;
  }

  /** The hook after a confirmation: a confirmed plate hit orders its checkpoints (once per alert). */
  async onAlertConfirmed(alert: Alert, by: Principal): Promise<InterceptionOrder | null> {
    if (
      !this.d.config.enabled ||
      !this.d.config.autoOnConfirm ||
      alert.kind !== 'plate' ||
      alert.status !== 'confirmed'
    )
      return null;
    if (await this.d.orders.openForAlert(alert.id)) return null;
    return this.orderFromAlert(alert.id, by, { auto: true });
  }

  async orderFromAlert(
    alertId: string,
    by: Principal,
    opts: { reason?: string; cameraIds?: string[]; auto?: boolean } = {},
  ): Promise<InterceptionOrder | null> {
    this.mustBeEnabled();
    const alert = await this.d.alerts.get(alertId);
    if (!alert) throw new NotFoundError(`alert ${alertId} not found`);
    if (alert.kind !== 'plate') throw new BadInputError('only a plate alert can be intercepted at checkpoints');
    if (alert.status === 'dismissed')
      throw new ConflictError(`alert ${alertId} was dismissed: there is nothing to intercept`);
    const existing = await this.d.orders.openForAlert(alertId);
    if (existing) throw new ConflictError(`alert ${alertId} already has open interception order ${existing.id}`);
    const camera = await this.d.cameras.get(alert.cameraId);
    const read = alert.plateReadId ? await this.d.plateReads.get(alert.plateReadId) : null;
    const origin: Origin = {
      camera,
      at: alert.capturedAt.getTime(),
      photoReadId: alert.plateReadId,
      headingDeg: read?.direction ?? camera?.heading ?? null,
    };
    const reason = opts.reason ?? (await this.listingReason(alert)) ?? `hotlist hit on ${alert.plate}`;
    return this.create({
      alertId,
      plate: alert.plate,
      reason,
      origin,
      cameraIds: opts.cameraIds,
      by,
      auto: opts.auto ?? false,
    });
  }

  /** An operator's order for a plate alone: it starts from the plate's latest read, if there is one. */
  async orderFromPlate(
    rawPlate: string,
    reason: string,
    by: Principal,
    cameraIds?: string[],
  ): Promise<InterceptionOrder | null> {
    this.mustBeEnabled();
    const plate = normalisePlate(rawPlate);
    if (plate.length < 2) throw new BadInputError(`plate '${rawPlate}' has no letters or digits`);
    const [read] = await this.d.plateReads.search({ plate, mode: 'exact', limit: 1 });
    const camera = read ? await this.d.cameras.get(read.cameraId) : null;
    const origin: Origin = read
      ? {
          camera,
          at: read.capturedAt.getTime(),
          photoReadId: read.id,
          headingDeg: read.direction ?? camera?.heading ?? null,
        }
      : { camera: null, at: Date.now(), photoReadId: null, headingDeg: null };
    if (!origin.camera && !cameraIds?.length)
      throw new BadInputError(`no read of ${plate} places the vehicle: name the checkpoints in cameraIds`);
    return this.create({ alertId: null, plate, reason, origin, cameraIds, by, auto: false });
  }

  private async create(o: {
    alertId: string | null;
    plate: string;
    reason: string;
    origin: Origin;
    cameraIds?: string[];
    by: Principal;
    auto: boolean;
  }): Promise<InterceptionOrder | null> {
    const { mode, targets } = await this.targetsFor(o.origin, o.cameraIds);
    if (!targets.length) {
      if (o.auto) return null; // nothing in reach: the confirmation stands, the command room still sees the hit
      throw new BadInputError('no checkpoint is in reach of the hit: name the checkpoints in cameraIds');
    }
    const c = o.origin.camera;
    const order = await this.d.orders.db.tx(async (t) => {
      const made = await this.d.orders.on(t).create({
        alertId: o.alertId,
        plate: o.plate,
        reason: o.reason,
        photoReadId: o.origin.photoReadId,
        orderedBy: o.by.name,
        role: o.by.role,
        originCamera: c?.id ?? null,
        heading: o.origin.headingDeg,
        hitAt: o.origin.at,
        mode,
        closeUntil: Date.now() + this.d.config.closeWindowHours * 3600_000,
        targets: targets.map((x) => ({
          cameraId: x.cameraId,
          distanceM: x.distanceM ?? null,
          bearingDeg: x.bearingDeg ?? null,
          expectedAt: x.expectedAt ?? null,
        })),
      });
      if (!made) return null; // a concurrent order for the same alert won
      await this.d.audit.on(t).append({
        actor: o.by.name,
        role: o.by.role,
        action: 'interception.ordered',
        target: made.id,
        details: {
          alertId: o.alertId,
          plate: o.plate,
          reason: o.reason,
          mode,
          auto: o.auto,
          targets: targets.map((x) => x.cameraId),
        },
      });
      return made;
    });
    if (!order) return null;
    await this.publish(order, 'ordered');
    return order;
  }

  private async targetsFor(
    origin: Origin,
    cameraIds?: string[],
  ): Promise<{ mode: TargetMode | 'explicit'; targets: ({ cameraId: string } & Partial<InterceptionTarget>)[] }> {
    const checkpoints = (await this.d.cameras.list()).filter((k) => k.kind === 'checkpoint');
    const c = origin.camera;
    const hit = c && { lat: c.lat, lon: c.lon, cameraId: c.id, headingDeg: origin.headingDeg, at: origin.at };
    if (!cameraIds?.length)
      return hit ? chooseInterceptionTargets(hit, checkpoints, this.d.config) : { mode: 'radius', targets: [] };
    const known = new Set(checkpoints.map((k) => k.id));
    const unknown = cameraIds.filter((id) => !known.has(id));
    if (unknown.length)
      throw BadInputError.field(
        'cameraIds',
        `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a configured checkpoint camera`,
      );
    // Named by a person: every one is ordered; distances and expected times are given where the hit is known.
    const everything = { ...this.d.config, radiusM: Infinity, maxCheckpoints: Infinity, includeHitCamera: true };
    const measured = new Map(
      hit
        ? chooseInterceptionTargets({ ...hit, headingDeg: null }, checkpoints, everything).targets.map((t) => [
            t.cameraId,
            t,
          ])
        : [],
    );
    return { mode: 'explicit', targets: [...new Set(cameraIds)].map((id) => measured.get(id) ?? { cameraId: id }) };
  }

  /** Checkpoint staff (or the command room on their behalf) say they have the order. */
  async acknowledge(id: string, by: Principal, onBehalfOf?: string): Promise<InterceptionOrder> {
    const order = await this.d.orders.get(id);
    if (!order) throw new NotFoundError(`interception order ${id} not found`);
    const cameraId = by.role === 'checkpoint' ? by.subject : onBehalfOf;
    if (!cameraId) throw BadInputError.field('cameraId', 'say which checkpoint acknowledges');
    if (!order.targets.some((t) => t.cameraId === cameraId)) {
      const message = `interception order ${id} was not sent to checkpoint ${cameraId}`;
      throw by.role === 'checkpoint' ? new ForbiddenError(message) : BadInputError.field('cameraId', message);
    }
    if (order.status !== 'open') throw new ConflictError(`interception order ${id} is ${order.status}`);
    await this.d.orders.db.tx(async (t) => {
      const row = await this.d.orders.on(t).acknowledge(id, cameraId, by.name);
      if (!row) {
        const target = order.targets.find((x) => x.cameraId === cameraId);
        throw new ConflictError(
          `checkpoint ${cameraId} already acknowledged order ${id}${target?.acknowledgedBy ? ` (${target.acknowledgedBy})` : ''}`,
        );
      }
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'interception.acknowledged',
        target: id,
        details: { cameraId, plate: order.plate, onBehalf: by.role !== 'checkpoint' },
      });
    });
    const updated = (await this.d.orders.get(id)) as InterceptionOrder;
    await this.publish(updated, 'acknowledged');
    return updated;
  }

  async cancel(id: string, reason: string, by: Principal): Promise<InterceptionOrder> {
    const order = await this.d.orders.get(id);
    if (!order) throw new NotFoundError(`interception order ${id} not found`);
    await this.d.orders.db.tx(async (t) => {
      if (!(await this.d.orders.on(t).cancel(id, by.name, reason)))
        throw new ConflictError(`interception order ${id} is ${order.status}`);
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'interception.cancelled',
        target: id,
        details: { reason, plate: order.plate },
      });
    });
    const updated = (await this.d.orders.get(id)) as InterceptionOrder;
    await this.publish(updated, 'cancelled');
    return updated;
  }

  /**
   * The hook after a plate read is stored: a read of an ordered plate at any checkpoint closes its
   * open orders. The read behind the order itself (its photo) never does, whichever version of it,
   * nor a read at the hit camera within sameCameraGraceSeconds (the same pass split in two).
   */
  async onPlateRead(e: Pick<PlateReadEvent, 'eventId' | 'cameraId' | 'plate' | 'capturedAt'>): Promise<number> {
    const graceMs = this.d.config.sameCameraGraceSeconds * 1000;
    const samePass = (o: InterceptionOrder) =>
      o.originCamera === e.cameraId && e.capturedAt - o.hitAt.getTime() < graceMs;
    const open = (await this.d.orders.openForPlate(normalisePlate(e.plate), e.capturedAt)).filter(
      (o) => o.photoReadId !== e.eventId && !samePass(o),
    );
    if (!open.length) return 0;
    const camera = await this.d.cameras.get(e.cameraId);
    if (camera?.kind !== 'checkpoint') return 0;
    let closed = 0;
    for (const o of open) {
      const done = await this.d.orders.db.tx(async (t) => {
        if (!(await this.d.orders.on(t).close(o.id, e.eventId, e.cameraId))) return false;
        await this.d.audit.on(t).append({
          actor: 'system',
          role: 'system',
          action: 'interception.closed',
          target: o.id,
          details: {
            plate: o.plate,
            readId: e.eventId,
            cameraId: e.cameraId,
            capturedAt: new Date(e.capturedAt).toISOString(),
          },
        });
        return true;
      });
      if (!done) continue;
      closed++;
      await this.publish((await this.d.orders.get(o.id)) as InterceptionOrder, 'closed');
    }
    return closed;
  }

  /** Operators and admins see every order in their scope (cameraIds, from the scope filter); a checkpoint only those sent to it. */
  async list(
    by: Principal,
    status?: InterceptionStatus,
    limit?: number,
    cameraIds?: readonly string[],
  ): Promise<InterceptionView[]> {
    const cameraId = by.role === 'checkpoint' ? (by.subject ?? '') : undefined;
    const orders = await this.d.orders.list({ status, cameraId, cameraIds, limit });
    const cameras = await this.cameraMap();
    return orders.map((o) => interceptionView(o, cameras));
  }

  async describe(id: string, by: Principal): Promise<InterceptionView> {
    const order = await this.d.orders.get(id);
    if (!order || (by.role === 'checkpoint' && !order.targets.some((t) => t.cameraId === by.subject)))
      throw new NotFoundError(`interception order ${id} not found`);
    return interceptionView(order, await this.cameraMap());
  }

  private async publish(order: InterceptionOrder, state: InterceptionState): Promise<void> {
    const data = interceptionView(order, await this.cameraMap());
    await this.d.bus.publish({
      type: 'interception',
      orderId: order.id,
      state,
      targets: order.targets.map((t) => t.cameraId),
      at: Date.now(),
      data,
    });
  }

  private async cameraMap(): Promise<Map<string, CameraRow>> {
    return new Map((await this.d.cameras.list()).map((c) => [c.id, c]));
  }

  private async listingReason(alert: Alert): Promise<string | null> {
    const entry = alert.hotlistId ? await this.d.hotlistRepo.get(alert.hotlistId) : null;
    return entry?.reason ?? null;
  }

  private mustBeEnabled(): void {
    if (!this.d.config.enabled)
      throw new ConflictError('interception orders are switched off (interception.enabled: false)');
  }
}
