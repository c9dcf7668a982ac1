// Every child process Vigil spawns, so none outlives the node: killed when the node exits, told by the
// kernel when the node dies (setpriv --pdeathsig), and recorded in a pid file under the data directory
// so the next start reaps whatever a SIGKILL still left.
import {
  spawn,
  type ChildProcess,
  type ChildProcessByStdio,
  type SpawnOptions,
  type SpawnOptionsWithStdioTuple,
  type StdioNull,
  type StdioPipe,
} from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Logger } from './logger.js';

const childSchema = z.object({
  pid: z.number().int().positive(),
  command: z.string(),
  args: z.array(z.string()),
  startedAt: z.string(),
  /** Start time from /proc/<pid>/stat (clock ticks since boot): a reused pid has another. */
  procStart: z.string().nullable(),
  /** How this child is asked to stop: redis-server gets SIGTERM so it finishes its append-only file. */
  stopSignal: z.enum(['SIGTERM', 'SIGKILL']),
});
export type ChildRecord = z.infer<typeof childSchema>;

const pidFileSchema = z.object({
  owner: z.object({ pid: z.number().int().positive(), procStart: z.string().nullable() }),
  children: z.array(childSchema),
});
type PidFile = z.infer<typeof pidFileSchema>;

export interface SpawnChildOptions extends SpawnOptions {
  /** Signal sent when the node exits with this child still running. Default SIGKILL. */
  stopSignal?: ChildRecord['stopSignal'];
  /** The kernel sends the child SIGTERM when the node dies, SIGKILL included (Linux, setpriv). Default true. */
  dieWithParent?: boolean;
}

/**
 * util-linux's setpriv sets the parent-death signal (prctl PR_SET_PDEATHSIG) and then execs the
 * program, so the pid and, once exec'd, /proc/<pid>/cmdline are the program's own. Node cannot set it itself.
 */
const SETPRIV = '/usr/bin/setpriv';
const canSetDeathSignal = process.platform === 'linux' && existsSync(SETPRIV);

/** True when command names an executable (on PATH or as a path): only then is it wrapped, so a missing program still fails with ENOENT. */
function runnable(command: string, pathVar: string | undefined): boolean {
  const candidates = command.includes('/')
    ? [command]
    : (pathVar ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, command));
  return candidates.some((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** /proc/<pid>/stat field 22 (start time), or null where /proc is not there or the pid is gone. */
export function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null; // a zombie has exited; only its parent's wait() is missing
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The running program's name from /proc/<pid>/cmdline; redis-server rewrites its title to "redis-server HOST:PORT". */
function programOf(pid: number): string | null {
  try {
    const first = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return path.basename(first.split(' ')[0]);
  } catch {
    return null;
  }
}

/** True when pid still runs the program recorded, started when recorded (not a reused pid). */
export function stillRuns(record: Pick<ChildRecord, 'pid' | 'command' | 'procStart'>): boolean {
  const start = procStartOf(record.pid);
  if (start === null || (record.procStart !== null && start !== record.procStart)) return false;
  return programOf(record.pid) === path.basename(record.command);
}

class ChildRegistry {
  private readonly live = new Map<number, ChildRecord>();
  private file: string | null = null;
  private exitHookSet = false;
  private saveFailed = false;

  track(child: ChildProcess, command: string, args: readonly string[], stopSignal: ChildRecord['stopSignal']): void {
    const pid = child.pid;
    if (pid === undefined) return; // spawn failed: the caller sees 'error'
    this.live.set(pid, {
      pid,
      command,
      args: [...args],
      startedAt: new Date().toISOString(),
      procStart: procStartOf(pid),
      stopSignal,
    });
    child.once('exit', () => {
      this.live.delete(pid);
      this.save();
    });
    this.save();
    if (!this.exitHookSet) {
      this.exitHookSet = true;
      // Synchronous on purpose: 'exit' runs no more I/O callbacks, and a forced exit must still kill children.
      process.on('exit', () => this.killAll());
    }
  }

  /** Children running now (tests and the shutdown report read it). */
  running(): ChildRecord[] {
    return [...this.live.values()];
  }

  /** Keeps this process's pid file in runDir from now on (one file per process: roles may share a data directory). */
  persistTo(runDir: string): void {
    mkdirSync(runDir, { recursive: true });
    this.file = path.join(runDir, `children-${process.pid}.json`);
    this.save();
  }

  /** Signals every child still running (its stopSignal); removes the pid file when none is left that might linger. */
  killAll(): void {
    let lingering = false;
    for (const c of this.live.values()) {
      try {
        process.kill(c.pid, c.stopSignal);
        if (c.stopSignal !== 'SIGKILL') lingering = true;
      } catch {
        // already gone
      }
    }
    if (!lingering && this.file) rmSync(this.file, { force: true });
  }

  private save(): void {
    if (!this.file) return;
    try {
      if (!this.live.size) {
        rmSync(this.file, { force: true });
        return;
      }
      const body: PidFile = {
        owner: { pid: process.pid, procStart: procStartOf(process.pid) },
        children: this.running(),
      };
      // Written whole and renamed, so a kill mid-write never leaves half a file.
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(body));
      renameSync(tmp, this.file);
    } catch (err) {
      // A full or read-only disk must not stop a camera from starting: the exit hook and the parent-death signal still apply.
      if (!this.saveFailed) process.emitWarning(`cannot write ${this.file}: ${(err as Error).message}`);
      this.saveFailed = true;
    }
  }
}

/** The process's one registry: spawn sites use spawnChild, the node entry point sets persistTo. */
export const children = new ChildRegistry();

/** child_process.spawn, with the child recorded in the registry until it exits. */
export function spawnChild(
  command: string,
  args: readonly string[],
  options: SpawnChildOptions & SpawnOptionsWithStdioTuple<StdioNull, StdioPipe, StdioPipe>,
): ChildProcessByStdio<null, Readable, Readable>;
export function spawnChild(command: string, args: readonly string[], options?: SpawnChildOptions): ChildProcess;
export function spawnChild(command: string, args: readonly string[], options: SpawnChildOptions = {}): ChildProcess {
  const { stopSignal = 'SIGKILL', dieWithParent = true, ...spawnOptions } = options;
  const wrap = dieWithParent && canSetDeathSignal && runnable(command, (spawnOptions.env ?? process.env).PATH);
  // SIGTERM on the node's death, whatever stopSignal says: redis-server then finishes its append-only file.
  const child = wrap
    ? spawn(SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args], spawnOptions)
    : spawn(command, args, spawnOptions);
  children.track(child, command, args, stopSignal);
  return child;
}

