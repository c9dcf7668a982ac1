// The producers a camera node uses: each camera event carries the lease's fencing token, and is not sent at all without a live lease.
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import type { Payload, QueueName } from '../queues/payloads.js';
import { QueueSet } from '../queues/queue-set.js';
import type { FenceSource } from './cluster-node.js';

/** The queues whose jobs a camera's owner writes; their consumers check the token (FenceGuard). */
const FENCED: ReadonlySet<QueueName> = new Set<QueueName>(['plate-reads', 'sightings']);

export class FencedQueueSet extends QueueSet {
  /** Camera events dropped because this node no longer held the camera's lease when they were made. */
  dropped = 0;
  private warnedAt = 0;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly fences: FenceSource,
    private readonly log: Logger,
  ) {
    super(connection, prefix);
  }

  override async add<Q extends QueueName>(name: Q, payload: Payload<Q>, opts: JobsOptions = {}): Promise<void> {
    if (!FENCED.has(name)) return super.add(name, payload, opts);
    const { cameraId } = payload as { cameraId: string };
    const fence = this.fences.fenceFor(cameraId);
    if (!fence) {
      this.dropped++;
      // Throttled: a camera that just lost its lease may still have a few frames in hand.
      if (Date.now() - this.warnedAt > 10_000)
        this.log.warn(
          `camera ${cameraId}: ${name} event not sent, this node no longer holds the camera (${this.dropped} so far)`,
        );
      this.warnedAt = Date.now();
      return;
    }
    return super.add(name, { ...payload, fence } as Payload<Q>, opts);
  }
}
