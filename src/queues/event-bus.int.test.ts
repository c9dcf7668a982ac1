// The event bus on a real Redis: topics are kept apart by the deployment's prefix, and malformed notices never reach a listener.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, stopTestRedis, testRedisUrl } from '../../test/helpers/redis.js';
import { EventBus, type LiveEvent } from './event-bus.js';

/** Resolves with what arrived once `ms` passed. */
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventBus', () => {
  let redis: Redis;
  const buses: EventBus[] = [];
  const bus = (prefix: string) => {
    const b = new EventBus(redis, prefix);
    buses.push(b);
    return b;
  };

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    redis.disconnect();
    await stopTestRedis();
  });

  it('two deployments on one Redis under different prefixes hear only their own notices and events', async () => {
    const a = bus(freshPrefix('bus-a'));
    const b = bus(freshPrefix('bus-b'));
    const aSameDeployment = bus(a.prefix);
    const heard = {
      a: [] as string[][],
      b: [] as string[][],
      aOther: [] as string[][],
      bEvents: [] as LiveEvent[],
      duty: 0,
    };
    await a.onNotice('hotlist-changed', (n) => heard.a.push(n.ids));
    await b.onNotice('hotlist-changed', (n) => heard.b.push(n.ids));
    await aSameDeployment.onNotice('hotlist-changed', (n) => heard.aOther.push(n.ids));
    await b.subscribe((e) => heard.bEvents.push(e));
    await b.onNotice('duty-changed', () => heard.duty++);

    await a.notify('hotlist-changed', { ids: ['entry-1', 'entry-2'] });
    await a.publish({ type: 'duty', level: 'wartime', previous: 'normal', at: Date.now(), data: {} });
    await a.notify('duty-changed', {
      id: 1,
      level: 'wartime',
      previous: 'normal',
      changedBy: 'lead',
      role: 'admin',
      reason: 'drill',
      at: new Date().toISOString(),
    });
    await settle(300);

    expect(heard.a).toEqual([['entry-1', 'entry-2']]);
    expect(heard.aOther).toEqual([['entry-1', 'entry-2']]);
    expect(heard.b).toEqual([]);
    expect(heard.bEvents).toEqual([]);
    expect(heard.duty).toBe(0);
    expect(a.channel('hotlist-changed')).toBe(`${a.prefix}:hotlist-changed`);
  });

  it('drops a message that does not fit its topic, and refuses to send one', async () => {
    const a = bus(freshPrefix('bus-malformed'));
    const heard: string[] = [];
    await a.onNotice('face-watchlist-changed', (n) => heard.push(n.subjectId));
    await redis.publish(a.channel('face-watchlist-changed'), 'not json');
    await redis.publish(a.channel('face-watchlist-changed'), JSON.stringify({ subject: 'wrong key' }));
    await a.notify('face-watchlist-changed', { subjectId: 's-1' });
    await settle(300);
    expect(heard).toEqual(['s-1']);
    await expect(a.notify('hotlist-changed', { ids: [] })).rejects.toThrow();
  });

  it('a listener that unsubscribed hears nothing more; others on the topic still do', async () => {
    const a = bus(freshPrefix('bus-unsub'));
    const first: number[] = [];
    const second: number[] = [];
    const off = await a.subscribe((e) => first.push(e.at));
    await a.subscribe((e) => second.push(e.at));
    await a.publish({ type: 'assignment', alertId: 'x', unitId: 'u', state: 'offered', at: 1 });
    await settle(200);
    off();
    await a.publish({ type: 'assignment', alertId: 'x', unitId: 'u', state: 'offered', at: 2 });
    await settle(200);
    expect(first).toEqual([1]);
    expect(second).toEqual([1, 2]);
  });
});
