// Reads the YAML config once at start, validates it and freezes it; the only reader of process.env.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { parseSentinels, type SentinelTarget } from '../lib/redis-sentinel.js';
import { configSchema, type Config } from './schema.js';

/** Start-up stops with this; the message names the file, the key path and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Environment {
  redisUrl?: string;
  /** REDIS_SENTINELS (host:port,...) + REDIS_SENTINEL_NAME, REDIS_PASSWORD(_FILE), REDIS_SENTINEL_PASSWORD(_FILE): Redis through Sentinel instead of REDIS_URL. */
  redisSentinel?: SentinelTarget;
  databaseUrl?: string;
  webhookSecret?: string;
  dataDir?: string;
  port?: number;
  /** VIGIL_CONFIG: the config file when --config is not given. */
  configFile?: string;
  /** VIGIL_TOKEN and VIGIL_URL: how CLI commands reach a running API. */
  apiToken?: string;
  apiUrl?: string;
  /** VIGIL_QUEUE_PREFIX: Redis key prefix of queues, events and leases (default 'vigil'); nodes of one system share it. */
  queuePrefix?: string;
  /** VIGIL_NODE_ID: this node's name in the cluster (else cluster.nodeId, else host name and process id). */
  nodeId?: string;
  /** VIGIL_TOTP_KEY (or _FILE): seals users' TOTP secrets at rest; TOTP enrolment is refused without it. */
  totpKey?: string;
}

export interface LoadedConfig {
  file: string;
  /** Directory relative paths in the config are resolved against (the project root). */
  root: string;
  config: Config;
  env: Environment;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const port = env.PORT ? Number(env.PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new ConfigError(`PORT: expected a port number, got '${env.PORT}'`);
  }
  return {
    redisUrl: env.REDIS_URL || undefined,
    redisSentinel: readSentinel(env),
    databaseUrl: env.DATABASE_URL || undefined,
    webhookSecret: readSecret(env, 'VIGIL_WEBHOOK_SECRET'),
    dataDir: env.VIGIL_DATA_DIR || undefined,
    port,
    configFile: env.VIGIL_CONFIG || undefined,
    apiToken: readSecret(env, 'VIGIL_TOKEN'),
    totpKey: readSecret(env, 'VIGIL_TOTP_KEY'),
    apiUrl: env.VIGIL_URL || undefined,
    queuePrefix: env.VIGIL_QUEUE_PREFIX || undefined,
    nodeId: env.VIGIL_NODE_ID || undefined,
  };
}

/** Redis through Sentinel: both variables or neither, and not beside REDIS_URL (which one would win is not obvious). */
function readSentinel(env: NodeJS.ProcessEnv): SentinelTarget | undefined {
  const list = env.REDIS_SENTINELS;
  const name = env.REDIS_SENTINEL_NAME;
  if (!list && !name) return undefined;
  if (!list || !name)
    throw new ConfigError(
      'REDIS_SENTINELS and REDIS_SENTINEL_NAME go together: the sentinels (host:port,host:port) and the name of the primary they monitor',
    );
  if (env.REDIS_URL) throw new ConfigError('set REDIS_URL or REDIS_SENTINELS, not both');
  let sentinels;
  try {
    sentinels = parseSentinels(list);
  } catch (err) {
    throw new ConfigError(`REDIS_SENTINELS: ${(err as Error).message}`);
  }
  if (!sentinels.length) throw new ConfigError('REDIS_SENTINELS: expected host:port,host:port');
  const password = readSecret(env, 'REDIS_PASSWORD');
  const sentinelPassword = readSecret(env, 'REDIS_SENTINEL_PASSWORD');
  return { sentinels, name, ...(password ? { password } : {}), ...(sentinelPassword ? { sentinelPassword } : {}) };
}

/** Secrets come from NAME or from the file named by NAME_FILE (Docker/Kubernetes secrets). */
function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  return env[name] || undefined;
}

export function loadConfig(file: string, env: Environment = readEnvironment()): LoadedConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new ConfigError(`${absolute}: cannot read the config file (${(err as Error).message})`);
  }
  const config = parseConfig(text, absolute);
  const root = path.dirname(path.dirname(absolute));
  return deepFreeze({ file: absolute, root, config, env });
}

export function parseConfig(text: string, file = '<config>'): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(`${file}${where}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues));
  const problems = crossChecks(result.data);
  if (problems.length) throw new ConfigError(problems.map((p) => `${file}: ${p}`).join('\n'));
  return result.data;
}

function formatIssues(file: string, issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const at = issue.path.length ? issue.path.join('.') : '(top level)';
      return `${file}: ${at}: ${issue.message}`;
    })
    .join('\n');
}

/** Checks that span several keys: unique ids and references between sections. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  const duplicates = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);
  for (const id of duplicates(config.cameras.map((c) => c.id))) problems.push(`cameras: id '${id}' is used twice`);
  for (const id of duplicates(config.units.map((u) => u.id))) problems.push(`units: id '${id}' is used twice`);
  const unitIds = new Set(config.units.map((u) => u.id));
  config.demo.positions.forEach((p, i) => {
    if (!unitIds.has(p.unit)) problems.push(`demo.positions.${i}.unit: no unit with id '${p.unit}' in units`);
  });
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
