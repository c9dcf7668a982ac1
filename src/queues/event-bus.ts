// The one pub/sub owner: live events (alerts, offers, camera status, ...) for the API's SSE streams, and
// change notices between the processes of one deployment (hotlist, face watchlist, duty level), all on
// Redis channels under the deployment's queue prefix, so two deployments on one Redis never hear each other.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { dutyChangeSchema } from '../domain/duty.js';

export type LiveEvent =
  /** A new or updated alert: operators see all; a checkpoint sees its own camera's. */
  | {
      type: 'alert';
      alertId: string;
      cameraId: string;
      status: string;
      at: number;
      capturedAt: number;
      data: Record<string, unknown>;
    }
  /** An alert offered to one unit (a dispatch); the unit's stream carries it. */
  | {
      type: 'offer';
      alertId: string;
      unitId: string;
      assignmentId: string;
      attempt: number;
      at: number;
      capturedAt: number;
      data: Record<string, unknown>;
    }
  /** A change in an assignment (acknowledged, arrived, timed out), for the command room. */
  | { type: 'assignment'; alertId: string; unitId: string; state: string; at: number }
  | { type: 'camera-status'; cameraId: string; at: number; data: Record<string, unknown> }
  /** A camera's image fault was raised or cleared (src/health); data: the fault and the camera's faults now. */
  | {
      type: 'camera-health';
      cameraId: string;
      change: 'raised' | 'cleared' | 'relearn-reference';
      at: number;
      data: Record<string, unknown>;
    }
  /** A maintenance work order was opened, acknowledged, noted or closed (src/services/work-order-service.ts). */
  | {
      type: 'work-order';
      orderId: string;
      cameraId: string;
      state: 'opened' | 'acknowledged' | 'noted' | 'closed';
      at: number;
      data: Record<string, unknown>;
    }
  /** An interception order and its later states; targets are checkpoint camera ids (each sees the orders sent to it). */
  | {
      type: 'interception';
      orderId: string;
      state: 'ordered' | 'acknowledged' | 'closed' | 'cancelled';
      targets: string[];
      at: number;
      data: Record<string, unknown>;
    }
  /** The command room's duty level was switched (data: the new level's status and policy). */
  | { type: 'duty'; level: string; previous: string; at: number; data: Record<string, unknown> }
  /** A camera of the inventory was added, changed or removed: every node re-reads it (src/cluster/inventory.ts). */
  | { type: 'camera-changed'; cameraId: string; change: 'added' | 'changed' | 'removed'; version: number; at: number }
  /** An incident was raised, a leg answered or timed out, or the incident closed (src/incidents); data: the incident's view. */
  | {
      type: 'incident';
      incidentId: string;
      change: 'raised' | 'leg' | 'closed';
      at: number;
      data: Record<string, unknown>;
    }
  /** A district's patrol plan was replaced or removed, or a shift nears its end with points not reached (src/plans). */
  | {
      type: 'patrol-plan';
      district: string;
      change: 'updated' | 'removed' | 'warning';
      at: number;
      data: Record<string, unknown>;
    }
  /** A situation report was made (src/situation); data.recipients names the subscribers it is for. */
  | {
      type: 'situation-report';
      reportId: string;
      district: string;
      period: 'day' | 'week';
      at: number;
      data: Record<string, unknown>;
    };

const eventSchema = z
  .object({
    type: z.enum([
      'alert',
      'offer',
      'assignment',
      'camera-status',
      'camera-health',
      'work-order',
      'interception',
      'duty',
      'camera-changed',
      'incident',
      'patrol-plan',
      'situation-report',
    ]),
  })
  .loose();

/**
 * Change notices: a process changed a record others keep in memory; each re-reads it. One schema per
 * topic, checked on arrival (a malformed message is dropped, never thrown into a listener).
 */
export const noticeSchemas = {
  /** Hotlist entries created, changed or withdrawn (services/hotlist-service.ts). */
  'hotlist-changed': z.strictObject({ ids: z.array(z.string()).min(1) }),
  /** A watchlist subject or its photos changed (services/face-watchlist-service.ts). */
  'face-watchlist-changed': z.strictObject({ subjectId: z.string() }),
  /** The duty level was switched (duty/duty-state.ts). */
  'duty-changed': dutyChangeSchema,
} as const;
export type NoticeTopic = keyof typeof noticeSchemas;
export type Notice<T extends NoticeTopic> = z.infer<(typeof noticeSchemas)[T]>;

/** The topic of the live events, beside the notice topics. */
const EVENTS = 'events';
type Topic = typeof EVENTS | NoticeTopic;

/** After a reconnect, time for the automatic re-SUBSCRIBE to reach Redis before gap listeners re-read. */
const GAP_SETTLE_MS = 250;

/** How long a caller waits for one PUBLISH before it goes on without it (the main connection never gives up). */
const SEND_WAIT_MS = 1000;

/** Notices kept while Redis cannot be reached; past this the oldest go (every listener re-reads on its gap anyway). */
const MAX_UNSENT = 10_000;

export class EventBus {
  private subscriber: Redis | null = null;
  private subscribing: Promise<Redis> | null = null;
  private readonly listeners = new Map<Topic, Set<(message: unknown) => void>>();
  private readonly subscribed = new Set<Topic>();
  private readonly gapListeners = new Set<() => void>();
  /** channel + NUL + message of notices a publish could not send, in order, sent again when Redis answers. */
  private readonly unsent = new Set<string>();

