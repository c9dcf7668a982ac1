// Builds patrol plans and situation reports for one node (called once from app/start.ts): the services the
// API routes use, the plans seeded from config files, and, where the pipeline runs, the patrol queue's jobs.
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { IncidentRepo } from '../incidents/incident-repo.js';
import type { Logger } from '../lib/logger.js';
import type { ShutdownStack } from '../lib/shutdown.js';
import type { EventBus } from '../queues/event-bus.js';
import { pdfRenderer } from '../situation/pdf.js';
import { SituationRepo } from '../situation/situation-repo.js';
import { SituationService } from '../situation/situation-service.js';
import type { Db } from '../store/db.js';
import { HealthRepo } from '../store/health-repo.js';
import { startPatrolJobs } from './patrol-jobs.js';
import { PlanService } from './plan-service.js';

export interface PatrolPlansWiring {
  config: Config;
  root: string;
  db: Db;
  redis: Redis;
  bus: EventBus;
  prefix: string;
  webhookSecret?: string;
  /** This process runs the pipeline role: it runs the patrol queue's jobs. */
  jobs: boolean;
  log: Logger;
  stack: ShutdownStack;
}

export interface PatrolPlanApiDeps {
  plans: PlanService;
  situation: SituationService;
}

export async function startPatrolPlans(w: PatrolPlansWiring): Promise<PatrolPlanApiDeps> {
  const { config } = w;
  const timezone = config.server.timezone;
  const plans = new PlanService({
    db: w.db,
    bus: w.bus,
    config: config.plans,
    shifts: config.reports.shifts,
    timezone,
    log: w.log,
  });
  const seeded = await plans.seed(w.root);
  if (seeded.length) w.log.info(`patrol plans seeded from plans.files: ${seeded.join(', ')}`);
  const pdf = pdfRenderer(config.plans.situation.chromiumPath);
  if (!pdf.executable)
    w.log.warn(
      'situation reports: no chromium (plans.situation.chromiumPath or /usr/bin/chromium): reports are made without their PDF',
    );
  const situation = new SituationService({
    db: w.db,
    bus: w.bus,
    log: w.log,
    pdf,
    webhookSecret: w.webhookSecret,
    build: {
      repo: new SituationRepo(w.db),
      incidents: new IncidentRepo(w.db),
      plans,
      health: { healthRepo: new HealthRepo(w.db), health: config.health, timezone },
      timezone,
      shifts: config.reports.shifts,
      hotCells: config.plans.situation.hotCells,
    },
  });
  if (w.jobs) {
    const stop = await startPatrolJobs(w.redis, w.prefix, timezone, {
      plans,
      situation,
      config: config.plans,
      log: w.log,
    });
    w.stack.push('patrol jobs', stop);
  }
  return { plans, situation };
}
