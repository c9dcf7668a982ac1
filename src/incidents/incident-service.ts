// Incidents: raised from a tour mark, a confirmed hit or a call; the severity's response at the live duty level
// (units from distinct grids, one-minute response points, interception orders) decided and audited in one
// transaction; offers to the units on their stream, MQTT and webhook; legs answered, timed out and replaced; closed.
import { responseFor, type ResponsePlan } from '../config/incidents.js';
import type { Config } from '../config/schema.js';
import { chooseInterceptionTargets } from '../dispatch/interception-targets.js';
import type { OfferChannel, OfferMessage } from '../dispatch/offer-channel.js';
import type { RankOptions } from '../dispatch/travel.js';
import { haversineMetres, type LatLon } from '../domain/geo.js';
import { districtInScope } from '../domain/scope.js';
import type { DutyReader } from '../duty/duty-state.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { EventBus, LiveEvent } from '../queues/event-bus.js';
import { shiftOf } from '../reports/shifts.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo, CameraRow } from '../store/camera-repo.js';
import type { Db } from '../store/db.js';
import type { InterceptionRepo } from '../store/interception-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { IncidentQueue, LegCheck } from './incident-queue.js';
import type { Incident, IncidentLeg, IncidentRepo, IncidentSource } from './incident-repo.js';
import { incidentView, type IncidentView } from './incident-view.js';
import { planResponse, type Candidate, type PlannedLeg } from './response-plan.js';

export interface IncidentDeps {
  incidents: IncidentRepo;
  cameras: Pick<CameraRepo, 'get' | 'list'>;
  orders: InterceptionRepo;
  audit: AuditRepo;
  bus: EventBus;
  queue: IncidentQueue;
  channels: OfferChannel[];
  duty: DutyReader;
  config: Pick<Config, 'incidents' | 'interception' | 'dispatch' | 'reports' | 'server'>;
  travel?: RankOptions['travel'];
}

/** What raises an incident; the location comes from the camera (mark, alert) or is given (a call). */
export type RaiseInput = {
  type: string;
  severity: number;
  description?: string;
  plate?: string | null;
} & (
  | { source: 'call'; lat: number; lon: number; district?: string }
  | { source: 'mark'; markId: string; cameraId: string }
  | { source: 'alert'; alertId: string }
);

interface Place extends LatLon {
  camera: CameraRow | null;
  district: string;
  grid: string | null;
}

type Answer = 'acknowledged' | 'arrived';

export class IncidentService {
  constructor(private readonly d: IncidentDeps) {}

  private get db(): Db {
    return this.d.incidents.db;
  }

