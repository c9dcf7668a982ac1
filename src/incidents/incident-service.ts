// Incidents after they are raised: read within the reader's scope, legs answered by units (or on their behalf),
// unanswered legs timed out and replaced, open offers replayed, closed or cancelled; each change announced live.
// Raising is incident-raise.ts, the legs' choice response-legs.ts.
import { responseFor, type IncidentType } from '../config/incidents.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { LiveEvent } from '../queues/event-bus.js';
import type { Principal } from '../store/token-repo.js';
import type { Db } from '../store/db.js';
import { ackTimeoutS, mayAct, type IncidentDeps } from './incident-deps.js';
import { offerEvent, offerMessage } from './incident-offers.js';
import type { LegCheck, LegDelivery } from './incident-queue.js';
import { createIncident, type RaiseInput } from './incident-raise.js';
import type { Incident, IncidentLeg } from './incident-repo.js';
import { namedView, type IncidentView } from './incident-view.js';
import { deliverLeg } from './incident-deliveries.js';
import { offerLegs } from './response-legs.js';

export type { IncidentDeps } from './incident-deps.js';
export type { RaiseInput } from './incident-raise.js';

type Answer = 'acknowledged' | 'arrived';

/** A leg this long past its timeout with no check having run is the sweep's: the queued check comes first. */
export const SWEEP_GRACE_S = 30;

export class IncidentService {
  constructor(private readonly d: IncidentDeps) {}

  private get db(): Db {
    return this.d.incidents.db;
  }

  /** The types the command room picks from (incidents.types), in the configured order. */
  types(): IncidentType[] {
    return this.d.config.incidents.types;
  }

  /** Raises it (incident-raise.ts), then tells the command room and the units and schedules the acknowledgement check. */
  async raise(input: RaiseInput, by: Principal): Promise<IncidentView> {
    const incident = await createIncident(this.d, input, by);
    await this.announce(incident, incident.legs, 'raised');
    await this.d.queue.checkLater({ incidentId: incident.id, round: 1 }, ackTimeoutS(this.d) * 1000);
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
    const late = await this.d.incidents.unansweredSince(incident.id, ackTimeoutS(this.d) - 1);
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
      // Another check (the sweep, or a retried job) timed these out first: its replacements stand.
      if (!timedOut.length) return null;
      const cap = (plan.units + plan.posts) * (1 + this.d.config.incidents.maxReplacements);
      const room = Math.max(0, cap - incident.legs.length);
      const want = {
        units: Math.min(room, timedOut.filter((l) => l.kind === 'unit').length),
        posts: Math.min(room, timedOut.filter((l) => l.kind === 'post').length),
      };
      const fresh = await offerLegs(
        this.d,
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
    if (!made) return;
    const now = (await this.d.incidents.get(incident.id)) as Incident;
    await this.announce(now, made, 'leg');
    if (made.length)
      await this.d.queue.checkLater({ incidentId: incident.id, round: p.round + 1 }, ackTimeoutS(this.d) * 1000);
  }

  /** A leg's offer to the webhook and MQTT channels (the queued delivery job). */
  deliver(p: LegDelivery): Promise<void> {
    return deliverLeg(this.d, p);
  }

  /**
   * The backstop for a process stopped between an incident's commit and its jobs: legs still only offered
   * SWEEP_GRACE_S after their timeout are checked here, and the offers of the last timeout queued again (a
   * no-op for a delivery queued before).
   */
  async sweep(graceS = SWEEP_GRACE_S): Promise<void> {
    const ack = ackTimeoutS(this.d);
    for (const { incidentId, maxLane } of await this.d.incidents.withLateLegs(ack + graceS))
      await this.checkLegs({ incidentId, round: maxLane });
    if (this.d.channels.length)
      for (const p of await this.d.incidents.offeredWithin(ack)) await this.d.queue.deliver(p);
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
          offerMessage(incident, leg, await this.view(incident), camera, ackTimeoutS(this.d)),
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

  private async mustGet(id: string): Promise<Incident> {
    const incident = await this.d.incidents.get(id);
    if (!incident) throw new NotFoundError(`incident ${id} not found`);
    return incident;
  }

  private view(i: Incident): Promise<IncidentView> {
    return namedView(this.d, i);
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
      const message = offerMessage(incident, leg, view, camera, ackTimeoutS(this.d));
      await this.d.bus.publish(offerEvent(incident, leg, message, false));
      // Webhook and MQTT through a queued job, retried and claimed per channel (incident-deliveries.ts).
      if (this.d.channels.length) await this.d.queue.deliver({ incidentId: incident.id, legId: leg.id });
    }
  }
}
