// Consumers: one BullMQ worker per queue, payload re-checked on arrival, bad payloads failed without retry.
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { queues, type Payload, type QueueName } from './payloads.js';
import type { Logger } from '../lib/logger.js';

export type Handlers = { [Q in QueueName]?: (payload: Payload<Q>) => Promise<void> };

export function startWorkers(connection: Redis, prefix: string, handlers: Handlers, log: Logger, concurrency = 4): Worker[] {
  return (Object.keys(handlers) as QueueName[]).map((name) => {
    const handler = handlers[name] as (p: unknown) => Promise<void>;
    const worker = new Worker(
      name,
      async (job) => {
        const parsed = queues[name].safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`bad ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        await handler(parsed.data);
      },
      { connection: connection.duplicate({ maxRetriesPerRequest: null }), prefix, concurrency },
    );
    worker.on('failed', (job, err) => log.warn(`job ${name}/${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
    worker.on('error', (err) => log.error(`worker ${name}: ${err.message}`));
    return worker;
  });
}
