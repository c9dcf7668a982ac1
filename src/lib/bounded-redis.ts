// A Redis connection whose commands fail fast when Redis is down, for API reads and probes (the main one waits for Redis forever).
import type { Redis } from 'ioredis';
import { redisReconnects } from './metrics.js';
import { isRedisConnectionError } from './redis-watch.js';

export interface BoundedRedis {
  client: Redis;
  /** True while the connection is up (commands can be sent). */
  ready(): boolean;
  /** The last connection error since the connection was last ready, for readiness messages. */
  lastError(): string | null;
  close(): void;
}

/**
 * A duplicate of `main` that never queues: while disconnected a command fails at once, and a command
 * Redis does not answer fails after `timeoutMs`. BullMQ workers keep `main`'s wait-forever behaviour,
 * which is right for them (a job must not be lost to a blip); an HTTP caller must get an answer.
 */
export async function openBoundedRedis(main: Redis, timeoutMs: number): Promise<BoundedRedis> {
  const client = main.duplicate({ enableOfflineQueue: false, commandTimeout: timeoutMs, maxRetriesPerRequest: 1 });
  let lastError: string | null = null;
  // Logged once per outage by the watcher the duplicate inherits (redis-watch.ts); kept here for the readiness message.
  client.on('error', (err: Error) => void (lastError = err.message));
  client.on('ready', () => void (lastError = null));
  client.on('reconnecting', () => redisReconnects.inc({ connection: 'bounded' }));
  if (client.status !== 'ready') {
    // Commands sent before the first connect would fail (no offline queue): wait for it, but not forever.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs).unref();
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return {
    client,
    ready: () => client.status === 'ready',
    lastError: () => lastError,
    close: () => client.disconnect(),
  };
}

/** A command that could not reach Redis: the watcher's connection errors, plus this connection's own time bound. */
export function isRedisUnreachable(err: unknown): boolean {
  return isRedisConnectionError(err) || (err instanceof Error && /Command timed out/.test(err.message));
}
