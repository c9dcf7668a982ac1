// Probes through app.request(): readiness aggregation, timeouts, the 503 body; the API's answers while Redis is down.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { registry } from '../lib/metrics.js';
import { Readiness } from '../lib/readiness.js';
import { healthRoutes, redisUnreachableAnswer, refuseChangesWithoutRedis } from './health.js';

const never = () => new Promise<void>(() => {});

describe('/healthz and /readyz', () => {
  it('/healthz answers without running any check', async () => {
    const readiness = new Readiness();
    let ran = 0;
    readiness.register({ name: 'database', check: async () => void ran++ });
    const res = await healthRoutes(readiness).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    expect(ran).toBe(0);
  });

  it('answers 200 with every check when all pass', async () => {
    const readiness = new Readiness();
    readiness.register({ name: 'database', check: async () => {} });
    readiness.register({ name: 'redis', check: async () => {} });
    const res = await healthRoutes(readiness).request('/readyz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; checks: { name: string; ok: boolean }[] };
    expect(body.ok).toBe(true);
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['redis', true],
    ]);
  });

  it('answers 503 naming each failed check and why, and still reports the good ones', async () => {
    const readiness = new Readiness();
    readiness.register({ name: 'database', check: async () => {} });
    readiness.register({
      name: 'redis',
      check: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
      },
    });
    readiness.register({
      name: 'workers',
      check: () => {
        throw new Error('queue dispatch: worker not running');
      },
    });
    const res = await healthRoutes(readiness).request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      ok: boolean;
      error: string;
      checks: { name: string; ok: boolean; error?: string }[];
    };
    expect(body.ok).toBe(false);
    // The API port does not tell anyone who asks where Redis lives; the metrics port does.
    expect(body.error).toBe(
      'not ready: redis (connect ECONNREFUSED <address>); workers (queue dispatch: worker not running)',
    );
    const full = (await (await healthRoutes(readiness, { addresses: true }).request('/readyz')).json()) as {
      error: string;
    };
    expect(full.error).toContain('ECONNREFUSED 127.0.0.1:6390');
    expect(body.checks.find((c) => c.name === 'database')).toMatchObject({ ok: true });
  });

  it('a check that never answers fails as timed out instead of holding /readyz', async () => {
    const readiness = new Readiness(50);
    readiness.register({ name: 'leases', check: never });
    readiness.register({ name: 'database', check: async () => {} });
    const res = await healthRoutes(readiness).request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; checks: { name: string; ok: boolean; error?: string }[] };
    expect(body.checks.find((c) => c.name === 'leases')).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
    expect(body.error).toContain('leases (no answer within 50 ms)');
  });

  it('a check registered again by name replaces the old one; the returned function removes it', async () => {
    const readiness = new Readiness();
    readiness.register({
      name: 'leases',
      check: async () => {
        throw new Error('old');
      },
    });
    const remove = readiness.register({ name: 'leases', check: async () => {} });
    expect((await healthRoutes(readiness).request('/readyz')).status).toBe(200);
    remove();
    expect(readiness.names()).toEqual([]);
  });

  it('sets the readiness gauge per check', async () => {
    const readiness = new Readiness();
    readiness.register({
      name: 'gauge-probe',
      check: async () => {
        throw new Error('down');
      },
    });
    await readiness.run();
    expect(await registry.getSingleMetricAsString('vigil_readiness_check')).toContain(
      'vigil_readiness_check{check="gauge-probe"} 0',
    );
  });
});

describe('the API while Redis is down', () => {
  function api(redisUp: boolean) {
    const app = new Hono()
      .use(refuseChangesWithoutRedis(() => redisUp))
      .get('/cameras', () => {
        throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      })
      .get('/alerts', (c) => c.json({ alerts: [] }))
      .post('/alerts/1/disposition', (c) => c.json({ ok: true }))
      .get('/boom', () => {
        throw new Error('something else');
      });
    app.onError((err, c) => redisUnreachableAnswer(err, c) ?? c.json({ error: 'internal error' }, 500));
    return app;
  }

  it('a read that needs Redis answers 503 saying Redis is unreachable', async () => {
    const res = await api(false).request('/cameras');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Redis is unreachable/);
  });

  it('reads that need no Redis still answer; other errors are not taken for Redis', async () => {
    expect((await api(false).request('/alerts')).status).toBe(200);
    expect((await api(false).request('/boom')).status).toBe(500);
  });

  it('changes are refused at once while Redis is down, and pass when it is up', async () => {
    const down = await api(false).request('/alerts/1/disposition', { method: 'POST' });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect((await api(true).request('/alerts/1/disposition', { method: 'POST' })).status).toBe(200);
  });
});
