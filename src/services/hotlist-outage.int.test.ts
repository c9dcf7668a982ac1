// Integration (a private redis-server killed for real, PGlite): a hotlist change made while Redis is down
// answers at once and stands; the other process's index learns of it when Redis is back, from the notice
// kept for it and from the resync every process makes after its bus reconnects, which also brings in a
// change whose notice was lost altogether (a process that died between its commit and its publish).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HotlistIndex } from '../matching/hotlist-index.js';
import { EventBus } from '../queues/event-bus.js';
import type { Logger } from '../lib/logger.js';
import { startLocalRedis, type LocalRedis } from '../lib/redis-server.js';
import { createRedis } from '../lib/redis-watch.js';
import { AuditRepo } from '../store/audit-repo.js';
import { openDb, type Db } from '../store/db.js';
import { HotlistRepo } from '../store/hotlist-repo.js';
import { migrate } from '../store/migrate.js';
import type { Principal } from '../store/token-repo.js';
import { HotlistService } from './hotlist-service.js';

const lines: string[] = [];
const log: Logger = {
  info: (m: string) => void lines.push(m),
  warn: (m: string) => void lines.push(m),
  error: (m: string) => void lines.push(m),
  child: () => log,
} as Logger;

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const admin: Principal = {
  tokenId: 't',
  name: 'duty.officer',
  role: 'admin',
  subject: null,
  personId: 'p',
  scope: null,
};
const entry = (plate: string) => ({
  plate,
  category: 'stolen_vehicle' as const,
  reason: 'reported stolen',
  source: 'case 2026-77',
  expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
});

describe('hotlist changes through a Redis outage', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-hotlist-outage-'));
  let redis: LocalRedis;
  let db: Db;
  const closers: (() => Promise<unknown> | void)[] = [];
  /** One process: its own Redis connection, bus, index and service over the shared database. */
  const process_ = async () => {
    const main = createRedis(redis.url, { maxRetriesPerRequest: null }, log);
    const bus = new EventBus(main, 'outage');
    const index = new HotlistIndex();
    const service = new HotlistService(new HotlistRepo(db), index, new AuditRepo(db), bus, log);
    await service.start();
    closers.push(
      () => service.stop(),
      () => bus.close(),
      () => main.disconnect(),
    );
    return { main, bus, index, service };
  };
  const listed = (index: HotlistIndex, plate: string) => index.lookup(plate).some((m) => m.entry.plate === plate);

  beforeAll(async () => {
    // Slow to come back, so changes land while it is down.
    redis = await startLocalRedis(dir, { restartDelayMs: 2500 });
    db = await openDb({ url: 'memory://' });
    await migrate(db);
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
    await redis?.stop();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers while Redis is down, and the other process has every change once it is back', async () => {
    const a = await process_();
    const b = await process_();
    const first = await a.service.create(entry('粤B12345'), admin, 'listing');
    await until('the first entry reaching the other process', () => listed(b.index, '粤B12345'));

    process.kill(redis.pid()!, 'SIGKILL');
    await until('process A seeing Redis gone', () => a.main.status !== 'ready');
    // Both committed with their audit entries; neither waits for Redis.
    await a.service.create(entry('粤B67890'), admin, 'listing during the outage');
    await a.service.deactivate(first.id, admin, 'recovered');
    expect(a.bus.unsentCount).toBe(2);
    expect(listed(a.index, '粤B67890')).toBe(true);
    expect(listed(a.index, '粤B12345')).toBe(false);
    // A change whose notice never went out at all: only the resync brings it.
    await new HotlistRepo(db).create({ ...entry('京A00001'), priority: 3, addedBy: 'a process that died' });
    expect(lines.filter((l) => /hotlist: Redis unreachable/.test(l))).toHaveLength(2);

    await until('the other process having every change', () => {
      return listed(b.index, '粤B67890') && !listed(b.index, '粤B12345') && listed(b.index, '京A00001');
    });
    await until('the kept notices sent', () => a.bus.unsentCount === 0);
    const audit = await db.query<{ action: string }>(`select action from audit_log order by seq`);
    expect(audit.map((r) => r.action)).toEqual(['hotlist.create', 'hotlist.create', 'hotlist.update']);
  }, 60_000);
});
