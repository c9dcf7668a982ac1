// Several Vigil nodes as real processes on one Redis (fresh prefix) and one fresh PostgreSQL database, cameras from one RTSP server.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startNode, type Running } from '../../src/app/start.js';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import { startRtspFixtureServer, type RtspFixtureServer } from '../../src/ingest/rtsp-fixture-server.js';
import { createLogger } from '../../src/lib/logger.js';
import { projectRoot } from './node.js';
import { freshPrefix, testRedisUrl } from './redis.js';

/** The machine's PostgreSQL (trust auth): a database of our own is made per run and dropped after. */
const PG_ADMIN = process.env.VIGIL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(name: string): Promise<FreshDatabase> {
  const db = `vigil_${name}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${db}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${db} with (force)`);
      await c.end();
    },
  };
}

export interface ClusterYamlOptions {
  cameraUrls: string[];
  capacity: number;
  rebalanceMs: number;
  /** Analysed frames per second per camera (kept low: three nodes share two cores). */
  fps: number;
}

/** Checkpoint cameras on the fixture video, no units, no hotlist: reads are the evidence. */
export function clusterYaml(o: ClusterYamlOptions): string {
  const cameras = o.cameraUrls
    .map(
      (url, i) => `
  - id: cam-${i + 1}
    name: Camera ${i + 1}
    source: ${url}
    kind: checkpoint
    checkpointLevel: 2
    lat: ${22.54 + i * 0.001}
    lon: 114.05
    district: d${i % 2}
    analysis: { plates: true, fps: ${o.fps}, width: 1280, height: 720, roi: { x: 0.1, y: 0.0, width: 0.8, height: 1.0 } }`,
    )
    .join('');
  return `
plates: { fuseWindowSeconds: 3 }
recording: { segmentSeconds: 10 }
cluster: { capacity: ${o.capacity}, leaseMs: 5000, heartbeatMs: 2000, renewMs: 500, rebalanceMs: ${o.rebalanceMs} }
cameras:${cameras}
`;
}

/** One node as a separate `vigil start` process; its log goes to a file for when a test fails. */
export class NodeProcess {
  child: ChildProcess | null = null;
  readonly logFile: string;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly env: Record<string, string>,
    private readonly args: string[],
    readonly dataDir: string,
  ) {
    this.logFile = path.join(dataDir, `${id}.log`);
  }

  start(): void {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/vigil.js'), ...this.args], {
      cwd: projectRoot,
      env: { ...process.env, ...this.env, VIGIL_NODE_ID: this.id, VIGIL_DATA_DIR: this.dataDir, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child?.kill(sig);
  }

  async kill(sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.signal(sig);
    await this.exited;
  }

  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  tail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

export interface ClusterHarness {
  prefix: string;
  db: FreshDatabase;
  redisUrl: string;
  rtsp: RtspFixtureServer;
  configFile: string;
  /** An API node in this process on the same Redis and database (GET /nodes, GET /cameras). */
  api: Running;
  apiUrl: string;
  adminToken: string;
  nodes: Map<string, NodeProcess>;
  spawn(id: string): NodeProcess;
  apiGet<T>(pathname: string): Promise<T>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  name: string;
  cameras: number;
  capacity: number;
  rebalanceMs: number;
  fps: number;
}

export async function startCluster(o: HarnessOptions): Promise<ClusterHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vigil-${o.name}-`));
  const mounts = Array.from({ length: o.cameras }, (_, i) => `cam${i + 1}`);
  const rtsp = await startRtspFixtureServer({
    streams: mounts.map((mount) => ({ mount, file: path.join(projectRoot, 'fixtures/media/checkpoint.mp4') })),
  });
  const db = await freshDatabase(o.name);
  const redisUrl = await testRedisUrl();
  const prefix = freshPrefix(o.name);
  const yaml = clusterYaml({
    cameraUrls: mounts.map((m) => rtsp.url(m)),
    capacity: o.capacity,
    rebalanceMs: o.rebalanceMs,
    fps: o.fps,
  });
  const configFile = path.join(dir, 'cluster.yaml');
  writeFileSync(configFile, yaml);
  // The API node migrates the fresh database before the camera nodes start.
  const loaded: LoadedConfig = {
    file: configFile,
    root: projectRoot,
    config: parseConfig(yaml, configFile),
    env: { redisUrl, databaseUrl: db.url, dataDir: path.join(dir, 'api'), nodeId: 'api-1' },
  };
  const api = await startNode(loaded, createLogger(`${o.name}-api`, true), {
    roles: ['api'],
    port: 0,
    queuePrefix: prefix,
  });
  const apiUrl = api.url as string;
  const { token: adminToken } = await api.infra.repos.tokens.create('cluster-admin', 'admin', null);
  const nodes = new Map<string, NodeProcess>();
  const env = { REDIS_URL: redisUrl, DATABASE_URL: db.url, VIGIL_QUEUE_PREFIX: prefix };
  return {
    prefix,
    db,
    redisUrl,
    rtsp,
    configFile,
    api,
    apiUrl,
    adminToken,
    nodes,
    spawn(id) {
      const node = new NodeProcess(
        id,
        env,
        ['start', '--config', configFile, '--roles', 'cameras,pipeline'],
        mkdtempSync(path.join(dir, `${id}-`)),
      );
      node.start();
      nodes.set(id, node);
      return node;
    },
    async apiGet<T>(pathname: string): Promise<T> {
      const res = await fetch(`${apiUrl}/api/v1${pathname}`, { headers: { authorization: `Bearer ${adminToken}` } });
      if (!res.ok) throw new Error(`GET ${pathname}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      // The nodes' logs outlive the run (a few kB each), for when a step failed.
      const keep = path.join(os.tmpdir(), `vigil-${o.name}-logs-${process.pid}`);
      mkdirSync(keep, { recursive: true });
      for (const n of nodes.values())
        if (existsSync(n.logFile)) copyFileSync(n.logFile, path.join(keep, `${n.id}.log`));
      await api.stop();
      await rtsp.stop();
      // Our prefix only: the machine's Redis is shared.
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      redis.disconnect();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
