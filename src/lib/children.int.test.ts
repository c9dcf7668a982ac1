// The child registry with real processes: the pid file follows spawns and exits; reaping kills what a
// dead owner left, and never a pid that now runs another program or belongs to a live owner.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { children, procStartOf, reapLeftovers, spawnChild, stillRuns, type ChildRecord } from './children.js';
import { createLogger } from './logger.js';

const log = createLogger('test', true);
const dirs: string[] = [];
const strays: ChildProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-children-'));
  dirs.push(dir);
  return dir;
}

/** A process outside the registry, as one left by a killed node would be. */
function stray(): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  strays.push(child);
  return child;
}

function recordOf(child: ChildProcess, command = 'sleep'): ChildRecord {
  return {
    pid: child.pid!,
    command,
    args: ['60'],
    startedAt: new Date().toISOString(),
    procStart: procStartOf(child.pid!),
    stopSignal: 'SIGKILL',
  };
}

/** A pid that no longer runs: a process that has exited and been waited for. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));

afterAll(() => {
  for (const c of strays) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('child registry', () => {
  it('keeps a pid file of the running children and removes it when the last one exits', async () => {
    const runDir = tempDir();
    children.persistTo(runDir);
    const file = path.join(runDir, `children-${process.pid}.json`);
    const child = spawnChild('sleep', ['60'], { stdio: 'ignore' });
    const written = JSON.parse(readFileSync(file, 'utf8')) as { owner: { pid: number }; children: ChildRecord[] };
    expect(written.owner.pid).toBe(process.pid);
    expect(written.children).toEqual([
      expect.objectContaining({ pid: child.pid, command: 'sleep', args: ['60'], procStart: procStartOf(child.pid!) }),
    ]);
    child.kill('SIGKILL');
    await exited(child);
    expect(existsSync(file)).toBe(false);
  });

  it('matches a recorded pid only while it runs the same program, started at the same time', async () => {
    const child = stray();
    await new Promise((r) => setTimeout(r, 50)); // let exec() replace the forked node image
    expect(stillRuns(recordOf(child))).toBe(true);
    expect(stillRuns(recordOf(child, 'ffmpeg'))).toBe(false);
    expect(stillRuns({ ...recordOf(child), procStart: '1' })).toBe(false);
    expect(stillRuns({ ...recordOf(child), pid: await deadPid() })).toBe(false);
  });

  it('reaps what a dead owner left, but not a pid now running another program', async () => {
    const runDir = tempDir();
    const orphan = stray();
    const reused = stray();
    await new Promise((r) => setTimeout(r, 50));
    const owner = { pid: await deadPid(), procStart: '12345' };
    // The second record names ffmpeg: its pid now runs sleep, so it is someone else's process.
    writeFileSync(
      path.join(runDir, `children-${owner.pid}.json`),
      JSON.stringify({ owner, children: [recordOf(orphan), recordOf(reused, 'ffmpeg')] }),
    );
    const reaped = await reapLeftovers(runDir, log);
    expect(reaped).toEqual([{ pid: orphan.pid, command: 'sleep' }]);
    await exited(orphan);
    expect(orphan.signalCode).toBe('SIGKILL');
    expect(reused.exitCode === null && reused.signalCode === null).toBe(true);
    expect(existsSync(path.join(runDir, `children-${owner.pid}.json`))).toBe(false);
  });

  it('leaves alone the children of an owner that still runs (roles sharing a data directory)', async () => {
    const runDir = tempDir();
    const owner = stray();
    const child = stray();
    await new Promise((r) => setTimeout(r, 50));
    const file = path.join(runDir, `children-${owner.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({ owner: { pid: owner.pid, procStart: procStartOf(owner.pid!) }, children: [recordOf(child)] }),
    );
    expect(await reapLeftovers(runDir, log)).toEqual([]);
    expect(existsSync(file)).toBe(true);
    expect(child.exitCode === null && child.signalCode === null).toBe(true);
  });

  it('asks a SIGTERM child (redis-server) to stop with SIGTERM first', async () => {
    const runDir = tempDir();
    const orphan = stray();
    await new Promise((r) => setTimeout(r, 50));
    const owner = { pid: await deadPid(), procStart: null };
    writeFileSync(
      path.join(runDir, `children-${owner.pid}.json`),
      JSON.stringify({ owner, children: [{ ...recordOf(orphan), stopSignal: 'SIGTERM' }] }),
    );
    await reapLeftovers(runDir, log);
    await exited(orphan);
    expect(orphan.signalCode).toBe('SIGTERM');
  });

  it('a child dies with its parent, even when the parent is SIGKILLed', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'parent.ts');
    const registry = new URL('./children.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { spawnChild } from ${JSON.stringify(registry)};\nconst c = spawnChild('sleep', ['60'], { stdio: 'ignore' });\nconsole.log('child', c.pid);\nsetInterval(() => {}, 1000);\n`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    strays.push(parent);
    const pid = await new Promise<number>((resolve) =>
      parent.stdout!.setEncoding('utf8').on('data', (t: string) => {
        const m = /child (\d+)/.exec(t);
        if (m) resolve(Number(m[1]));
      }),
    );
    const record = { pid, command: 'sleep', procStart: procStartOf(pid) };
    await new Promise((r) => setTimeout(r, 100)); // setpriv has exec'd sleep
    expect(stillRuns(record)).toBe(true);
    parent.kill('SIGKILL');
    await exited(parent);
    for (let i = 0; i < 100 && stillRuns(record); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stillRuns(record)).toBe(false);
  });

  it('a missing program still fails as spawn does (ENOENT), not through the wrapper', async () => {
    const child = spawnChild('no-such-program-vigil', [], { stdio: 'ignore' });
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    expect(err.code).toBe('ENOENT');
  });

  it('ignores a pid file it cannot read', async () => {
    const runDir = tempDir();
    writeFileSync(path.join(runDir, 'children-999999.json'), '{not json');
    expect(await reapLeftovers(runDir, log)).toEqual([]);
    expect(existsSync(path.join(runDir, 'children-999999.json'))).toBe(false);
  });
});
