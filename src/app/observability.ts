// A node's health and metrics wiring: the fail-fast Redis connection, readiness checks, and the metrics server.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { serve, type ServerType } from '@hono/node-server';
import type { Worker } from 'bullmq';
import { Hono } from 'hono';
import type { Config } from '../config/schema.js';
import { healthRoutes } from '../api/health.js';
import { CameraStatusStore } from '../ingest/camera-status-store.js';
import { openBoundedRedis, type BoundedRedis } from '../lib/bounded-redis.js';
import type { Logger } from '../lib/logger.js';
import {
  cameraLeases,
  nodeInfo,
  redisReconnects,
  registry,
  reportQueueCounts,
  type QueueCount,
} from '../lib/metrics.js';
import { Readiness } from '../lib/readiness.js';
import { StartupError } from '../lib/shutdown.js';
import { queues as queueSchemas, type QueueName } from '../queues/payloads.js';
import { QueueSet } from '../queues/queue-set.js';
import type { Infra } from './infra.js';

export interface Observability {
  nodeId: string;
  readiness: Readiness;
  /** Fail-fast Redis for API reads and probes (see bounded-redis.ts). */
  bounded: BoundedRedis;
  /** Queues on the fail-fast connection: the API's reads of jobs and the metrics' queue depths. */
  boundedQueues: QueueSet;
  /** http://host:port of the metrics server, or null when metrics.port is not set. */
  metricsUrl: string | null;
  /** metrics.redisTimeoutMs: the bound of every Redis read made for probes and metrics. */
  redisTimeoutMs: number;
  stop(): Promise<void>;
}

/** This process's node name until the cluster names it: host name and process id. */
export function defaultNodeId(): string {
  return `${os.hostname()}-${process.pid}`;
}

/** package.json's version, read once (npm_package_version exists only under npm run). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const COUNTED_STATES: QueueCount['state'][] = ['waiting', 'active', 'delayed', 'failed'];

export async function startObservability(
  config: Config,
  infra: Infra,
  opts: { nodeId: string; roles: string[]; queuePrefix?: string; log: Logger },
): Promise<Observability> {
  const { metrics } = config;
  infra.redis.on('reconnecting', () => redisReconnects.inc({ connection: 'main' }));
  const bounded = await openBoundedRedis(infra.redis, metrics.redisTimeoutMs);
  const boundedQueues = new QueueSet(bounded.client, opts.queuePrefix);
  // Made now, while Redis answers: BullMQ waits for a ready connection the first time a queue is used, which
  // during an outage would hold a scrape or an API read until Redis returns. Made once, its commands fail fast.
  for (const name of Object.keys(queueSchemas) as QueueName[])
    await boundedQueues
      .queue(name)
      .waitUntilReady()
      .catch(() => {});
  const readiness = new Readiness(metrics.checkTimeoutMs);
  readiness.register({ name: 'database', check: async () => void (await infra.db.query('SELECT 1')) });
  readiness.register({
    name: 'redis',
    check: async () => {
      if (!bounded.ready())
        throw new Error(
          `not connected (${bounded.client.status}${bounded.lastError() ? `: ${bounded.lastError()}` : ''})`,
        );
      await bounded.client.ping();
    },
  });
  nodeInfo.reset();
  nodeInfo.set({ node: opts.nodeId, roles: opts.roles.join(','), version: VERSION }, 1);
  let server: ServerType | null = null;
  let metricsUrl: string | null = null;
  if (metrics.port !== null) {
    const host = metrics.host ?? config.server.host;
    server = await listen(metricsApp(readiness), host, metrics.port);
    const address = server.address();
    metricsUrl = `http://${host}:${typeof address === 'object' && address ? address.port : metrics.port}`;
    opts.log.info(`metrics at ${metricsUrl}/metrics (probes /healthz, /readyz)`);
  }
  return {
    nodeId: opts.nodeId,
    readiness,
    bounded,
    boundedQueues,
    metricsUrl,
    redisTimeoutMs: metrics.redisTimeoutMs,
    async stop() {
      reportQueueCounts(null);
      if (server) await new Promise<void>((resolve) => (server as ServerType).close(() => resolve()));
      await boundedQueues.close().catch(() => {});
      bounded.close();
    },
  };
}

/** The pipeline role's readiness (every queue worker running) and the queue depths its metrics report. */
export function watchWorkers(obs: Observability, workers: Worker[]): void {
  obs.readiness.register({
    name: 'workers',
    check: async () => {
      const stopped = workers.filter((w) => !w.isRunning()).map((w) => w.name);
      if (stopped.length) throw new Error(`queue workers not running: ${stopped.join(', ')}`);
    },
  });
  reportQueueCounts(() => withTimeout(queueCounts(obs), obs.redisTimeoutMs));
}

async function queueCounts(obs: Observability): Promise<QueueCount[]> {
  const names = Object.keys(queueSchemas) as QueueName[];
  const rows = await Promise.all(
    names.map(async (queue) => ({
      queue,
      counts: await obs.boundedQueues.queue(queue).getJobCounts(...COUNTED_STATES),
    })),
  );
  return rows.flatMap(({ queue, counts }) =>
    COUNTED_STATES.map((state) => ({ queue, state, count: counts[state] ?? 0 })),
  );
}

/** Rejects when the promise has not settled within ms (the scrape must answer whatever Redis does). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * The cameras role's readiness (the node can renew its camera leases) and the leases gauge: returns the
 * callback the cluster calls with the number of leases held after each tick.
 */
export function watchLeases(obs: Observability, node: { readyProblem(): string | null }): (held: number) => void {
  obs.readiness.register({
    name: 'leases',
    check: async () => {
      const problem = node.readyProblem();
      if (problem) throw new Error(problem);
    },
  });
  return (held) => cameraLeases.set({ node: obs.nodeId }, held);
}

/** /metrics in Prometheus text (readiness runs first, so its gauge is fresh), plus the probes for nodes without the API role. */
function metricsApp(readiness: Readiness) {
  return new Hono()
    .get('/metrics', async (c) => {
      await readiness.run();
      return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
    })
    .route('/', healthRoutes(readiness, { addresses: true }));
}

async function listen(app: Hono, host: string, port: number): Promise<ServerType> {
  return new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', (err) =>
      reject(new StartupError(`metrics: cannot listen on ${host}:${port}: ${err.message} (set metrics.port)`)),
    );
  });
}

/** What the API reads from Redis on the fail-fast connection, and its probes: spread last into createApp's deps. */
export function apiOnBoundedRedis(obs: Observability, queuePrefix: string) {
  return {
    readiness: obs.readiness,
    redisReady: obs.bounded.ready,
    cameraStatus: new CameraStatusStore(obs.bounded.client, `${queuePrefix}:camera-status`),
    queues: obs.boundedQueues,
  };
}
