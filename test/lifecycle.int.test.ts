// A node as an operator runs it (`node bin/vigil.js start`, demo on): Ctrl-C to the whole process group
// and SIGTERM end it with no child left; after a SIGKILL its children end too and the next start is clean;
// a killed redis-server is restarted and the queues work on.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procStartOf, stillRuns, type ChildRecord } from '../src/lib/children.js';
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

/** Figures for the report, printed, never asserted on (the machine is shared). */
const figure = (name: string, ms: number) =>
  process.stdout.write(`lifecycle figure ${JSON.stringify({ name, seconds: Math.round(ms / 100) / 10 })}\n`);

const alive = (records: Iterable<ChildRecord>) =>
  [...records].filter((c) => stillRuns(c)).map((c) => `${c.command} (pid ${c.pid})`);

/** Waits for cond() (polled every 500 ms) up to ms; the message says what did not happen. */
async function until<T>(
  what: string,
  ms: number,
  cond: () => Promise<T | null | undefined> | T | null | undefined,
): Promise<T> {
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
    expect([...kids.seen.values()].map((c) => c.command)).toEqual(
      expect.arrayContaining(['redis-server', '/usr/bin/python3', 'ffmpeg']),
    );
    const signalledAt = Date.now();
    process.kill(-v.pid, 'SIGINT');
    const exit = await v.exitWithin(15_000);
    figure('SIGINT to the group -> exit', Date.now() - signalledAt);
    kids.stop();
    expect(exit, v.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(alive(kids.seen.values())).toEqual([]);
    expect(v.output()).not.toMatch(/ECONNREFUSED/);
  }, 300_000);

  it('after a SIGKILL of the node its children end and the next start on its data directory is clean; a killed redis-server is restarted; SIGTERM then exits 0', async () => {
    const s = await setup('sigkill');
    const first = await start(s);
    const firstKids = collectChildren(first);
    await until(
      'camera ffmpeg and recorder started',
      60_000,
      () => [...firstKids.seen.values()].filter((c) => c.command === 'ffmpeg').length >= 2,
    );
    firstKids.stop();
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    expect([...firstKids.seen.values()].map((c) => c.command)).toContain('redis-server');
    // Told by the kernel (parent-death signal) or, for the RTSP server, by its own parent check: none outlives the node.
    await until('children of the SIGKILLed node gone', 15_000, () => alive(firstKids.seen.values()).length === 0);

    // Something the kernel did not stop (an older Vigil, no setpriv): named in a dead owner's pid file, reaped at start.
    const leftover = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
    await until("sleep exec'd", 5_000, () => stillRuns({ pid: leftover.pid!, command: 'sleep', procStart: null }));
    const record: ChildRecord = {
      pid: leftover.pid!,
      command: 'sleep',
      args: ['300'],
      startedAt: new Date().toISOString(),
      procStart: procStartOf(leftover.pid!),
      stopSignal: 'SIGKILL',
    };
    writeFileSync(
      path.join(s.dataDir, 'run', `children-${first.pid}.json`),
      JSON.stringify({ owner: { pid: first.pid, procStart: null }, children: [record] }),
    );

    const second = await start(s);
    expect(second.output()).not.toMatch(/address already in use|cannot listen/i);
    expect(second.output()).toMatch(
      new RegExp(`stopped 1 process\\(es\\) a previous run left behind: sleep \\(pid ${leftover.pid}\\)`),
    );
    expect(stillRuns(record)).toBe(false);

    // kill -9 of the private redis-server while the node runs: restarted on its port with its data.
    const kids = collectChildren(second);
    const oldRedis = second.children().find((c) => c.command === 'redis-server')!;
    const killedAt = Date.now();
    process.kill(oldRedis.pid, 'SIGKILL');
    const newRedis = await until('redis-server restarted', 30_000, () =>
      second.children().find((c) => c.command === 'redis-server' && c.pid !== oldRedis.pid),
    );
    await until('the node sees Redis again', 30_000, () => /answers again after/.test(second.output()));
    figure('kill -9 redis-server -> clients reconnected', Date.now() - killedAt);
    expect(newRedis.args).toEqual(oldRedis.args);
    const restartedAt = new Date().toISOString();

    const admin = second.token('admin');
    // Until every client has reconnected the API answers 503 "retry shortly": retry as a client would.
    const entry = {
      plate: '粤B12345',
      category: 'stolen_vehicle',
      reason: 'lifecycle test',
      source: 'test',
      priority: 2,
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      why: 'lifecycle test',
    };
    const created = await until('hotlist entry accepted', 30_000, async () => {
      const r = await second.api('/hotlist', admin, { method: 'POST', body: JSON.stringify(entry) });
      return r.status === 503 ? null : r;
    });
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

    const termAt = Date.now();
    process.kill(second.pid, 'SIGTERM');
    const exit = await second.exitWithin(10_000);
    figure('SIGTERM -> exit', Date.now() - termAt);
    kids.stop();
    expect(exit, second.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(alive(kids.seen.values())).toEqual([]);
  }, 600_000);
});
