// Redis through Sentinel: the client options that find the current primary, follow a failover, and survive duplicate().
import type { RedisOptions } from 'ioredis';

export interface SentinelAddress {
  host: string;
  port: number;
}

/** REDIS_SENTINELS + REDIS_SENTINEL_NAME (+ REDIS_PASSWORD, REDIS_SENTINEL_PASSWORD), parsed by config/load.ts. */
export interface SentinelTarget {
  sentinels: SentinelAddress[];
  /** The monitored primary's name (`sentinel monitor <name> ...`). */
  name: string;
  /** AUTH for the primary and replicas; none when unset. */
  password?: string;
  /** AUTH for the sentinels themselves; none when unset. */
  sentinelPassword?: string;
}

/** `host:port,host:port` (IPv6 as `[::1]:26379`); throws a message naming the bad entry. */
export function parseSentinels(list: string): SentinelAddress[] {
  return list
    .split(',')
    .map((raw) => raw.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      const host = entry.slice(0, at).replace(/^\[(.*)\]$/, '$1');
      const port = Number(entry.slice(at + 1));
      if (at <= 0 || !host || !Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`expected host:port, got '${entry}'`);
      return { host, port };
    });
}

/**
 * ioredis asks the sentinels for the primary and reconnects to the new one after a failover
 * (failoverDetector: it listens for +switch-master instead of waiting for the old primary to drop us).
 * A write that reaches a demoted primary answers READONLY, or NOREPLICAS from a primary whose replica was
 * just promoted (with `min-replicas-to-write 1`, the setting that keeps such writes from being lost):
 * reconnect to whatever the sentinels name now and resend it (2), never fail it.
 */
export function sentinelOptions(t: SentinelTarget): RedisOptions {
  return {
    sentinels: t.sentinels,
    name: t.name,
    role: 'master',
    failoverDetector: true,
    ...(t.password ? { password: t.password } : {}),
    ...(t.sentinelPassword ? { sentinelPassword: t.sentinelPassword } : {}),
    reconnectOnError: (err) => (/^(READONLY|NOREPLICAS)/.test(err.message) ? 2 : false),
  };
}

/** For log lines: which primary through which sentinels, no secrets. */
export function describeSentinels(t: SentinelTarget): string {
  return `sentinel ${t.name}@${t.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
}
