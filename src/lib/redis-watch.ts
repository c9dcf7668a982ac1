// Every ioredis client Vigil makes, watched as one: an outage is logged once when it starts and once
// when Redis answers again, not once per client per retry (one outage used to print 1,340 lines in 30 s).
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/** Error codes and messages that mean "cannot talk to Redis", as opposed to a fault in a command. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|connect ETIMEDOUT|max retries per request|enableOfflineQueue|Socket closed unexpectedly/i;

export function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && CONNECTION_CODES.has(code)) || CONNECTION_MESSAGES.test(err.message);
}

/** Reachability of one Redis server as this process sees it through all its clients. */
export class RedisOutage {
  private downSince: number | null = null;
  private quiet = false;

  constructor(
    /** host:port, for the log lines. */
    readonly address: string,
    private readonly log: Logger,
  ) {}

  /** When the current outage began (ms since epoch), or null while Redis answers. */
  get since(): number | null {
    return this.downSince;
  }

  /** No more lines: the node is stopping and has stopped Redis itself. */
  silence(): void {
    this.quiet = true;
  }

  attach(client: Redis): void {
    client.on('error', (err: Error) => this.failed(err));
    client.on('ready', () => this.answered());
  }

  private failed(err: Error): void {
    if (this.downSince !== null) return;
    this.downSince = Date.now();
    const reason = (err as NodeJS.ErrnoException).code ?? err.message;
    if (!this.quiet)
      this.log.warn(
        `redis at ${this.address} unreachable (${reason}); clients keep retrying; logged again when it answers`,
      );
  }

  private answered(): void {
    if (this.downSince === null) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = null;
    if (!this.quiet) this.log.info(`redis at ${this.address} answers again after ${seconds} s`);
  }
}

/** An ioredis client whose duplicates (ours and BullMQ's) report to the same outage log. */
export class WatchedRedis extends Redis {
  readonly outage: RedisOutage;

  constructor(target: string | RedisOptions, options: RedisOptions, outage: RedisOutage) {
    // ioredis merges a URL and option objects in order, earlier ones winning.
    super(target as string, options);
    this.outage = outage;
    outage.attach(this);
  }

  override duplicate(override?: Partial<RedisOptions>): WatchedRedis {
    return new WatchedRedis({ ...this.options, ...override }, {}, this.outage);
  }
}

/** The one way Vigil opens a Redis connection; further connections come from its duplicate(). */
export function createRedis(url: string, options: RedisOptions, log: Logger): WatchedRedis {
  const { hostname, port } = new URL(url);
  return new WatchedRedis(url, options, new RedisOutage(`${hostname || '127.0.0.1'}:${port || 6379}`, log));
}

/** For BullMQ queues and workers, which re-emit their connections' errors: connection errors are the outage log's. */
export function logUnlessConnectionError(log: Logger, what: string): (err: Error) => void {
  return (err) => {
    if (!isRedisConnectionError(err)) log.error(`${what}: ${err.message}`);
  };
}