  async raise(input: RaiseInput, by: Principal): Promise<IncidentView> {
    const cfg = this.d.config.incidents;
    if (!cfg.types.includes(input.type))
      throw BadInputError.field(
        'type',
        `'${input.type}' is not an incident type (incidents.types: ${cfg.types.join(', ')})`,
      );
    const { place, alertId, plate } = await this.locate(input);
    if (!mayAct(by, place.district, place.camera?.id ?? null))
      throw new ForbiddenError(`district ${place.district} is outside this account's scope`);
    const level = this.d.duty.current();
    const plan = responseFor(cfg, level, input.severity);
    const source: IncidentSource = input.source;
    const now = new Date();
    // Read before the transaction: PGlite's one connection is the transaction's until it ends.
    const checkpoints = plan.intercept ? (await this.d.cameras.list()).filter((c) => c.kind === 'checkpoint') : [];
    const made = await this.db.tx(async (t) => {
      const repo = this.d.incidents.on(t);
      if (alertId && (await repo.findBy({ alertId })))
        throw new ConflictError(`alert ${alertId} already raised an incident`);
      if (input.source === 'mark' && (await repo.findBy({ markId: input.markId })))
        throw new ConflictError(`mark ${input.markId} already raised an incident`);
      const incident = await repo.create({
        source,
        type: input.type,
        severity: input.severity,
        lat: place.lat,
        lon: place.lon,
        cameraId: place.camera?.id ?? null,
        district: place.district,
        grid: place.grid,
        alertId,
        markId: input.source === 'mark' ? input.markId : null,
        plate,
        description: input.description ?? '',
        dutyLevel: level,
        shift: shiftOf(now, this.d.config.reports.shifts, this.d.config.server.timezone),
        reportedBy: by.name,
        reportedByPerson: by.personId,
        role: by.role,
      });
      const legs = await this.offerLegs(t, incident, plan, 1);
      const orders = plan.intercept ? await this.intercept(t, incident, checkpoints, by) : [];
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'incident.raised',
        target: incident.id,
        details: {
          source,
          type: input.type,
          severity: input.severity,
          dutyLevel: level,
          plan,
          legs: legs.map((l) => ({ unitId: l.unitId, kind: l.kind, grid: l.grid, targetS: l.targetS })),
          interceptionOrders: orders,
        },
      });
      return incident.id;
    });
    const incident = (await this.d.incidents.get(made)) as Incident;
    await this.announce(incident, incident.legs, 'raised');
    await this.d.queue.checkLater({ incidentId: incident.id, round: 1 }, this.ackTimeoutS() * 1000);
    return this.view(incident);
  }

  /** One incident; outside the reader's scope it is not there. */
  async get(id: string, by?: Principal): Promise<IncidentView> {
    const incident = await this.mustGet(id);
    if (by && by.role !== 'unit' && !mayAct(by, incident.district, incident.cameraId))
      throw new NotFoundError(`incident ${id} not found`);
    return this.view(incident);
  }

  async list(
    opts: { status?: 'open' | 'closed' | 'cancelled'; limit?: number },
    by?: Principal,
  ): Promise<IncidentView[]> {
    const rows = (await this.d.incidents.list(opts)).filter((i) => !by || mayAct(by, i.district, i.cameraId));
    return Promise.all(rows.map((i) => this.view(i)));
  }

  /** A unit answers its own leg; the command room may answer on a unit's behalf (a radio call). */
  async answer(incidentId: string, legId: string, answer: Answer, by: Principal): Promise<IncidentView> {
    const leg = await this.d.incidents.leg(legId);
    if (!leg || leg.incidentId !== incidentId)
      throw new NotFoundError(`leg ${legId} of incident ${incidentId} not found`);
    if (by.role === 'unit' && by.subject !== leg.unitId)
      throw new ForbiddenError(`this token speaks for unit ${by.subject}, not ${leg.unitId}`);
    if (by.role !== 'unit') await this.get(incidentId, by);
    const moved = await this.db.tx(async (t) => {
      const row = await this.d.incidents.on(t).transitionLeg(legId, answer);
      if (!row) return null;
      await this.d.incidents.on(t).setUnitStatus(leg.unitId, answer === 'acknowledged' ? 'en_route' : 'on_scene');
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: `incident.leg_${answer}`,
        target: incidentId,
        details: {
          legId,
          unitId: leg.unitId,
          afterS: answer === 'acknowledged' ? row.acknowledgedAfterS : row.arrivedAfterS,
        },
      });
      return row;
    });
    if (!moved) throw new ConflictError(`leg ${legId} is ${leg.state}: it cannot become ${answer}`);
    const incident = await this.mustGet(incidentId);
    await this.publish(incident, 'leg');
    return this.view(incident);
  }

  /** Closes (resolved) or cancels an open incident: its units are free again. */
  async close(id: string, status: 'closed' | 'cancelled', note: string, by: Principal): Promise<IncidentView> {
    await this.get(id, by);
    const done = await this.db.tx(async (t) => {
      const repo = this.d.incidents.on(t);
      const closed = await repo.close(id, status, by.name, note);
      if (!closed) return null;
      for (const l of closed.legs.filter(
        (x) => x.state === 'offered' || x.state === 'acknowledged' || x.state === 'arrived',
      )) {
        await repo.transitionLeg(l.id, 'released');
        await repo.setUnitStatus(l.unitId, 'available');
      }
      await this.d.audit
        .on(t)
        .append({ actor: by.name, role: by.role, action: `incident.${status}`, target: id, details: { note } });
      return closed;
    });
    if (!done) {
      await this.mustGet(id);
      throw new ConflictError(`incident ${id} is no longer open`);
    }
    const incident = await this.mustGet(id);
    await this.publish(incident, 'closed');
    return this.view(incident);
  }

  /** The acknowledgement check of a round: unanswered legs time out, their units free, the next nearest offered. */
  async checkLegs(p: LegCheck): Promise<void> {
    const incident = await this.d.incidents.get(p.incidentId);
    if (!incident || incident.status !== 'open') return;
    const late = await this.d.incidents.unansweredSince(incident.id, this.ackTimeoutS() - 1);
    if (!late.length) return;
    const plan = responseFor(this.d.config.incidents, incident.dutyLevel as never, incident.severity);
    const made = await this.db.tx(async (t) => {
      const repo = this.d.incidents.on(t);
      const timedOut: IncidentLeg[] = [];
      for (const l of late) {
        if (!(await repo.transitionLeg(l.id, 'timed_out'))) continue;
        await repo.setUnitStatus(l.unitId, 'available');
        timedOut.push(l);
      }
      const cap = (plan.units + plan.posts) * (1 + this.d.config.incidents.maxReplacements);
      const room = Math.max(0, cap - incident.legs.length);
      const want = {
        units: Math.min(room, timedOut.filter((l) => l.kind === 'unit').length),
        posts: Math.min(room, timedOut.filter((l) => l.kind === 'post').length),
      };
      const fresh = await this.offerLegs(
        t,
        incident,
        { ...plan, units: want.units, posts: want.posts },
        p.round + 1,
        timedOut.map((l) => l.unitId),
      );
      await this.d.audit.on(t).append({
        actor: 'system',
        role: 'system',
        action: 'incident.legs_replaced',
        target: incident.id,
        details: { round: p.round, timedOut: timedOut.map((l) => l.unitId), offered: fresh.map((l) => l.unitId) },
      });
      return fresh;
    });
    const now = (await this.d.incidents.get(incident.id)) as Incident;
    await this.announce(now, made, 'leg');
    if (made.length)
      await this.d.queue.checkLater({ incidentId: incident.id, round: p.round + 1 }, this.ackTimeoutS() * 1000);
  }

  /** The incident offers a unit has not finished (offered, acknowledged, arrived): replayed when its stream (re)connects. */
  async openOffers(unitId: string): Promise<LiveEvent[]> {
    const out: LiveEvent[] = [];
    for (const leg of await this.d.incidents.openLegsForUnit(unitId)) {
      const incident = await this.d.incidents.get(leg.incidentId);
      if (!incident || incident.status !== 'open') continue;
      const camera = incident.cameraId ? await this.d.cameras.get(incident.cameraId) : null;
      out.push(
        offerEvent(
          incident,
          leg,
          offerMessage(incident, leg, await this.view(incident), camera, this.ackTimeoutS()),
          true,
        ),
      );
    }
    return out;
  }

  /** Open incidents of the given districts (null: all), oldest first: what a shift hands over. */
  async open(by: Principal): Promise<IncidentView[]> {
    return Promise.all(
      (await this.d.incidents.open()).filter((i) => mayAct(by, i.district, i.cameraId)).map((i) => this.view(i)),
    );
  }

  private ackTimeoutS(): number {
    return this.d.config.incidents.ackTimeoutSeconds ?? this.d.duty.policy().ackTimeoutSeconds;
  }

  /** Plans and takes the legs inside the transaction; a unit taken meanwhile by another offer is skipped for the next. */
  private async offerLegs(
    t: Db,
    incident: Incident,
    plan: ResponsePlan,
    round: number,
    alsoTried: string[] = [],
  ): Promise<IncidentLeg[]> {
    if (plan.units + plan.posts === 0) return [];
    const repo = this.d.incidents.on(t);
    const current = (await repo.get(incident.id)) as Incident;
    const tried = new Set([...current.legs.map((l) => l.unitId), ...alsoTried]);
    const live = current.legs.filter(
      (l) => l.kind === 'unit' && (l.state === 'offered' || l.state === 'acknowledged' || l.state === 'arrived'),
    );
    const candidates = (await repo.candidates()) as Candidate[];
    const planned = planResponse(incident, candidates, plan, {
      now: Date.now(),
      staleAfterMs: this.d.config.dispatch.staleAfterSeconds * 1000,
      postTargetS: this.d.config.incidents.postTargetS,
      exclude: tried,
      gridsTaken: plan.distinctGrids ? new Set(live.map((l) => l.grid)) : new Set(),
      ...(this.d.travel ? { travel: this.d.travel } : {}),
    });
    let lane = current.legs.reduce((m, l) => Math.max(m, l.lane), 0);
    const legs: IncidentLeg[] = [];
    for (const p of planned) {
      const leg = await repo.addLeg({
        incidentId: incident.id,
        unitId: p.unitId,
        kind: p.kind,
        unitType: p.unitType,
        grid: p.grid,
        lane: lane + 1,
        distanceM: p.distanceM,
        etaS: p.etaS,
        targetS: p.targetS,
      });
      if (!leg) continue;
      lane++;
      legs.push(leg);
      await this.d.audit.on(t).append({
        actor: 'system',
        role: 'system',
        action: 'incident.leg_offered',
        target: incident.id,
        details: legDetails(p, round),
      });
    }
    return legs;
  }

  /** Interception orders to the checkpoints around (interception.radiusM, maxCheckpoints); the alert's open order if it has one. */
  private async intercept(
    t: Db,
    incident: Incident,
    checkpoints: readonly CameraRow[],
    by: Principal,
  ): Promise<string[]> {
    const repo = this.d.incidents.on(t);
    const orders = this.d.orders.on(t);
    if (incident.alertId) {
      const existing = await orders.openForAlert(incident.alertId);
      if (existing) {
        await repo.linkInterception(incident.id, existing.id);
        return [existing.id];
      }
    }
    const hit = {
      lat: incident.lat,
      lon: incident.lon,
      cameraId: incident.cameraId,
      headingDeg: null,
      at: incident.createdAt.getTime(),
    };
    const { mode, targets } = chooseInterceptionTargets(hit, checkpoints, {
      ...this.d.config.interception,
      includeHitCamera: true,
    });
    if (!targets.length) return [];
    const reason =
      `incident ${incident.type} (severity ${incident.severity})${incident.description ? `: ${incident.description}` : ''}`.slice(
        0,
        500,
      );
    const order = await orders.create({
      alertId: null,
      plate: incident.plate ?? '',
      reason,
      photoReadId: null,
      orderedBy: by.name,
      role: by.role,
      originCamera: incident.cameraId,
      heading: null,
      hitAt: hit.at,
      mode,
      closeUntil: Date.now() + this.d.config.interception.closeWindowHours * 3600_000,
      targets: targets.map((x) => ({
        cameraId: x.cameraId,
        distanceM: x.distanceM,
        bearingDeg: x.bearingDeg,
        expectedAt: x.expectedAt,
      })),
    });
    if (!order) return [];
    await repo.linkInterception(incident.id, order.id);
    await this.d.audit.on(t).append({
      actor: by.name,
      role: by.role,
      action: 'interception.ordered',
      target: order.id,
      details: { incidentId: incident.id, plate: order.plate, reason, mode, targets: targets.map((x) => x.cameraId) },
    });
    return [order.id];
  }

  private async locate(input: RaiseInput): Promise<{ place: Place; alertId: string | null; plate: string | null }> {
    if (input.source === 'call') {
      const nearest = await this.nearestCamera(input);
      const district = input.district ?? nearest?.district;
      if (!district)
        throw BadInputError.field('district', 'no camera places the call in a district: give the district');
      return {
        place: { lat: input.lat, lon: input.lon, camera: nearest, district, grid: nearest?.grid ?? null },
        alertId: null,
        plate: input.plate ?? null,
      };
    }
    if (input.source === 'mark') {
      const camera = await this.d.cameras.get(input.cameraId);
      if (!camera) throw BadInputError.field('cameraId', `camera ${input.cameraId} not found`);
      return { place: placeOf(camera), alertId: null, plate: input.plate ?? null };
    }
    const alert = await this.d.incidents.alertRef(input.alertId);
    if (!alert) throw new NotFoundError(`alert ${input.alertId} not found`);
    if (alert.status !== 'confirmed')
      throw new ConflictError(`alert ${input.alertId} is ${alert.status}: only a confirmed hit raises an incident`);
    const camera = await this.d.cameras.get(alert.cameraId);
    if (!camera) throw new NotFoundError(`camera ${alert.cameraId} of alert ${input.alertId} not found`);
    return { place: placeOf(camera), alertId: alert.id, plate: input.plate ?? (alert.plate || null) };
  }

  private async nearestCamera(p: LatLon): Promise<CameraRow | null> {
    let best: { c: CameraRow; d: number } | null = null;
    for (const c of await this.d.cameras.list()) {
      const d = haversineMetres(p, c);
      if (!best || d < best.d) best = { c, d };
    }
    return best?.c ?? null;
  }

  private async mustGet(id: string): Promise<Incident> {
    const incident = await this.d.incidents.get(id);
    if (!incident) throw new NotFoundError(`incident ${id} not found`);
    return incident;
  }

  private async view(i: Incident): Promise<IncidentView> {
    const units = await this.d.incidents.candidates();
    const camera = i.cameraId ? await this.d.cameras.get(i.cameraId) : null;
    return incidentView(i, { camera: camera?.name ?? null, callsigns: new Map(units.map((u) => [u.id, u.callsign])) });
  }

  private async publish(incident: Incident, change: 'raised' | 'leg' | 'closed'): Promise<void> {
    await this.d.bus.publish({
      type: 'incident',
      incidentId: incident.id,
      change,
      at: Date.now(),
      data: await this.view(incident),
    });
  }

  /** The command room's event, then each new leg's offer on the unit's stream and on every delivery channel. */
  private async announce(incident: Incident, legs: IncidentLeg[], change: 'raised' | 'leg'): Promise<void> {
    await this.publish(incident, change);
    const view = await this.view(incident);
    const camera = incident.cameraId ? await this.d.cameras.get(incident.cameraId) : null;
    for (const leg of legs) {
      const message = offerMessage(incident, leg, view, camera, this.ackTimeoutS());
      await this.d.bus.publish(offerEvent(incident, leg, message, false));
      // At least once: a channel that fails is audited and the leg's timeout passes the lane on.
      for (const channel of this.d.channels) {
        await channel.send(message).catch((err: Error) =>
          this.d.audit.append({
            actor: 'system',
            role: 'system',
            action: 'incident.delivery_failed',
            target: incident.id,
            details: { unitId: leg.unitId, channel: channel.name, error: err.message },
          }),
        );
      }
    }
  }
}

