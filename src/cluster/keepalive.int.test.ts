// Integration (real Redis, fresh prefix, the real worker thread): the keep-alive writes the heartbeat and renews the
// leases; a lease counts as ours never further ahead than the heartbeat, and stops counting once it is someone else's.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, stopTestRedis, testRedisUrl } from '../../test/helpers/redis.js';
import { cloneableConnection, Keepalive } from './keepalive.js';
import { LeaseStore } from './lease-store.js';
import { nodeKey, NodeRegistry, type NodeRecord } from './node-registry.js';

const HEARTBEAT_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const record: NodeRecord = {
  nodeId: 'node-k',
  instance: 'k-1',
  roles: ['cameras'],
  capacity: 2,
  cameras: [],
  version: '0',
  host: 'h',
  pid: 1,
  startedAt: 1,
  heartbeatAt: 1,
  stopping: false,
};

describe('Keepalive (worker thread, real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keepalive: Keepalive;
  const lost: string[] = [];

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
    prefix = `${freshPrefix('keepalive')}:cluster`;
    const beatAt = Date.now();
    await new NodeRegistry(redis, prefix, HEARTBEAT_MS).beat(record);
    keepalive = new Keepalive({
      connection: cloneableConnection(redis.options),
      prefix,
      heartbeatMs: HEARTBEAT_MS,
      leaseMs: 5000,
      renewMs: 200,
      maxLeases: 2,
      onLost: (ids) => lost.push(...ids),
    });
    keepalive.start(record, beatAt);
  });

  afterAll(async () => {
    await keepalive?.stop();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await stopTestRedis();
  });

  it('keeps the heartbeat alive and counts a held lease as ours no further ahead than the heartbeat time', async () => {
    const store = new LeaseStore(redis, prefix, 5000);
    const lease = await store.acquire('cam-1', record);
    expect(lease).not.toBeNull();
    keepalive.hold(lease!, Math.min(Date.now() + 5000, keepalive.heartbeatValidUntil()));
    for (let i = 0; i < 5; i++) {
      await sleep(300);
      const now = Date.now();
      expect(keepalive.validUntil('cam-1')).toBeGreaterThan(now);
      expect(keepalive.validUntil('cam-1')).toBeLessThanOrEqual(now + HEARTBEAT_MS);
      expect(keepalive.heartbeatValidUntil()).toBeGreaterThan(now);
    }
    // Well past the heartbeat time since the first beat: the thread rewrote it (and renewed the lease).
    expect(await redis.pttl(nodeKey(prefix, 'k-1'))).toBeGreaterThan(0);
    expect((await store.holders(['cam-1'])).get('cam-1')?.instance).toBe('k-1');
    expect(keepalive.problem()).toBeNull();
  });

  it('reports a lease taken by another node as lost, and stops extending it', async () => {
    const store = new LeaseStore(redis, prefix, 5000);
    const lease = await store.acquire('cam-2', record);
    keepalive.hold(lease!, Math.min(Date.now() + 5000, keepalive.heartbeatValidUntil()));
    await sleep(300);
    // As a takeover leaves it: the lease names another holder, with a newer token.
    await redis.set(
      `${prefix}:lease:cam-2`,
      JSON.stringify({ nodeId: 'node-o', instance: 'o-1', token: lease!.token + 1, since: Date.now() }),
      'PX',
      5000,
    );
    const takenAt = Date.now();
    await expect.poll(() => lost.includes('cam-2'), { timeout: 3000, interval: 50 }).toBe(true);
    const frozen = keepalive.validUntil('cam-2');
    expect(frozen).toBeLessThanOrEqual(takenAt + HEARTBEAT_MS);
    await sleep(500);
    expect(keepalive.validUntil('cam-2')).toBe(frozen);
    // The other lease is unaffected.
    expect(keepalive.validUntil('cam-1')).toBeGreaterThan(Date.now());
  });
});
