// Live SSE stream per principal: operators see everything, a checkpoint the plate hits the duty level shows it, a unit its offers.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { checkpointSees } from '../../duty/audience.js';
import { sseClients } from '../../lib/metrics.js';
import type { LiveEvent } from '../../queues/event-bus.js';
import type { Principal } from '../../store/token-repo.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { describeAlert } from '../../views/alert.js';
import { offerEvent, offerView } from '../../views/offer.js';
import { scopeOf } from '../../services/scope-filter.js';

const HEARTBEAT_MS = 15_000;

/** What visibleTo knows of the viewer beyond its token, looked up once per connection: a checkpoint's district. */
export interface Viewer {
  district?: string | null;
}

export function visibleTo(p: Principal, e: LiveEvent, viewer: Viewer = {}): boolean {
  switch (p.role) {
    case 'admin':
    case 'operator':
      return true;
    case 'investigator':
      // A situation report goes to the investigators who subscribed to it (src/situation).
      return (
        e.type === 'alert' ||
        (e.type === 'situation-report' && Array.isArray(e.data.recipients) && e.data.recipients.includes(p.name))
      );
    case 'checkpoint':
      if (e.type === 'duty') return true;
      if (e.type === 'interception') return e.targets.includes(p.subject ?? '');
      // Plate hits only (face candidates stay with the command room): its own, and at a raised duty level
      // its district's or all (the alert says which, so no lookup per event).
      return (
        e.type === 'alert' &&
        e.data.kind === 'plate' &&
        checkpointSees(e, { id: p.subject, district: viewer.district ?? null })
      );
    case 'unit':
      return e.type === 'offer' && e.unitId === p.subject;
    case 'maintenance':
      return e.type === 'camera-health' || e.type === 'work-order' || e.type === 'camera-status';
  }
}

/** The SSE id of an event: its type, what it is about, and when. */
function eventId(e: LiveEvent): string {
  const about =
    'alertId' in e
      ? e.alertId
      : 'orderId' in e
        ? e.orderId
        : 'cameraId' in e
          ? e.cameraId
          : 'incidentId' in e
            ? e.incidentId
            : 'district' in e
              ? e.district
              : 'level' in e
                ? e.level
                : '';
  return `${e.type}-${about}-${e.at}`;
}

export function streamRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>().get('/', (c) => {
    const p = c.get('principal');
    return streamSSE(c, async (stream) => {
      const viewer: Viewer =
        p.role === 'checkpoint' && p.subject ? { district: (await deps.cameras.get(p.subject))?.district ?? null } : {};
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      // An offer goes out once per connection, whether it came live, from the replay at connect, or from a re-read after a gap.
      const offered = new Set<string>();
      const push = (e: LiveEvent) => {
        if (e.type === 'offer') {
          if (offered.has(e.assignmentId)) return;
          offered.add(e.assignmentId);
        }
        queue.push(e);
        wake?.();
      };
      // A scoped account's events are those about its cameras (null: the role decides alone).
      // The checks run one after another, so events keep their order.
      const inScope = scopeOf(deps).streamGate(p);
      let checked = Promise.resolve();
      const unsubscribe = await deps.bus.subscribe((e) => {
        if (!visibleTo(p, e, viewer)) return;
        if (!inScope) return push(e);
        checked = checked
          .then(() => inScope(e))
          .then(
            (ok) => {
              if (ok) push(e);
            },
            () => {},
          );
      });
      const unitId = p.role === 'unit' ? p.subject : null;
      // Offers published while the event bus was reconnecting never arrive: re-read this unit's open ones.
      const unGap = unitId ? deps.bus.onGap(() => void replayOpenOffers(deps, unitId, push).catch(() => {})) : () => {};
      sseClients.inc({ role: p.role });
      stream.onAbort(() => {
        sseClients.dec({ role: p.role });
        unsubscribe();
        unGap();
        wake?.();
      });
      await stream.writeSSE({
        event: 'hello',
        data: JSON.stringify({ role: p.role, subject: p.subject, at: Date.now() }),
      });
      if (unitId) await replayOpenOffers(deps, unitId, push);
      while (!stream.aborted) {
        while (queue.length) {
          const e = queue.shift() as LiveEvent;
          await stream.writeSSE({ event: e.type, id: eventId(e), data: JSON.stringify(e) });
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, HEARTBEAT_MS);
        });
        wake = null;
        if (!queue.length && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
    });
  });
}

/**
 * A unit that connects late still gets the offers waiting for its answer: the same offer dispatch sent
 * (src/views/offer.ts), marked replayed, with the timeout of the level in force now.
 */
async function replayOpenOffers(deps: ApiDeps, unitId: string, push: (e: LiveEvent) => void): Promise<void> {
  const ackWithinS = deps.duty.policy().ackTimeoutSeconds;
  for (const a of await deps.assignments.openForUnit(unitId)) {
    const alert = await deps.alerts.get(a.alertId);
    if (!alert || alert.status === 'dismissed') continue;
    const camera = await deps.cameras.get(alert.cameraId);
    push(offerEvent(offerView(a, camera, await describeAlert(alert, deps), ackWithinS, true), alert));
  }
  // Incident offers (src/incidents) the unit has not finished.
  for (const e of (await deps.incidents?.openOffers(unitId)) ?? []) push(e);
}
