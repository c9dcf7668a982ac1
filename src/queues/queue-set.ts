// Producers for every queue (BullMQ on Redis), with payloads checked before they are sent.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { queues, type Payload, type QueueName } from './payloads.js';

/** Retries with exponential backoff; failed jobs are kept (and listed by the API) for a week. */
const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export class QueueSet {
  private readonly byName = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    /** Prefix of Redis keys; tests use a fresh one each. */
    readonly prefix = 'vigil',
  ) {}

  queue(name: QueueName): Queue {
    let q = this.byName.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions });
      // Without a listener BullMQ prints each connection error raw; the Redis outage log reports an outage once.
      q.on('error', () => {});
      this.byName.set(name, q);
    }
    return q;
  }

  /** Validates the payload against the queue's schema, then enqueues it. */
  async add<Q extends QueueName>(name: Q, payload: Payload<Q>, opts: JobsOptions = {}): Promise<void> {
    const data = queues[name].parse(payload);
    await this.queue(name).add(name, data, opts);
  }

  async failed(limit = 50): Promise<
    {
      queue: QueueName;
      id: string | undefined;
      reason: string;
      attempts: number;
      data: unknown;
      at: number | undefined;
    }[]
  > {
    const out = [];
    for (const name of Object.keys(queues) as QueueName[]) {
      for (const job of await this.queue(name).getFailed(0, limit - 1)) {
        out.push({
          queue: name,
          id: job.id,
          reason: job.failedReason,
          attempts: job.attemptsMade,
          data: job.data,
          at: job.finishedOn,
        });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((q) => q.close()));
  }
}
