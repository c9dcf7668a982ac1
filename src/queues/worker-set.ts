// Consumers: one BullMQ worker per queue, payload re-checked on arrival, bad payloads failed without retry.
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { queues, type Payload, type QueueName } from './payloads.js';
import type { Logger } from '../lib/logger.js';
import { logUnlessConnectionError } from '../lib/redis-watch.js';
import { queueJobsFailed, queueWaitSeconds } from '../lib/metrics.js';

export type Handlers = { [Q in QueueName]?: (payload: Payload<Q>) => Promise<void> };

export function startWorkers(
  connection: Redis,
  prefix: string,
  handlers: Handlers,
  log: Logger,
  concurrency = 4,
): Worker[] {
  return (Object.keys(handlers) as QueueName[]).map((name) => {
    const handler = handlers[name] as (p: unknown) => Promise<void>;
    // BullMQ treats a client it is given as shared and leaves it open on close(): this one is the worker's own.
    const own = connection.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      name,
      async (job) => {
        // First attempts only: a retry's wait would count its earlier attempts and backoff too.
        if (job.attemptsMade === 0 && job.processedOn)
          queueWaitSeconds.observe(
            { queue: name },
            Math.max(0, job.processedOn - job.timestamp - (job.opts.delay ?? 0)) / 1000,
          );
        const parsed = queues[name].safeParse(job.data);
        if (!parsed.success)
          throw new UnrecoverableError(
            `bad ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        await handler(parsed.data);
      },
      { connection: own, prefix, concurrency },
    );
    worker.once('closed', () => own.disconnect());
    worker.on('failed', (job, err) => {
      queueJobsFailed.inc({ queue: name });
      const alert = (job?.data as { alertId?: unknown } | undefined)?.alertId;
      log.warn(`job ${name}/${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`, {
        queue: name,
        job: job?.id,
        alert: typeof alert === 'string' ? alert : undefined,
      });
    });
    // Connection errors repeat on every retry; the Redis outage log reports them once (lib/redis-watch.ts).
    worker.on('error', logUnlessConnectionError(log, `worker ${name}`));
    return worker;
  });
}
