// A node as an operator runs it (`node bin/vigil.js start`, demo on): Ctrl-C to the whole process group
// and SIGTERM end it with no child left; after a SIGKILL the next start is clean; a killed redis-server
// is restarted and the queues work on.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { stillRuns, type ChildRecord } from '../src/lib/children.js';
import { collectChildren, demoSetup, startVigil, type DemoSetup, type VigilProcess } from './helpers/vigil-process.js';

const started: VigilProcess[] = [];
const setups: DemoSetup[] = [];

async function setup(name: string): Promise<DemoSetup> {
  const s = await demoSetup(name);
  setups.push(s);
  return s;
}

async function start(s: DemoSetup): Promise<VigilProcess> {
  const v = await startVigil(s);
  started.push(v);
  await v.running();
  return v;
}

const alive = (records: Iterable<ChildRecord>) => [...records].filter((c) => stillRuns(c)).map((c) => `${c.command} (pid ${c.pid})`);

/** Waits for cond() (polled every 500 ms) up to ms; the message says what did not happen. */
async function until<T>(what: string, ms: number, cond: () => Promise<T | null | undefined> | T | null | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await cond();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

afterAll(async () => {
  for (const v of started) {
    try {
      process.kill(-v.pid, 'SIGKILL');
    } catch {
      // exited
    }
    for (const c of v.children()) if (stillRuns(c)) process.kill(c.pid, 'SIGKILL');
  }
  for (const s of setups) rmSync(s.dir, { recursive: true, force: true });
});

describe('node lifecycle (real processes)', () => {
  it('Ctrl-C to the whole process group after the demo ran 20 s: exits 0 within 15 s, no child left', async () => {
    const v = await start(await setup('sigint'));
    const kids = collectChildren(v);
    await new Promise((r) => setTimeout(r, 20_000));
    expect([...kids.seen.values()].map((c) => c.command)).toEqual(expect.arrayContaining(['redis-server', '/usr/bin/python3', 'ffmpeg']));
    process.kill(-v.pid, 'SIGINT');
    const exit = await v.exitWithin(15_000);
    kids.stop();
    expect(exit, v.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(alive(kids.seen.values())).toEqual([]);
    expect(v.output()).not.toMatch(/ECONNREFUSED/);
  }, 300_000);

  it('after a SIGKILL of the node, the next start on its data directory is clean; a killed redis-server is restarted; SIGTERM then exits 0', async () => {
    const s = await setup('sigkill');
    const first = await start(s);
    const firstKids = collectChildren(first);
    await until('camera ffmpeg and recorder started', 60_000, () => [...firstKids.seen.values()].filter((c) => c.command === 'ffmpeg').length >= 2);
    firstKids.stop();
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    const redis = [...firstKids.seen.values()].find((c) => c.command === 'redis-server')!;
    // In its own process group, the redis-server outlives a SIGKILLed node until the next start reaps it.
    expect(stillRuns(redis)).toBe(true);

    const second = await start(s);
    expect(alive(firstKids.seen.values())).toEqual([]);
    expect(second.output()).not.toMatch(/address already in use|cannot listen/i);

    // kill -9 of the private redis-server while the node runs: restarted on its port with its data.
    const kids = collectChildren(second);
    const oldRedis = second.children().find((c) => c.command === 'redis-server')!;
    process.kill(oldRedis.pid, 'SIGKILL');
    const newRedis = await until('redis-server restarted', 30_000, () => second.children().find((c) => c.command === 'redis-server' && c.pid !== oldRedis.pid));
    expect(newRedis.args).toEqual(oldRedis.args);
    const restartedAt = new Date().toISOString();

    const admin = second.token('admin');
    const created = await second.api('/hotlist', admin, { method: 'POST', body: JSON.stringify({ plate: '粤B12345', category: 'stolen_vehicle', reason: 'lifecycle test', source: 'test', priority: 2, expires_at: new Date(Date.now() + 86_400_000).toISOString(), why: 'lifecycle test' }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const listed = await second.api('/hotlist', admin);
    expect(JSON.stringify(listed.body)).toContain('粤B12345');
    expect((await second.api('/cameras', admin)).status).toBe(200);
    // The demo plate passes every 10 s: a new alert went plate-reads -> alerts on the restarted Redis.
    await until('an alert after the restart', 120_000, async () => {
      const r = await second.api(`/alerts?since=${encodeURIComponent(restartedAt)}`, admin);
      return (r.body.alerts as unknown[] | undefined)?.length;
    });
    expect(second.output().match(/unreachable/g)?.length ?? 0).toBeLessThanOrEqual(1);

    process.kill(second.pid, 'SIGTERM');
    const exit = await second.exitWithin(10_000);
    kids.stop();
    expect(exit, second.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(alive(kids.seen.values())).toEqual([]);
  }, 600_000);
});
