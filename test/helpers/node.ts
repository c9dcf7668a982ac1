// Starts a whole Vigil node for a test: fresh data directory, fresh queue prefix, API on a free port.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import { startNode, type Running } from '../../src/app/start.js';
import { createLogger } from '../../src/lib/logger.js';
import type { Role } from '../../src/store/token-repo.js';
import { freshPrefix, testRedisUrl } from './redis.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestNode {
  node: Running;
  url: string;
  token(role: Role, subject?: string | null): Promise<string>;
  api(pathname: string, token: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startTestNode(
  name: string,
  yaml: string,
  env: Partial<LoadedConfig['env']> = {},
): Promise<TestNode> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `vigil-${name}-`));
  const loaded: LoadedConfig = {
    file: `${name}.yaml`,
    root: projectRoot,
    config: parseConfig(yaml, `${name}.yaml`),
    // A TOTP key made for this node (VIGIL_TOTP_KEY; never one in the repo): users may enrol TOTP.
    env: { redisUrl: await testRedisUrl(), dataDir, totpKey: randomBytes(32).toString('hex'), ...env },
  };
  const node = await startNode(loaded, createLogger(name, true), { port: 0, queuePrefix: freshPrefix(name) });
  const url = node.url as string;
  let n = 0;
  return {
    node,
    url,
    async token(role, subject = null) {
      return (await node.infra.repos.tokens.create(`${role}-${++n}`, role, subject)).token;
    },
    async api(pathname, token, init = {}) {
      const res = await fetch(`${url}/api/v1${pathname}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body && typeof init.body === 'string' && !init.headers
            ? { 'content-type': 'application/json' }
            : {}),
          ...(init.headers ?? {}),
        },
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async stop() {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
