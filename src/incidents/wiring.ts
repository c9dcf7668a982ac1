// Incidents and video patrol tours on a node: services, the leg-check worker (pipeline nodes), delivery channels, shutdown.
import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { Config } from '../config/schema.js';
import { mqttChannel, webhookChannel, type OfferChannel } from '../dispatch/offer-channel.js';
import type { TravelModel } from '../dispatch/travel.js';
import type { DutyReader } from '../duty/duty-state.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { Db } from '../store/db.js';
import { InterceptionRepo } from '../store/interception-repo.js';
import { ffmpegFrameGrab } from '../tours/frame-grab.js';
import { TourRepo } from '../tours/tour-repo.js';
import { TourService } from '../tours/tour-service.js';
import { IncidentQueue } from './incident-queue.js';
import { IncidentRepo } from './incident-repo.js';
import { IncidentService } from './incident-service.js';

export interface PatrolWiring {
  config: Config;
  db: Db;
  redis: Redis;
  prefix: string;
  cameras: CameraRepo;
  audit: AuditRepo;
  bus: EventBus;
  duty: DutyReader;
  /** Run the leg-check worker here (pipeline nodes). */
  worker: boolean;
  webhookSecret?: string;
  travel?: TravelModel;
  log: Logger;
}

export function startPatrol(w: PatrolWiring): {
  incidents: IncidentService;
  tours: TourService;
  stop: () => Promise<void>;
} {
  const channels: OfferChannel[] = [];
  if (w.config.dispatch.webhookUrl && w.webhookSecret)
    channels.push(webhookChannel(w.config.dispatch.webhookUrl, w.webhookSecret));
  if (w.config.dispatch.mqttUrl)
    channels.push(mqttChannel(w.config.dispatch.mqttUrl, w.config.dispatch.mqttTopicPrefix));
  const queue = new IncidentQueue(w.redis, w.prefix);
  const incidents = new IncidentService({
    incidents: new IncidentRepo(w.db),
    cameras: w.cameras,
    orders: new InterceptionRepo(w.db),
    audit: w.audit,
    bus: w.bus,
    queue,
    channels,
    duty: w.duty,
    config: w.config,
    ...(w.travel ? { travel: w.travel } : {}),
  });
  const tours = new TourService({
    tours: new TourRepo(w.db),
    cameras: w.cameras,
    incidents,
    audit: w.audit,
    config: w.config,
    grabFrame: ffmpegFrameGrab(),
  });
  let worker: Worker | null = null;
  if (w.worker)
    worker = queue.startWorker(
      { check: (p) => incidents.checkLegs(p), deliver: (p) => incidents.deliver(p), sweep: () => incidents.sweep() },
      (err) => w.log.warn(`incident job failed: ${err.message}`),
    );
  return {
    incidents,
    tours,
    async stop() {
      await worker?.close();
      await queue.close();
      await Promise.all(channels.map((c) => c.close()));
    },
  };
}
