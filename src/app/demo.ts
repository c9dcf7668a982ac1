// The embedded demo: fixture videos over RTSP (the cameras role's), and a listed plate, unit positions and
// fresh demo tokens (seeded once, by the api role's process).
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import { StartupError } from '../lib/shutdown.js';
import type { HotlistService } from '../services/hotlist-service.js';
import type { Role } from '../store/token-repo.js';
import type { Repos } from './infra.js';

export interface DemoHandle {
  tokens: { name: string; role: Role; subject: string | null; token: string }[];
  stop(): Promise<void>;
}

const DEMO_PREFIX = 'demo-';

/** Which demo parts this process runs; with roles split over processes, each part runs in exactly one. */
export interface DemoParts {
  /** Serve demo.streams over RTSP on demo.rtspPort: the process with the cameras role (which reads them). */
  rtsp: boolean;
  /** Issue the demo tokens and list the demo plates and positions: the process with the api role. */
  seed: boolean;
}

export async function startDemo(
  loaded: LoadedConfig,
  repos: Repos,
  hotlist: HotlistService,
  log: Logger,
  parts: DemoParts = { rtsp: true, seed: true },
): Promise<DemoHandle> {
  const server = parts.rtsp ? await startDemoRtsp(loaded, log) : null;
  try {
    const tokens = parts.seed ? await seedDemo(loaded, repos, hotlist) : [];
    return { tokens, stop: async () => server?.stop() };
  } catch (err) {
    await server?.stop();
    throw err;
  }
}

async function startDemoRtsp(loaded: LoadedConfig, log: Logger) {
  const { demo } = loaded.config;
  if (!demo.streams.length) return null;
  const { startRtspFixtureServer } = await import('../ingest/rtsp-fixture-server.js');
  const server = await startRtspFixtureServer({
    port: demo.rtspPort,
    streams: demo.streams.map((s) => ({ mount: s.mount, file: path.resolve(loaded.root, s.file) })),
  }).catch((err: Error) => {
    // A taken port is the operator's to fix: said without a stack.
    throw new StartupError(`demo RTSP server on port ${demo.rtspPort}: ${err.message} (set demo.rtspPort)`);
  });
  if (server) log.info(`demo RTSP server: ${demo.streams.map((s) => server.url(s.mount)).join(', ')}`);
  return server;
}

async function seedDemo(loaded: LoadedConfig, repos: Repos, hotlist: HotlistService): Promise<DemoHandle['tokens']> {
  const { demo, units, cameras } = loaded.config;
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
  for (const c of cameras.filter((cam) => cam.kind === 'checkpoint'))
    await issue(`checkpoint-${c.id}`, 'checkpoint', c.id);
  for (const u of units) await issue(`unit-${u.id}`, 'unit', u.id);

  const admin = {
    tokenId: 'demo',
    name: `${DEMO_PREFIX}setup`,
    role: 'admin' as const,
    subject: null,
    personId: 'demo',
    scope: null,
  };
  const listed = new Set((await repos.hotlistRepo.list({ limit: 1000 })).map((e) => e.plate));
  for (const h of demo.hotlist.filter((e) => !listed.has(e.plate))) {
    const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    await hotlist.create(
      {
        plate: h.plate,
        category: h.category as never,
        reason: h.reason,
        source: 'demo seed (config/default.yaml)',
        priority: h.priority,
        expiresAt: expires,
      },
      admin,
      'demo seed',
    );
  }
  for (const p of demo.positions) await repos.units.reportPosition(p.unit, p.lat, p.lon);
  for (const u of units) await repos.units.setStatus(u.id, 'available');
  return issued;
}
