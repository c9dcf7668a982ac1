// Probes (/healthz: the process lives; /readyz: what it depends on answers) and the API's answers while Redis is unreachable.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { isRedisUnreachable } from '../lib/bounded-redis.js';
import { Readiness } from '../lib/readiness.js';

/** What createApp takes for probes; both optional so route tests need not build them. */
export interface HealthDeps {
  /** The node's readiness checks; without it /readyz has none and answers 200. */
  readiness?: Readiness;
  /** Whether the node's Redis connection is up; without it writes are never refused for Redis. */
  redisReady?: () => boolean;
}

const REDIS_DOWN = 'Redis is unreachable: live events, queues and camera status are unavailable; retry shortly';

/** IPv4 and bracketed IPv6 addresses with their ports, as ioredis and pg put them in error messages. */
const ADDRESS = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\[[0-9a-f:]+\](?::\d+)?/gi;

export interface HealthRouteOptions {
  /**
   * Keep network addresses in the failure reasons. Default false: the API port answers anyone who can
   * reach it, so "ECONNREFUSED <address>" is said without the address; the metrics port (operators' network) keeps them.
   */
  addresses?: boolean;
}

/**
 * /healthz answers from memory only (a liveness probe must not restart a node because Redis is down);
 * /readyz runs every registered check, each bounded by the readiness timeout, and answers 503 naming
 * each failed check and why. Both are unauthenticated, for load balancers and orchestrators.
 */
export function healthRoutes(readiness: Readiness = new Readiness(), opts: HealthRouteOptions = {}) {
  return new Hono()
    .get('/healthz', (c) => c.json({ ok: true, uptimeS: Math.round(process.uptime()) }))
    .get('/readyz', async (c) => {
      const report = await readiness.run();
      if (report.ok) return c.json(report, 200);
      const checks = opts.addresses
        ? report.checks
        : report.checks.map((r) => (r.error ? { ...r, error: r.error.replace(ADDRESS, '<address>') } : r));
      const failed = checks.filter((r) => !r.ok).map((r) => `${r.name} (${r.error})`);
      return c.json({ ...report, checks, error: `not ready: ${failed.join('; ')}` }, 503);
    });
}

/**
 * While Redis is down a change would be half done (saved, but never dispatched, queued or shown live), so
 * the API refuses changes at once; reads that need no Redis still answer, and those that do fail fast
 * on the bounded connection (see redisUnreachableAnswer).
 */
export function refuseChangesWithoutRedis(redisReady?: () => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (
      redisReady &&
      c.req.method !== 'GET' &&
      c.req.method !== 'HEAD' &&
      c.req.method !== 'OPTIONS' &&
      !redisReady()
    ) {
      return c.json({ error: REDIS_DOWN }, 503, { 'Retry-After': '5' });
    }
    await next();
  };
}

/** A 503 for an error that says Redis could not be reached; null for any other error (the app's onError takes it). */
export function redisUnreachableAnswer(err: unknown, c: Context): Response | null {
  if (!isRedisUnreachable(err)) return null;
  return c.json({ error: REDIS_DOWN }, 503, { 'Retry-After': '5' });
}
