import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, stopTestRedis, testRedisUrl } from '../../test/helpers/redis.js';
import { LeaseStore } from './lease-store.js';
import { NodeRegistry, type NodeRecord } from './node-registry.js';

const a = { nodeId: 'node-a', instance: 'a-1' };
const b = { nodeId: 'node-b', instance: 'b-1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const record = (instance: string): NodeRecord => ({
  nodeId: instance,
  instance,
  roles: ['cameras'],
  capacity: 3,
  cameras: [],
  version: '0',
  host: 'h',
  pid: 1,
  startedAt: 1,
  heartbeatAt: Date.now(),
  stopping: false,
});

describe('LeaseStore (real Redis, fresh prefix)', () => {
  let redis: Redis;
  let prefix: string;
  /** Heartbeats that outlive each test (a lease is taken only by a node whose heartbeat lives). */
  let registry: NodeRegistry;

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
    prefix = `${freshPrefix('leases')}:cluster`;
    registry = new NodeRegistry(redis, prefix, 60_000);
    await registry.beat(record('a-1'));
    await registry.beat(record('b-1'));
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await stopTestRedis();
  });

  it('gives a camera to one holder, with a token that grows at every new lease', async () => {
    const store = new LeaseStore(redis, prefix, 5000);
    const first = await store.acquire('cam-1', a);
    expect(first).toMatchObject({ cameraId: 'cam-1', nodeId: 'node-a', token: 1 });
    expect(await store.acquire('cam-1', b)).toBeNull();
    // A refused attempt draws no token: the holder's writes stay current.
    expect(await store.currentToken('cam-1')).toBe(1);
    expect((await store.holders(['cam-1', 'cam-2'])).get('cam-1')).toMatchObject({ instance: 'a-1', token: 1 });
    expect(await store.release(first!)).toBe(true);
    const second = await store.acquire('cam-1', b);
    expect(second?.token).toBe(2);
    expect(await store.currentToken('cam-1')).toBe(2);
  });

  it("lets a lease expire unless renewed, and never renews or releases another holder's lease", async () => {
    const store = new LeaseStore(redis, prefix, 1000);
    const lease = await store.acquire('cam-3', a);
    expect(lease).not.toBeNull();
    for (let i = 0; i < 4; i++) {
      await sleep(400);
      expect(await store.renew([lease!])).toEqual([]);
    }
    expect((await store.holders(['cam-3'])).has('cam-3')).toBe(true);
    await sleep(1300);
    expect((await store.holders(['cam-3'])).has('cam-3')).toBe(false);
    const taken = await store.acquire('cam-3', b);
    expect(taken?.token).toBe(lease!.token + 1);
    // The old holder, back from a stall: its renewal and release fail, the new lease stands.
    expect(await store.renew([lease!])).toEqual(['cam-3']);
    expect(await store.release(lease!)).toBe(false);
    expect((await store.holders(['cam-3'])).get('cam-3')?.instance).toBe('b-1');
  });

  it("a restarted node (same name, new instance) cannot renew its previous run's lease", async () => {
    const store = new LeaseStore(redis, prefix, 5000);
    const lease = await store.acquire('cam-4', a);
    expect(await store.renew([{ ...lease!, instance: 'a-2' }])).toEqual(['cam-4']);
  });

  it("a dead holder's lease is taken once its heartbeat is gone, before the lease runs out, with a newer token", async () => {
    const store = new LeaseStore(redis, prefix, 60_000);
    const short = new NodeRegistry(redis, prefix, 600);
    await short.beat(record('c-1'));
    const lease = await store.acquire('cam-5', { nodeId: 'node-c', instance: 'c-1' });
    expect(lease).not.toBeNull();
    // While c beats, its lease stands: a taker naming it as dead is refused, and so is one naming the wrong holder.
    expect(await store.acquire('cam-5', b, Date.now(), 'c-1')).toBeNull();
    expect(await store.acquire('cam-5', b)).toBeNull();
    await sleep(900);
    expect(await store.acquire('cam-5', b, Date.now(), 'someone-else')).toBeNull();
    const taken = await store.acquire('cam-5', b, Date.now(), 'c-1');
    expect(taken?.token).toBe(lease!.token + 1);
    expect(await store.currentToken('cam-5')).toBe(taken?.token);
    // c, back from a stall: its renewal fails, so it never counts the camera as its own again.
    expect(await store.renew([lease!])).toEqual(['cam-5']);
    // b beats: nobody takes the camera from it by naming it dead.
    expect(await store.acquire('cam-5', a, Date.now(), 'b-1')).toBeNull();
  });

  it('a node whose own heartbeat has lapsed takes no lease (it could be taken from it at once)', async () => {
    const store = new LeaseStore(redis, prefix, 5000);
    expect(await store.acquire('cam-6', { nodeId: 'node-d', instance: 'd-1' })).toBeNull();
    expect(await store.currentToken('cam-6')).toBe(0);
  });
});

describe('NodeRegistry (real Redis, fresh prefix)', () => {
  it('lists nodes while they beat and forgets them when they stop or die', async () => {
    const redis = new Redis(await testRedisUrl());
    const prefix = `${freshPrefix('nodes')}:cluster`;
    const registry = new NodeRegistry(redis, prefix, 800);
    await registry.beat(record('x'));
    await registry.beat(record('y'));
    expect((await registry.list()).map((n) => n.instance)).toEqual(['x', 'y']);
    await registry.remove('x');
    expect((await registry.list()).map((n) => n.instance)).toEqual(['y']);
    await sleep(1000);
    expect(await registry.list()).toEqual([]);
    expect(await redis.scard(`${prefix}:nodes`)).toBe(0);
    redis.disconnect();
  });
});
