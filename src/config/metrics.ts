// The `metrics:` block of the YAML config: where each process serves Prometheus metrics and its probes.
import { z } from 'zod';

export const metricsSchema = z.strictObject({
  /**
   * Port of this process's own metrics server (GET /metrics, /healthz, /readyz), bound to `host`.
   * Default null: no metrics server. 9464 is the usual Prometheus exporter port; 0 picks a free one (tests).
   * Its own port, not the API's, so nodes without the API role are scraped too and the API stays token-only.
   */
  port: z.number().int().min(0).max(65535).nullable().default(null),
  /** Address the metrics server binds. Default: server.host. */
  host: z.string().min(1).optional(),
  /** Each readiness check (database, Redis, workers, leases) fails after this long. Default 2000 ms. */
  checkTimeoutMs: z.number().int().min(50).max(30_000).default(2000),
  /**
   * API and probe commands to Redis fail after this long (503 "Redis is unreachable") instead of
   * waiting for Redis to come back. Default 2000 ms.
   */
  redisTimeoutMs: z.number().int().min(50).max(60_000).default(2000),
});

export type MetricsConfig = z.infer<typeof metricsSchema>;
