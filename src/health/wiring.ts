// Builds camera health for one node (called once from app/start.ts): the work-order service and its
// channels for every role, the per-camera diagnostics where cameras run, and what the API routes need.
import type { Redis } from 'ioredis';
import type { HealthApiDeps } from '../api/routes/camera-health.js';
import type { Config } from '../config/schema.js';
import type { CameraStatusStore } from '../ingest/camera-status-store.js';
import type { Logger } from '../lib/logger.js';
import type { ShutdownStack } from '../lib/shutdown.js';
import type { EventBus } from '../queues/event-bus.js';
import { WorkOrderService } from '../services/work-order-service.js';
import type { Db } from '../store/db.js';
import { HealthRepo } from '../store/health-repo.js';
import { rateReport } from './rate-report.js';
import { localDate } from './periods.js';
import { reportRates } from './rate-gauges.js';
import { CameraHealthService } from './health-service.js';
import { CameraHealthStore } from './health-store.js';
import { mqttWorkOrders, webhookWorkOrders, type WorkOrderChannel } from './work-order-channel.js';

export interface HealthWiring {
  config: Config;
  /** The webhook secret (VIGIL_WEBHOOK_SECRET); work orders go to dispatch.webhookUrl only with it. */
  webhookSecret?: string;
  db: Db;
  redis: Redis;
  bus: EventBus;
  /** The node's key prefix (queues.prefix). */
  prefix: string;
  cameraStatus: CameraStatusStore;
  /** This process runs cameras: diagnose them. */
  cameras: boolean;
  log: Logger;
  stack: ShutdownStack;
}

export interface NodeHealth {
  api: HealthApiDeps;
  /** The diagnostics of this node's cameras; absent where no cameras run. */
  service?: CameraHealthService;
}

export async function startHealth(w: HealthWiring): Promise<NodeHealth> {
  const { dispatch } = w.config;
  const channels: WorkOrderChannel[] = [];
  if (dispatch.webhookUrl && w.webhookSecret) channels.push(webhookWorkOrders(dispatch.webhookUrl, w.webhookSecret));
  if (dispatch.mqttUrl) channels.push(mqttWorkOrders(dispatch.mqttUrl, dispatch.mqttTopicPrefix));
  w.stack.push('work-order channels', () => Promise.all(channels.map((c) => c.close())).then(() => {}));
  const healthRepo = new HealthRepo(w.db);
  const cameraHealth = new CameraHealthStore(w.redis, `${w.prefix}:camera-health`);
  const workOrders = new WorkOrderService({ db: w.db, bus: w.bus, channels, log: w.log });
  const api: HealthApiDeps = { healthRepo, cameraHealth, workOrders };
  const report = { healthRepo, health: w.config.health, timezone: w.config.server.timezone };
  reportRates(() => {
    const today = localDate(Date.now(), report.timezone);
    return rateReport(report, today, today);
  });
  w.stack.push('camera-health gauges', () => reportRates(null));
  if (!w.cameras || !w.config.health.enabled) return { api };
  const service = new CameraHealthService({
    config: w.config,
    store: cameraHealth,
    repo: healthRepo,
    workOrders,
    bus: w.bus,
    cameraStatus: w.cameraStatus,
    log: w.log,
  });
  await service.start();
  // Pushed before the cameras are, so it stops after them: the last transitions are stored first.
  w.stack.push('camera health', () => service.stop());
  return { api, service };
}
