// `vigil start`: boots the roles of one node (api, pipeline workers, cameras) and stops them cleanly.
import { serve, type ServerType } from '@hono/node-server';
import type { Worker } from 'bullmq';
import type { LoadedConfig } from '../config/load.js';
import { createApp } from '../api/app.js';
import { mqttChannel, webhookChannel, type OfferChannel } from '../dispatch/offer-channel.js';
import { CameraStatusStore } from '../ingest/camera-status-store.js';
import { createAlert } from '../jobs/create-alert.js';
import { dispatchAlert } from '../jobs/dispatch-alert.js';
import { escalateAlert } from '../jobs/escalate-alert.js';
import { matchPlateRead } from '../jobs/match-plate-read.js';
import type { Logger } from '../lib/logger.js';
import { HotlistIndex } from '../matching/hotlist-index.js';
import type { CameraWorkers } from '../pipeline/camera-workers.js';
import { EventBus } from '../queues/event-bus.js';
import { QueueSet } from '../queues/queue-set.js';
import { startWorkers } from '../queues/worker-set.js';
import { AlertService } from '../services/alert-service.js';
import { HotlistService } from '../services/hotlist-service.js';
import { startDemo, type DemoHandle } from './demo.js';
import { openInfra, type Infra } from './infra.js';

export const ROLES = ['api', 'pipeline', 'cameras'] as const;
export type NodeRole = (typeof ROLES)[number];

export interface StartOptions {
  roles?: NodeRole[];
  /** Redis key prefix for queues; tests use a fresh one. */
  queuePrefix?: string;
  /** Overrides the configured port (0 picks a free one). */
  port?: number;
}

export interface Running {
  infra: Infra;
  url: string | null;
  demo: DemoHandle | null;
  queues: QueueSet;
  bus: EventBus;
  hotlistIndex: HotlistIndex;
  cameras: CameraWorkers | null;
  stop(): Promise<void>;
}

export async function startNode(loaded: LoadedConfig, log: Logger, opts: StartOptions = {}): Promise<Running> {
  const roles = new Set(opts.roles ?? ROLES);
  if (roles.size < ROLES.length && !loaded.env.databaseUrl) {
    throw new Error('the embedded database (PGlite) serves one process: run every role in one process, or set DATABASE_URL to PostgreSQL to split roles');
  }
  const { config, env } = loaded;
  const infra = await openInfra(loaded, log);
  const { repos, redis } = infra;
  await repos.cameras.upsertAll(config.cameras);
  await repos.units.upsertAll(config.units);

  const queues = new QueueSet(redis, opts.queuePrefix);
  const bus = new EventBus(redis, `${queues.prefix}:events`);
  const hotlistIndex = new HotlistIndex();
  const hotlist = new HotlistService(repos.hotlistRepo, hotlistIndex, repos.audit, redis);
  log.info(`hotlist: ${await hotlist.start()} live entries indexed`);
  const alertService = new AlertService(repos.alerts, repos.assignments, repos.units, repos.audit, bus);
  const cameraStatus = new CameraStatusStore(redis, `${queues.prefix}:camera-status`);
  const demo = config.demo.enabled ? await startDemo(loaded, repos, hotlist, log) : null;

  const channels: OfferChannel[] = [];
  let workers: Worker[] = [];
  if (roles.has('pipeline')) {
    if (config.dispatch.webhookUrl) {
      if (!env.webhookSecret) throw new Error('dispatch.webhookUrl is set but VIGIL_WEBHOOK_SECRET (or VIGIL_WEBHOOK_SECRET_FILE) is not');
      channels.push(webhookChannel(config.dispatch.webhookUrl, env.webhookSecret));
    }
    if (config.dispatch.mqttUrl) channels.push(mqttChannel(config.dispatch.mqttUrl, config.dispatch.mqttTopicPrefix));
    const shared = { ...repos, queues, bus };
    workers = startWorkers(redis, queues.prefix, {
      'plate-reads': (p) => matchPlateRead(p, { plateReads: repos.plateReads, hotlist: hotlistIndex, matchOptions: config.hotlist, queues }),
      alerts: (p) => createAlert(p, shared),
      dispatch: (p) => dispatchAlert(p, { ...shared, channels, policy: config.dispatch }),
      escalate: (p) => escalateAlert(p, shared),
    }, log.child('jobs'));
  }

  let server: ServerType | null = null;
  let url: string | null = null;
  if (roles.has('api')) {
    const app = createApp({ config, log: log.child('api'), ...repos, cameraStatus, hotlist, alertService, queues, bus });
    const port = opts.port ?? env.port ?? config.server.port;
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port, hostname: config.server.host }, () => resolve(s));
      s.once('error', (err) => reject(new Error(`cannot listen on ${config.server.host}:${port}: ${err.message}`)));
    });
    const address = server.address();
    url = `http://${config.server.host}:${typeof address === 'object' && address ? address.port : port}`;
  }

  // Loaded only where cameras run, so API-only processes never load ffmpeg or ONNX code.
  let cameras: CameraWorkers | null = null;
  if (roles.has('cameras') && config.cameras.some((c) => c.enabled)) {
    const { CameraWorkers } = await import('../pipeline/camera-workers.js');
    cameras = new CameraWorkers(config, { queues, bus, cameraStatus, log: log.child('camera') });
    await cameras.start();
  }

  return {
    infra, url, demo, queues, bus, hotlistIndex, cameras,
    async stop() {
      await cameras?.stop();
      // Open SSE streams would hold close() forever: end them.
      (server as import("node:http").Server | null)?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(channels.map((c) => c.close()));
      await queues.close();
      await bus.close();
      await hotlist.stop();
      await demo?.stop();
      await infra.close();
    },
  };
}
