// Unit positions over MQTT: subscribes to <prefix>/units/+/position, checks each message and stores
// it as a position report; malformed messages and unknown units are dropped and counted.
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import type { PositionExtras } from '../store/unit-repo.js';

/** One position message: ISO time with offset or epoch milliseconds; the receipt time when absent. */
export const positionMessageSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  at: z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]).optional(),
  heading: z.number().min(0).lt(360).optional(),
  speedKmh: z.number().min(0).max(400).optional(),
});

export interface PositionSink {
  reportPosition(id: string, lat: number, lon: number, at: Date, extras: PositionExtras): Promise<boolean>;
}

export interface PositionCounts {
  received: number;
  stored: number;
  malformed: number;
  unknownUnit: number;
  failed: number;
}

/** A warning per kind of drop at most this often, with the running count: a chatty broken device cannot flood the log. */
const WARN_EVERY_MS = 10_000;

export class UnitPositionsMqtt {
  readonly counts: PositionCounts = { received: 0, stored: 0, malformed: 0, unknownUnit: 0, failed: 0 };
  private client: MqttClient | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly lastWarn = new Map<string, number>();

  constructor(
    private readonly url: string,
    private readonly topicPrefix: string,
    private readonly units: PositionSink,
    private readonly log: Logger,
  ) {}

  get topic(): string {
    return `${this.topicPrefix}/units/+/position`;
  }

  /**
   * Subscribes; resolves once subscribed, or after connectWaitMs with a warning while the client keeps
   * trying in the background (a broker that is down must not stop the node; positions resume with it).
   */
  async start(connectWaitMs = 5000): Promise<void> {
    const client = mqtt.connect(this.url, { connectTimeout: 5000, reconnectPeriod: 2000 });
    this.client = client;
    // Messages are stored one after another, in arrival order, so stop() can wait for the last one.
    client.on('message', (topic, payload) => {
      this.chain = this.chain.then(() => this.handle(topic, payload));
    });
    client.on('error', (err) => this.warn('error', `mqtt ${this.url}: ${err.message}`));
    // Later reconnections resubscribe by themselves (mqtt.js `resubscribe`).
    const subscribed = new Promise<boolean>((resolve) => {
      client.once(
        'connect',
        () =>
          void client.subscribeAsync(this.topic, { qos: 1 }).then(
            () => resolve(true),
            (err: Error) => (this.warn('error', `subscribe ${this.topic}: ${err.message}`), resolve(false)),
          ),
      );
    });
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      subscribed,
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), connectWaitMs))),
    ]);
    clearTimeout(timer);
    if (ok) this.log.info(`unit positions: subscribed to ${this.topic} on ${this.url}`);
    else
      this.log.warn(`unit positions: not subscribed to ${this.topic} on ${this.url} yet; retrying in the background`);
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    this.counts.received++;
    const unitId = topic.slice(this.topicPrefix.length + '/units/'.length, -'/position'.length);
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch {
      raw = undefined;
    }
    const msg = positionMessageSchema.safeParse(raw);
    if (!msg.success) {
      this.counts.malformed++;
      const why =
        raw === undefined
          ? 'not JSON'
          : msg.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
      return this.warn('malformed', `dropped malformed position on ${topic} (${why}); ${this.counts.malformed} so far`);
    }
    const { lat, lon, at, heading, speedKmh } = msg.data;
    try {
      const known = await this.units.reportPosition(unitId, lat, lon, at === undefined ? new Date() : new Date(at), {
        heading,
        speedKmh,
      });
      if (known) this.counts.stored++;
      else {
        this.counts.unknownUnit++;
        this.warn(
          'unknown',
          `dropped position for unknown unit '${unitId}' on ${topic}; ${this.counts.unknownUnit} so far`,
        );
      }
    } catch (err) {
      this.counts.failed++;
      this.warn(
        'failed',
        `could not store position of ${unitId}: ${(err as Error).message}; ${this.counts.failed} so far`,
      );
    }
  }

  private warn(kind: string, message: string): void {
    const now = Date.now();
    if (now - (this.lastWarn.get(kind) ?? -Infinity) < WARN_EVERY_MS) return;
    this.lastWarn.set(kind, now);
    this.log.warn(message);
  }

  /** Stops receiving, then waits for the messages already received to be stored. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.endAsync();
    await this.chain;
  }
}
