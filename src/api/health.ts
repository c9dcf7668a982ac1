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

/**
 * /healthz answers from memory only (a liveness probe must not restart a node because Redis is down);
 * /readyz runs every registered check, each bounded by the readiness timeout, and answers 503 naming
 * each failed check and why. Both are unauthenticated, for load balancers and orchestrators.
 */
export function healthRoutes(readiness: Readiness = new Readiness()) {
  return new Hono()
    .get('/healthz', (c) => c.json({ ok: true, uptimeS: Math.round(process.uptime()) }))
    .get('/readyz', async (c) => {
      const report = await readiness.run();
      if (report.ok) return c.json(report, 200);
      const failed = report.checks.filter((r) => !r.ok).map((r) => `${r.name} (${r.error})`);
      return c.json({ ...report, error: `not ready: ${failed.join('; ')}` }, 503);
    });
}

/**
 * While Redis is down a change would be half done (saved, but never dispatched, queued or shown live), so
 * the API refuses changes at once; reads that need no Redis still answer, and those that do fail fast
 * on the bounded connection (see redisUnreachableAnswer).
 */
export function refuseChangesWithoutRedis(redisReady?: () => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (redisReady && c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS' && !redisReady()) {
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
