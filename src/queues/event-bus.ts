// Live events (alerts, offers to units, camera status) over Redis pub/sub, for the API's SSE streams.
import type { Redis } from 'ioredis';
import { z } from 'zod';

export type LiveEvent =
  /** A new or updated alert: operators see all; a checkpoint sees its own camera's. */
  | { type: 'alert'; alertId: string; cameraId: string; status: string; at: number; capturedAt: number; data: Record<string, unknown> }
  /** An alert offered to one unit (a dispatch); the unit's stream carries it. */
  | { type: 'offer'; alertId: string; unitId: string; assignmentId: string; attempt: number; at: number; capturedAt: number; data: Record<string, unknown> }
  /** A change in an assignment (acknowledged, arrived, timed out), for the command room. */
  | { type: 'assignment'; alertId: string; unitId: string; state: string; at: number }
  | { type: 'camera-status'; cameraId: string; at: number; data: Record<string, unknown> }
  /** A camera's image fault was raised or cleared (src/health); data: the fault and the camera's faults now. */
  | { type: 'camera-health'; cameraId: string; change: 'raised' | 'cleared' | 'relearn-reference'; at: number; data: Record<string, unknown> }
  /** A maintenance work order was opened, acknowledged, noted or closed (src/services/work-order-service.ts). */
  | { type: 'work-order'; orderId: string; cameraId: string; state: 'opened' | 'acknowledged' | 'noted' | 'closed'; at: number; data: Record<string, unknown> }
  /** An interception order and its later states; targets are checkpoint camera ids (each sees the orders sent to it). */
  | { type: 'interception'; orderId: string; state: 'ordered' | 'acknowledged' | 'closed' | 'cancelled'; targets: string[]; at: number; data: Record<string, unknown> }
  /** The command room's duty level was switched (data: the new level's status and policy). */
  | { type: 'duty'; level: string; previous: string; at: number; data: Record<string, unknown> }
  /** A camera of the inventory was added, changed or removed: every node re-reads it (src/cluster/inventory.ts). */
  | { type: 'camera-changed'; cameraId: string; change: 'added' | 'changed' | 'removed'; version: number; at: number };

const eventSchema = z.object({ type: z.enum(['alert', 'offer', 'assignment', 'camera-status', 'camera-health', 'work-order', 'interception', 'duty', 'camera-changed']) }).loose();

/** After a reconnect, time for the automatic re-SUBSCRIBE to reach Redis before gap listeners re-read. */
const GAP_SETTLE_MS = 250;

export class EventBus {
  private subscriber: Redis | null = null;
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private readonly gapListeners = new Set<() => void>();

  constructor(
    private readonly redis: Redis,
    private readonly channel = 'vigil:events',
  ) {}

  async publish(event: LiveEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }

  /** Subscribes on a dedicated connection (a subscribed Redis connection can do nothing else). */
  async subscribe(listener: (e: LiveEvent) => void): Promise<() => void> {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      // Pub/sub keeps nothing for a subscriber that was away: after a reconnect (Redis restart, failover),
      // tell those who can re-read what they may have missed (a unit's open offers) once resubscribed.
      let connects = 0;
      this.subscriber.on('ready', () => {
        if (connects++ > 0) setTimeout(() => this.gapListeners.forEach((g) => g()), GAP_SETTLE_MS).unref();
      });
      this.subscriber.on('message', (_channel, message: string) => {
        let event: LiveEvent;
        try {
          event = eventSchema.parse(JSON.parse(message)) as unknown as LiveEvent;
        } catch {
          return; // not ours, or malformed: never let one bad message stop the stream
        }
        for (const l of this.listeners) l(event);
      });
      await this.subscriber.subscribe(this.channel);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after the subscriber reconnected: events published while it was away are lost. */
  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.gapListeners.clear();
    await this.subscriber?.quit().catch(() => {});
    this.subscriber = null;
  }
}
