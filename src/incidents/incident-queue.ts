// The incident legs' acknowledgement checks on BullMQ: one delayed job per incident and round, handled by one worker.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const QUEUE = 'incident-legs';

/** After `round`'s offers went out, the legs still unacknowledged pass to the next nearest units. */
export const legCheckPayload = z.strictObject({ incidentId: z.uuid(), round: z.number().int().min(1) });
export type LegCheck = z.infer<typeof legCheckPayload>;

/** Job id per incident and round: a retried request or a repeated check never queues it twice. */
export const legCheckJobId = (p: LegCheck) => `incident_${p.incidentId}_${p.round}`;

export class IncidentQueue {
  private readonly queue: Queue;

  constructor(
    private readonly connection: Redis,
    /** Redis key prefix, the node's queue prefix (tests use a fresh one). */
    readonly prefix: string,
  ) {
    this.queue = new Queue(QUEUE, {
      connection,
      prefix,
      // Retries with backoff; a finished check is kept an hour for inspection.
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    this.queue.on('error', () => {});
  }

  async checkLater(p: LegCheck, delayMs: number): Promise<void> {
    const data = legCheckPayload.parse(p);
    await this.queue.add(QUEUE, data, { delay: Math.max(0, Math.round(delayMs)), jobId: legCheckJobId(data) });
  }

  /** The worker (on pipeline nodes); its own connection, closed with it. */
  startWorker(handler: (p: LegCheck) => Promise<void>, onFailed: (err: Error) => void = () => {}): Worker {
    const own = this.connection.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUE,
      async (job) => {
        const parsed = legCheckPayload.safeParse(job.data);
        if (!parsed.success)
          throw new UnrecoverableError(`bad ${QUEUE} payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
        await handler(parsed.data);
      },
      { connection: own, prefix: this.prefix, concurrency: 2 },
    );
    worker.once('closed', () => own.disconnect());
    worker.on('failed', (_job, err) => onFailed(err));
    worker.on('error', () => {});
    return worker;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