export interface ReapedChild {
  pid: number;
  command: string;
}

/**
 * Kills what a previous process of this data directory left running (its pid file names them),
 * after checking each pid still runs the recorded program; files of live processes are left alone.
 */
export async function reapLeftovers(runDir: string, log: Logger, graceMs = 3000): Promise<ReapedChild[]> {
  let names: string[];
  try {
    names = readdirSync(runDir).filter((n) => /^children-\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const reaped: ReapedChild[] = [];
  for (const name of names) {
    const file = path.join(runDir, name);
    const parsed = readPidFile(file);
    if (parsed && ownerRuns(parsed.owner)) continue;
    for (const c of parsed?.children ?? []) {
      if (!stillRuns(c)) continue;
      await stopProcess(c, graceMs);
      reaped.push({ pid: c.pid, command: c.command });
    }
    rmSync(file, { force: true });
  }
  if (reaped.length)
    log.warn(
      `stopped ${reaped.length} process(es) a previous run left behind: ${reaped.map((r) => `${path.basename(r.command)} (pid ${r.pid})`).join(', ')}`,
    );
  return reaped;
}

/** The process that wrote a pid file still runs (not us with a reused pid, as in a container). */
function ownerRuns(owner: PidFile['owner']): boolean {
  if (owner.pid === process.pid) return false;
  const start = procStartOf(owner.pid);
  return start !== null && (owner.procStart === null || start === owner.procStart);
}

function readPidFile(file: string): PidFile | null {
  try {
    return pidFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null; // unreadable or from another version: nothing in it can be trusted to kill
  }
}

/** stopSignal first (redis-server then saves its data), SIGKILL when it is still there after graceMs. */
async function stopProcess(c: ChildRecord, graceMs: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(c.pid, s);
    } catch {
      // gone meanwhile
    }
  };
  const gone = async (ms: number) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
      if (!stillRuns(c)) return true;
    return !stillRuns(c);
  };
  signal(c.stopSignal);
  if (await gone(graceMs)) return;
  signal('SIGKILL');
  await gone(2000);
}
