// The embedded demo: fixture videos over RTSP, a listed plate, unit positions, and fresh demo tokens.
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import type { HotlistService } from '../services/hotlist-service.js';
import type { Role } from '../store/token-repo.js';
import type { Repos } from './infra.js';

export interface DemoHandle {
  tokens: { name: string; role: Role; subject: string | null; token: string }[];
  stop(): Promise<void>;
}

const DEMO_PREFIX = 'demo-';

export async function startDemo(loaded: LoadedConfig, repos: Repos, hotlist: HotlistService, log: Logger): Promise<DemoHandle> {
  const { demo, units, cameras } = loaded.config;
  const server = demo.streams.length
    ? await (await import('../ingest/rtsp-fixture-server.js')).startRtspFixtureServer({ port: demo.rtspPort, streams: demo.streams.map((s) => ({ mount: s.mount, file: path.resolve(loaded.root, s.file) })) })
    : null;
  if (server) log.info(`demo RTSP server: ${demo.streams.map((s) => server.url(s.mount)).join(', ')}`);

  // Demo tokens are new at every start: nothing fixed to guess, and old ones stop working.
  await repos.tokens.revokeByPrefix(DEMO_PREFIX);
  const issued: DemoHandle['tokens'] = [];
  const issue = async (name: string, role: Role, subject: string | null = null) => {
    const { token } = await repos.tokens.create(`${DEMO_PREFIX}${name}`, role, subject);
    issued.push({ name, role, subject, token });
  };
  await issue('admin', 'admin');
  await issue('operator', 'operator');
  await issue('investigator', 'investigator');
  for (const c of cameras.filter((cam) => cam.kind === 'checkpoint')) await issue(`checkpoint-${c.id}`, 'checkpoint', c.id);
  for (const u of units) await issue(`unit-${u.id}`, 'unit', u.id);

  const admin = { tokenId: 'demo', name: `${DEMO_PREFIX}setup`, role: 'admin' as const, subject: null };
  const listed = new Set((await repos.hotlistRepo.list({ limit: 1000 })).map((e) => e.plate));
  for (const h of demo.hotlist.filter((e) => !listed.has(e.plate))) {
    const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    await hotlist.create({ plate: h.plate, category: h.category as never, reason: h.reason, source: 'demo seed (config/default.yaml)', priority: h.priority, expires_at: expires }, admin, 'demo seed');
  }
  for (const p of demo.positions) await repos.units.reportPosition(p.unit, p.lat, p.lon);
  for (const u of units) await repos.units.setStatus(u.id, 'available');
  return { tokens: issued, stop: async () => server?.stop() };
}