/** Inside the principal's scope: its district, or a camera granted by name. */
function mayAct(by: Principal, district: string, cameraId: string | null): boolean {
  return districtInScope(by.scope, district) || (!!cameraId && !!by.scope?.cameras.includes(cameraId));
}

function placeOf(c: CameraRow): Place {
  return { lat: c.lat, lon: c.lon, camera: c, district: c.district, grid: c.grid };
}

function legDetails(p: PlannedLeg, round: number) {
  return {
    unitId: p.unitId,
    kind: p.kind,
    grid: p.grid,
    round,
    distanceM: Math.round(p.distanceM),
    etaS: Math.round(p.etaS),
    targetS: p.targetS,
    via: p.via,
  };
}

/** The unit's stream event of an incident offer: an `offer` whose data says kind 'incident', with the leg to answer. */
function offerEvent(incident: Incident, leg: IncidentLeg, message: OfferMessage, replayed: boolean): LiveEvent {
  return {
    type: 'offer',
    alertId: incident.id,
    unitId: leg.unitId,
    assignmentId: leg.id,
    attempt: leg.lane,
    at: Date.now(),
    capturedAt: incident.createdAt.getTime(),
    data: {
      ...message,
      kind: 'incident',
      incidentId: incident.id,
      legId: leg.id,
      state: leg.state,
      ...(replayed ? { replayed: true } : {}),
    },
  };
}

/** The offer as the alert offers travel (OfferMessage), its `alert` the incident's view, kind 'incident'. */
function offerMessage(
  incident: Incident,
  leg: IncidentLeg,
  view: IncidentView,
  camera: CameraRow | null,
  ackWithinS: number,
): OfferMessage {
  return {
    alertId: incident.id,
    deliveryId: `incident.${incident.id}.${leg.unitId}.${leg.lane}`,
    assignmentId: leg.id,
    unitId: leg.unitId,
    attempt: leg.lane,
    target: {
      lat: incident.lat,
      lon: incident.lon,
      cameraId: camera?.id ?? '',
      name: camera?.name ?? `${incident.type} @ ${incident.lat.toFixed(5)},${incident.lon.toFixed(5)}`,
    },
    distanceM: Math.round(leg.distanceM),
    etaS: Math.round(leg.etaS),
    ackWithinS,
    alert: { kind: 'incident', ...view },
  };
}
