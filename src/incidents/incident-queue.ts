// The incident legs' jobs on BullMQ, handled by one worker on pipeline nodes: the acknowledgement check (one
// delayed job per incident and round), the offer's delivery over webhook and MQTT (one per leg, retried), and a
// sweep every 30 s that catches what a process stopped between an incident's commit and its jobs left undone.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const QUEUE = 'incident-legs';

/** After `round`'s offers went out, the legs still unacknowledged pass to the next nearest units. */
export const legCheckPayload = z.strictObject({ incidentId: z.uuid(), round: z.number().int().min(1) });
export type LegCheck = z.infer<typeof legCheckPayload>;

/** Job id per incident and round: a retried request or a repeated check never queues it twice. */
export const legCheckJobId = (p: LegCheck) => `incident_${p.incidentId}_${p.round}`;

/** One leg's offer to the delivery channels. */
export const legDeliveryPayload = z.strictObject({ incidentId: z.uuid(), legId: z.uuid() });
export type LegDelivery = z.infer<typeof legDeliveryPayload>;

/** How often the sweep runs. */
export const SWEEP_EVERY_MS = 30_000;

export interface IncidentJobHandlers {
  check: (p: LegCheck) => Promise<void>;
  deliver: (p: LegDelivery) => Promise<void>;
  sweep: () => Promise<void>;
}

const DELIVER = 'deliver';
const SWEEP = 'sweep';

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

  /** Once per leg (its id names the job): a retried raise, a replay or the sweep queue nothing twice. */
  async deliver(p: LegDelivery): Promise<void> {
    const data = legDeliveryPayload.parse(p);
    await this.queue.add(DELIVER, data, { jobId: `incident_offer_${data.legId}`, attempts: 8 });
  }

  /** The worker (on pipeline nodes) and the sweep's schedule; its own connection, closed with it. */
  startWorker(handlers: IncidentJobHandlers, onFailed: (err: Error) => void = () => {}): Worker {
    const own = this.connection.duplicate({ maxRetriesPerRequest: null });
    // One schedule for the whole system, however many nodes upsert it.
    void this.queue
      .upsertJobScheduler(SWEEP, { every: SWEEP_EVERY_MS }, { name: SWEEP, opts: { attempts: 1 } })
      .catch((err: Error) => onFailed(err));
    const worker = new Worker(
      QUEUE,
      async (job) => {
        if (job.name === SWEEP) return handlers.sweep();
        const schema = job.name === DELIVER ? legDeliveryPayload : legCheckPayload;
        const parsed = schema.safeParse(job.data);
        if (!parsed.success)
          throw new UnrecoverableError(`bad ${QUEUE} payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
        if (job.name === DELIVER) await handlers.deliver(parsed.data as LegDelivery);
        else await handlers.check(parsed.data as LegCheck);
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
