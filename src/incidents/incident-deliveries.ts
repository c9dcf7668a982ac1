// Incident offers over webhook and MQTT, one queued job per leg: each channel is claimed before sending and
// noted after, so a job stopped in between sends again on retry (at least once) and a sent one never twice; a
// failing channel gives its claim back and fails the job, which BullMQ retries with backoff.
import type { OfferChannel } from '../dispatch/offer-channel.js';
import type { Db } from '../store/db.js';
import { ackTimeoutS, type IncidentDeps } from './incident-deps.js';
import { offerMessage } from './incident-offers.js';
import { namedView } from './incident-view.js';

export class IncidentDeliveries {
  constructor(readonly db: Db) {}

  /** True when this call may send: no claim yet, or a claim a stopped job left pending. */
  async claim(legId: string, channel: OfferChannel['name']): Promise<boolean> {
    const rows = await this.db.query(
      `insert into incident_deliveries (leg_id, channel) values ($1, $2)
       on conflict (leg_id, channel) do update set pending = true, claimed_at = now() where incident_deliveries.pending
       returning leg_id`,
      [legId, channel],
    );
    return rows.length > 0;
  }

  async sent(legId: string, channel: OfferChannel['name'], detail: string | null): Promise<void> {
    await this.db.query(
      'update incident_deliveries set pending = false, delivered_at = now(), detail = $3 where leg_id = $1 and channel = $2',
      [legId, channel, detail],
    );
  }

  async release(legId: string, channel: OfferChannel['name']): Promise<void> {
    await this.db.query('delete from incident_deliveries where leg_id = $1 and channel = $2 and pending', [
      legId,
      channel,
    ]);
  }

  async forLeg(legId: string): Promise<{ channel: string; pending: boolean; detail: string | null }[]> {
    return this.db.query(
      'select channel, pending, detail from incident_deliveries where leg_id = $1 order by channel',
      [legId],
    );
  }
}

/** The delivery job: the leg's offer to every channel not yet sent; a leg no longer only offered is not sent. */
export async function deliverLeg(d: IncidentDeps, p: { incidentId: string; legId: string }): Promise<void> {
  const deliveries = new IncidentDeliveries(d.incidents.db);
  const incident = await d.incidents.get(p.incidentId);
  const leg = incident?.legs.find((l) => l.id === p.legId);
  if (!incident || !leg || incident.status !== 'open' || leg.state !== 'offered') return;
  const camera = incident.cameraId ? await d.cameras.get(incident.cameraId) : null;
  const message = offerMessage(incident, leg, await namedView(d, incident), camera, ackTimeoutS(d));
  for (const channel of d.channels) {
    if (!(await deliveries.claim(leg.id, channel.name))) continue;
    try {
      const detail = await channel.send(message);
      await deliveries.sent(leg.id, channel.name, detail);
    } catch (err) {
      await deliveries.release(leg.id, channel.name);
      await d.audit.append({
        actor: 'system',
        role: 'system',
        action: 'incident.delivery_failed',
        target: incident.id,
        details: { unitId: leg.unitId, channel: channel.name, error: (err as Error).message },
      });
      throw err;
    }
  }
}
