// The patrol queue: the scheduled situation reports (daily, weekly), the near-end shift warning check and
// the position-history purge, declared with their payload schema; one worker runs them.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PlansConfig } from '../config/plans.js';
import type { Logger } from '../lib/logger.js';
import { minutesOf } from '../reports/shifts.js';
import type { SituationService } from '../situation/situation-service.js';
import type { PlanService } from './plan-service.js';

export const PATROL_QUEUE = 'patrol';

export const patrolJobPayload = z.discriminatedUnion('job', [
  z.strictObject({ job: z.literal('situation'), period: z.enum(['day', 'week']) }),
  z.strictObject({ job: z.literal('plan-warnings') }),
  z.strictObject({ job: z.literal('position-purge') }),
]);
export type PatrolJob = z.infer<typeof patrolJobPayload>;

export interface PatrolJobDeps {
  plans: PlanService;
  situation: SituationService;
  config: PlansConfig;
  log: Logger;
  now?: () => number;
}

export async function runPatrolJob(p: PatrolJob, d: PatrolJobDeps): Promise<void> {
  const now = (d.now ?? Date.now)();
  if (p.job === 'situation') {
    const made = await d.situation.scheduled(p.period, now);
    d.log.info(`situation reports (${p.period}): ${made.length} made`);
  } else if (p.job === 'plan-warnings') {
    for (const w of await d.plans.checkWarnings(now))
      d.log.info(`patrol plan ${w.district}: shift ${w.shift.name} ends with ${w.missing.length} points not reached`);
  } else {
    const n = await d.plans.positions.purgeBefore(now - d.config.positionRetentionDays * 86_400_000);
    if (n) d.log.info(`unit positions: ${n} fixes older than ${d.config.positionRetentionDays} days deleted`);
  }
}

const cron = (clock: string, dow = '*') => `${minutesOf(clock) % 60} ${Math.floor(minutesOf(clock) / 60)} * * ${dow}`;

/** Schedules the repeatable jobs (upserted: every node may call it) and starts the worker; returns its stop. */
export async function startPatrolJobs(
  connection: Redis,
  prefix: string,
  timezone: string,
  d: PatrolJobDeps,
): Promise<() => Promise<void>> {
  const queue = new Queue(PATROL_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { count: 100 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  queue.on('error', () => {});
  const s = d.config.situation;
  const add = (id: string, repeat: { pattern: string; tz: string } | { every: number }, data: PatrolJob) =>
    queue.upsertJobScheduler(id, repeat, { name: data.job, data });
  if (s.schedule) {
    await add('situation-daily', { pattern: cron(s.dailyAt), tz: timezone }, { job: 'situation', period: 'day' });
    await add(
      'situation-weekly',
      { pattern: cron(s.weeklyAt, '1'), tz: timezone },
      { job: 'situation', period: 'week' },
    );
  } else {
    await queue.removeJobScheduler('situation-daily');
    await queue.removeJobScheduler('situation-weekly');
  }
  await add('plan-warnings', { every: d.config.warnCheckEverySeconds * 1000 }, { job: 'plan-warnings' });
  await add('position-purge', { pattern: '17 3 * * *', tz: timezone }, { job: 'position-purge' });
  const own = connection.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(
    PATROL_QUEUE,
    async (job) => {
      const parsed = patrolJobPayload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad ${PATROL_QUEUE} payload: ${parsed.error.message}`);
      await runPatrolJob(parsed.data, d);
    },
    { connection: own, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => d.log.warn(`job ${PATROL_QUEUE}/${job?.id} failed: ${err.message}`));
  worker.on('error', () => {});
  return async () => {
    await worker.close();
    own.disconnect();
    await queue.close();
  };
}
