// Live SSE stream per principal: operators see everything, a checkpoint its own hits, a unit its offers.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { describeAlert } from '../../jobs/alert-view.js';
import type { LiveEvent } from '../../queues/event-bus.js';
import type { Principal } from '../../store/token-repo.js';
import type { ApiDeps, ApiEnv } from '../deps.js';

const HEARTBEAT_MS = 15_000;

export function visibleTo(p: Principal, e: LiveEvent): boolean {
  switch (p.role) {
    case 'admin':
    case 'operator':
      return true;
    case 'investigator':
      return e.type === 'alert';
    case 'checkpoint':
      // Plate hits of its own checkpoint only: face candidates stay with the command room.
      if (e.type === 'interception') return e.targets.includes(p.subject ?? '');
      return e.type === 'alert' && e.cameraId === p.subject && e.data.kind === 'plate';
    case 'unit':
      return e.type === 'offer' && e.unitId === p.subject;
  }
}

export function streamRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>().get('/', (c) => {
    const p = c.get('principal');
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = await deps.bus.subscribe((e) => {
        if (!visibleTo(p, e)) return;
        queue.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ role: p.role, subject: p.subject, at: Date.now() }) });
      if (p.role === 'unit' && p.subject) await replayOpenOffers(deps, p.subject, (e) => queue.push(e));
      while (!stream.aborted) {
        while (queue.length) {
          const e = queue.shift() as LiveEvent;
          await stream.writeSSE({ event: e.type, id: `${e.type}-${'alertId' in e ? e.alertId : 'orderId' in e ? e.orderId : e.cameraId}-${e.at}`, data: JSON.stringify(e) });
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

/** A unit that connects late still gets the offers waiting for its answer. */
async function replayOpenOffers(deps: ApiDeps, unitId: string, push: (e: LiveEvent) => void): Promise<void> {
  for (const a of await deps.assignments.openForUnit(unitId)) {
    const alert = await deps.alerts.get(a.alert_id);
    if (!alert || alert.status === 'dismissed') continue;
    const camera = await deps.cameras.get(alert.camera_id);
    push({
      type: 'offer',
      alertId: alert.id,
      unitId,
      assignmentId: a.id,
      attempt: a.attempt,
      at: Date.now(),
      capturedAt: new Date(alert.captured_at).getTime(),
      data: {
        replayed: true,
        state: a.state,
        target: camera && { lat: camera.lat, lon: camera.lon, cameraId: camera.id, name: camera.name },
        distanceM: Math.round(a.distance_m),
        etaS: Math.round(a.eta_s),
        alert: await describeAlert(alert, deps),
      },
    });
  }
}
