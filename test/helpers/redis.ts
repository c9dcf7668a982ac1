// Test Redis: REDIS_URL, else the machine's 127.0.0.1:6379, else a private redis-server started for the run.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedis } from '../../src/lib/redis-server.js';

let local: LocalRedis | null = null;

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function testRedisUrl(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await answers('redis://127.0.0.1:6379')) return 'redis://127.0.0.1:6379';
  local ??= await startLocalRedis(mkdtempSync(path.join(os.tmpdir(), 'vigil-redis-')));
  return local.url;
}

/** A queue/key prefix no other test run uses, so runs never see each other's jobs. */
export function freshPrefix(name: string): string {
  return `vigil-test-${name}-${process.pid}-${Date.now().toString(36)}`;
}

export async function stopTestRedis(): Promise<void> {
  await local?.stop();
  local = null;
}
