// A Redis connection whose commands fail fast when Redis is down, for API reads and probes (the main one waits for Redis forever).
import type { Redis } from 'ioredis';
import { redisReconnects } from './metrics.js';

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
  // Logged by the main connection's watcher; here only kept for the readiness message.
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

/** ioredis's ways of saying a command could not reach Redis (offline, timed out, connection dropped). */
const UNREACHABLE = [/Command timed out/, /Stream isn't writeable/, /Connection is closed/, /max retries per request/i, /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH/];

export function isRedisUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNREACHABLE.some((re) => re.test(err.message));
}