  constructor(
    private readonly redis: Redis,
    /** The deployment's queue prefix: every channel is `<prefix>:<topic>`. */
    readonly prefix = 'vigil',
  ) {
    redis.on('ready', () => void this.sendUnsent());
  }

  /** The Redis channel of a topic (tests and tools that listen from outside). */
  channel(topic: Topic): string {
    return `${this.prefix}:${topic}`;
  }

  /**
   * A live event for those listening now. Its change is committed when this is called, so an unreachable
   * Redis does not fail it: the event is dropped (false) after at most SEND_WAIT_MS, and streams that were
   * cut off re-read what is open when they reconnect.
   */
  async publish(event: LiveEvent): Promise<boolean> {
    return (await this.send(this.channel(EVENTS), JSON.stringify(event))) === 'sent';
  }

  /** Live events, on the bus's dedicated subscriber connection (a subscribed Redis connection can do nothing else). */
  async subscribe(listener: (e: LiveEvent) => void): Promise<() => void> {
    return this.listen(EVENTS, (m) => {
      const parsed = eventSchema.safeParse(m);
      if (parsed.success) listener(parsed.data as unknown as LiveEvent);
    });
  }

  /**
   * Tells the deployment's other processes (and this one's listeners) that a record changed. The change is
   * committed when this is called, so an unreachable Redis does not fail it: the notice is kept and sent
   * when Redis answers again ('kept'); listeners that were cut off re-read on their gap meanwhile.
   */
  async notify<T extends NoticeTopic>(topic: T, notice: Notice<T>): Promise<'sent' | 'kept'> {
    const item = `${this.channel(topic)}\0${JSON.stringify(noticeSchemas[topic].parse(notice))}`;
    this.keep(item);
    const sent = await this.send(item.slice(0, item.indexOf('\0')), item.slice(item.indexOf('\0') + 1), () =>
      this.unsent.delete(item),
    );
    return sent === 'sent' ? 'sent' : 'kept';
  }

  /**
   * One PUBLISH, waited for at most SEND_WAIT_MS: the main connection queues commands while Redis is down
   * and would hold the caller (an HTTP answer) until it returns. `delivered` runs whenever it does arrive.
   */
  private send(channel: string, message: string, delivered = () => {}): Promise<'sent' | 'late' | 'failed'> {
    if (this.redis.status !== 'ready') return Promise.resolve('failed');
    const sent = this.redis.publish(channel, message).then(
      () => {
        delivered();
        return 'sent' as const;
      },
      // Whatever Redis answered, the change stands: kept notices go again at the next 'ready'.
      () => 'failed' as const,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SEND_WAIT_MS).unref()));
    return Promise.race([sent, late]).finally(() => clearTimeout(timer));
  }

  /** How many notices wait for Redis (health and tests). */
  get unsentCount(): number {
    return this.unsent.size;
  }

  private keep(item: string): void {
    this.unsent.delete(item);
    this.unsent.add(item);
    if (this.unsent.size > MAX_UNSENT) this.unsent.delete(this.unsent.values().next().value as string);
  }

  private async sendUnsent(): Promise<void> {
    for (const item of [...this.unsent]) {
      const cut = item.indexOf('\0');
      const sent = await this.send(item.slice(0, cut), item.slice(cut + 1), () => this.unsent.delete(item));
      if (sent === 'failed') return; // gone again: the next 'ready' sends the rest
    }
  }

  /** Follows one notice topic; a message that does not fit the topic's schema is dropped. */
  async onNotice<T extends NoticeTopic>(topic: T, listener: (notice: Notice<T>) => void): Promise<() => void> {
    return this.listen(topic, (m) => {
      const parsed = noticeSchemas[topic].safeParse(m);
      if (parsed.success) listener(parsed.data as Notice<T>);
    });
  }

  /** Called after the subscriber reconnected: messages published while it was away are lost, so re-read. */
  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscribed.clear();
    this.gapListeners.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    this.subscribing = null;
    await sub?.quit().catch(() => {});
  }

  private async listen(topic: Topic, listener: (message: unknown) => void): Promise<() => void> {
    const sub = await this.connection();
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    if (!this.subscribed.has(topic)) {
      this.subscribed.add(topic);
      await sub.subscribe(this.channel(topic));
    }
    return () => void set.delete(listener);
  }

  private connection(): Promise<Redis> {
    this.subscribing ??= this.open();
    return this.subscribing;
  }

  private async open(): Promise<Redis> {
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    // Pub/sub keeps nothing for a subscriber that was away: after a reconnect (Redis restart, failover),
    // tell those who can re-read what they may have missed once resubscribed.
    let connects = 0;
    sub.on('ready', () => {
      if (connects++ > 0) setTimeout(() => this.gapListeners.forEach((g) => g()), GAP_SETTLE_MS).unref();
    });
    const topics = new Map<string, Topic>();
    sub.on('message', (channel: string, message: string) => {
      const topic = topics.get(channel) ?? this.topicOf(channel, topics);
      const set = topic && this.listeners.get(topic);
      if (!set) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        return; // not ours, or malformed: never let one bad message stop a listener
      }
      for (const l of set) l(parsed);
    });
    return sub;
  }

  private topicOf(channel: string, cache: Map<string, Topic>): Topic | undefined {
    const topic = ([EVENTS, ...Object.keys(noticeSchemas)] as Topic[]).find((t) => this.channel(t) === channel);
    if (topic) cache.set(channel, topic);
    return topic;
  }
}
