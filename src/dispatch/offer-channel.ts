// The channels an offer to a unit travels on besides its SSE stream: a signed webhook and MQTT.
import mqtt, { type MqttClient } from 'mqtt';
import { signWebhook } from './webhook-signature.js';

/** What the channels carry: an alert's offer as built once (src/views/offer.ts) or an incident's leg (incidents/). */
export interface OfferMessage {
  alertId: string;
  /** `<alert>.<unit>.<attempt>`: the same on every resend of one offer, so a receiver drops a repeat. */
  deliveryId: string;
  assignmentId: string;
  unitId: string;
  attempt: number;
  target: { lat: number; lon: number; cameraId: string; name: string } | null;
  distanceM: number;
  etaS: number;
  ackWithinS: number;
  state?: string;
  replayed?: boolean;
  alert: Record<string, unknown>;
}

export interface OfferChannel {
  readonly name: 'webhook' | 'mqtt';
  /** Sends or throws; returns a short detail for the delivery record. */
  send(message: OfferMessage): Promise<string>;
  close(): Promise<void>;
}

export function webhookChannel(url: string, secret: string, timeoutMs = 5000): OfferChannel {
  return {
    name: 'webhook',
    async send(message) {
      const body = JSON.stringify({ type: 'offer', ...message });
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-vigil-delivery': message.deliveryId,
          ...signWebhook(secret, body),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`webhook ${url} answered ${res.status}`);
      return `HTTP ${res.status}`;
    },
    async close() {},
  };
}

export function mqttChannel(url: string, topicPrefix: string): OfferChannel {
  let client: MqttClient | null = null;
  const connect = async () =>
    (client ??= await mqtt.connectAsync(url, { connectTimeout: 5000, reconnectPeriod: 2000 }));
  return {
    name: 'mqtt',
    async send(message) {
      const topic = `${topicPrefix}/units/${message.unitId}/alerts`;
      await (await connect()).publishAsync(topic, JSON.stringify({ type: 'offer', ...message }), { qos: 1 });
      return topic;
    },
    async close() {
      await client?.endAsync();
      client = null;
    },
  };
}
