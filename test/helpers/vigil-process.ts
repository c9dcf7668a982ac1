// Runs `node bin/vigil.js start` as a real process for lifecycle tests: its own process group, data
// directory and demo config on free ports; reads its banner, its child pid file, and waits for its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { freePort } from '../../src/lib/redis-server.js';
import type { ChildRecord } from '../../src/lib/children.js';
import { projectRoot } from './node.js';

export interface DemoSetup {
  dir: string;
  dataDir: string;
  configFile: string;
  rtspPort: number;
}

/** config/default.yaml with absolute paths, the demo's RTSP server and camera on a free port, data in a temp dir. */
export async function demoSetup(name: string): Promise<DemoSetup> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vigil-${name}-`));
  const rtspPort = await freePort();
  const config = YAML.parse(readFileSync(path.join(projectRoot, 'config/default.yaml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  config.demo.rtspPort = rtspPort;
  config.demo.streams = config.demo.streams.map((s: { mount: string; file: string }) => ({
    ...s,
    file: path.join(projectRoot, s.file),
  }));
  for (const c of config.cameras) c.source = c.source.replace(':8554/', `:${rtspPort}/`);
  if (config.roads?.graph) config.roads.graph = path.join(projectRoot, config.roads.graph);
  if (config.map?.outline) config.map.outline = path.join(projectRoot, config.map.outline);
  for (const f of config.plans?.files ?? []) f.file = path.join(projectRoot, f.file);
  mkdirSync(path.join(dir, 'config'));
  const configFile = path.join(dir, 'config', `${name}.yaml`);
  writeFileSync(configFile, YAML.stringify(config));
  return { dir, dataDir: path.join(dir, 'data'), configFile, rtspPort };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface VigilProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Everything it wrote (stdout and stderr). */
  output(): string;
  exited: Promise<Exit>;
  /** Resolves once the banner is printed and /healthz answers; rejects if it exits first or after timeoutMs. */
  running(timeoutMs?: number): Promise<void>;
  /** The demo token printed in the banner for a name such as "admin" or "operator". */
  token(name: string): string;
  /** Children in its pid file now. */
  children(): ChildRecord[];
  /** Resolves with the exit, or rejects when it has not exited within ms. */
  exitWithin(ms: number): Promise<Exit>;
  api(pathname: string, token: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }>;
}

export interface StartVigilOptions {
  /** Arguments after `start --config FILE`, e.g. ['--roles', 'api']. */
  args?: string[];
  /** Environment on top of the test's; REDIS_URL and DATABASE_URL are unset unless given here. */
  env?: Record<string, string>;
}

export async function startVigil(setup: DemoSetup, opts: StartVigilOptions = {}): Promise<VigilProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), VIGIL_DATA_DIR: setup.dataDir };
  // The private redis-server and the embedded database unless the test gives others.
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  delete env.VIGIL_CONFIG;
  Object.assign(env, opts.env);
  // detached: its own process group, as a terminal's foreground job is, so a test can signal the whole group.
  const child = spawn(process.execPath, ['bin/vigil.js', 'start', '--config', setup.configFile, ...(opts.args ?? [])], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const runDir = path.join(setup.dataDir, 'run');
  const self: VigilProcess = {
    child,
    pid: child.pid!,
    port,
    output: () => out,
    exited,
    async running(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      let done: Exit | null = null;
      void exited.then((e) => (done = e));
      for (;;) {
        if (done) throw new Error(`vigil exited (${JSON.stringify(done)}) before it was running:\n${out.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`vigil not running after ${timeoutMs} ms:\n${out.slice(-4000)}`);
        const api = !opts.args?.includes('--roles') || opts.args.some((a) => a.split(',').includes('api'));
        if (
          out.includes('Vigil is running') &&
          (!api ||
            (await fetch(`http://127.0.0.1:${port}/healthz`).then(
              (r) => r.ok,
              () => false,
            )))
        )
          return;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    token(name) {
      const m = new RegExp(`^\\s+\\w+\\s+${name}\\s+(vgl_\\S+)\\s*$`, 'm').exec(out);
      if (!m) throw new Error(`no demo token ${name} in the banner`);
      return m[1];
    },
    children() {
      const records: ChildRecord[] = [];
      for (const f of safeReaddir(runDir).filter((n) => n === `children-${child.pid}.json`)) {
        try {
          records.push(
            ...(JSON.parse(readFileSync(path.join(runDir, f), 'utf8')) as { children: ChildRecord[] }).children,
          );
        } catch {
          // being renamed into place: read again next time
        }
      }
      return records;
    },
    exitWithin(ms) {
      return Promise.race([
        exited,
        new Promise<Exit>((_, reject) =>
          setTimeout(
            () => reject(new Error(`vigil still running ${ms} ms after the signal:\n${out.slice(-4000)}`)),
            ms,
          ).unref(),
        ),
      ]);
    },
    async api(pathname, token, init = {}) {
      const headers = {
        authorization: `Bearer ${token}`,
        ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
      };
      const res = await fetch(`http://127.0.0.1:${port}/api/v1${pathname}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
  return self;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Polls the pid file while the node runs, so children that came and went are checked too. */
export function collectChildren(v: VigilProcess): { seen: Map<number, ChildRecord>; stop(): void } {
  const seen = new Map<number, ChildRecord>();
  const take = () => {
    for (const c of v.children()) seen.set(c.pid, c);
  };
  take();
  const timer = setInterval(take, 250);
  return { seen, stop: () => clearInterval(timer) };
}
