// Where a work order travels besides the event stream: the dispatch webhook (signed) and MQTT, as offers do.
import mqtt, { type MqttClient } from 'mqtt';
import { signWebhook } from '../dispatch/webhook-signature.js';
import type { WorkOrder } from '../store/work-order-repo.js';

export interface WorkOrderMessage {
  type: 'work-order';
  state: 'opened' | 'acknowledged' | 'noted' | 'closed';
  /** ISO time of this step. */
  at: string;
  order: WorkOrder;
  [extra: string]: unknown;
}

export interface WorkOrderChannel {
  readonly name: 'webhook' | 'mqtt';
  /** Sends or throws. */
  send(message: WorkOrderMessage): Promise<void>;
  close(): Promise<void>;
}

/** POSTs each step as JSON with the X-Vigil-Signature headers (the receiver tells it from offers by `type`). */
export function webhookWorkOrders(url: string, secret: string, timeoutMs = 5000): WorkOrderChannel {
  return {
    name: 'webhook',
    async send(message) {
      const body = JSON.stringify(message);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(secret, body) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`webhook ${url} answered ${res.status}`);
    },
    async close() {},
  };
}

/** Publishes each step on <prefix>/maintenance/work-orders/<camera id>, QoS 1. */
export function mqttWorkOrders(url: string, topicPrefix: string): WorkOrderChannel {
  let client: MqttClient | null = null;
  const connect = async () =>
    (client ??= await mqtt.connectAsync(url, { connectTimeout: 5000, reconnectPeriod: 2000 }));
  return {
    name: 'mqtt',
    async send(message) {
      await (
        await connect()
      ).publishAsync(`${topicPrefix}/maintenance/work-orders/${message.order.cameraId}`, JSON.stringify(message), {
        qos: 1,
      });
    },
    async close() {
      await client?.endAsync();
      client = null;
    },
  };
}
