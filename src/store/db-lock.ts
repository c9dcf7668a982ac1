// One process at a time in the embedded database: a lock file beside <dataDir>/db, made with O_EXCL, naming its holder.
// PGlite does not notice a second process opening its directory (both write, one silently loses), so Vigil must.
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { procStartOf } from '../lib/children.js';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid, names one process even after pid reuse. */
  procStart: z.string().nullable(),
  /** When the holder took the lock (ISO time), for people reading the message. */
  startedAt: z.string(),
  host: z.string(),
  /** The holder's command line, shortened. */
  command: z.string(),
  /** The holder's API base URL once it listens (null before, or without the api role). */
  apiUrl: z.string().nullable(),
});
export type LockHolder = z.infer<typeof holderSchema>;

/** The database is held by another live process; the message says who and what to do instead. */
export class DbLockedError extends Error {
  override name = 'DbLockedError';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    const api = holder.apiUrl ? `, API ${holder.apiUrl}` : '';
    super(
      `the embedded database ${dir} is in use by pid ${holder.pid} on ${holder.host} (since ${holder.startedAt}${api}: ${holder.command}); ` +
        "only one process may open it: use the running node's API (VIGIL_URL, VIGIL_TOKEN) or stop it",
    );
  }
}

export interface DbLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Records the API URL in the lock, so CLI commands find the running node without VIGIL_URL. */
  announce(apiUrl: string): void;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

/** Where the lock for a PGlite directory lives: beside it, so PGlite's own files are untouched. */
export const lockFileOf = (dir: string) => `${dir}.lock`;

const hasProc = (() => {
  try {
    statSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/**
 * Whether the process that wrote the lock still runs. On Linux the pid must exist with the start time
 * recorded: a dead Vigil leaves its pid to be reused, and a reused pid (any other program) starts at
 * another time, which is stricter than guessing from its command name. Without /proc, signal 0 decides.
 * A lock from another host (a shared disk) cannot be checked here and counts as live.
 */
export function holderAlive(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return true;
  if (hasProc) {
    const start = procStartOf(h.pid);
    return start !== null && (h.procStart === null || start === h.procStart);
  }
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's holder, or null when there is no lock; `invalid` for a file that is not (yet) a lock. */
export function readLock(file: string): LockHolder | null | 'invalid' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return holderSchema.parse(JSON.parse(text));
  } catch {
    return 'invalid';
  }
}

const held = new Set<DbLock>();
let exitHook = false;

function makeHolder(): LockHolder {
  const command = process.argv
    .slice(1)
    .map((a) => a.split('/').slice(-2).join('/'))
    .join(' ')
    .slice(0, 200);
  return {
    pid: process.pid,
    procStart: procStartOf(process.pid),
    startedAt: new Date().toISOString(),
    host: os.hostname(),
    command,
    apiUrl: null,
  };
}

function handle(file: string, holder: LockHolder): DbLock {
  const mine = () => {
    const now = readLock(file);
    return now !== null && now !== 'invalid' && now.pid === holder.pid && now.startedAt === holder.startedAt;
  };
  const lock: DbLock = {
    file,
    holder,
    announce(apiUrl) {
      holder.apiUrl = apiUrl;
      // Write beside and rename over: a reader never sees half a lock.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(holder));
      renameSync(tmp, file);
    },
    release() {
      if (!held.delete(lock)) return;
      if (mine()) unlinkSync(file);
    },
  };
  held.add(lock);
  if (!exitHook) {
    exitHook = true;
    // A node that exits without closing (process.exit after an error) still lets the next one in.
    process.on('exit', () => {
      for (const l of [...held]) {
        try {
          l.release();
        } catch {
          // exiting anyway
        }
      }
    });
  }
  return lock;
}

function create(file: string, holder: LockHolder): boolean {
  try {
    writeFileSync(file, JSON.stringify(holder), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

const olderThan = (file: string, ms: number) => {
  try {
    return Date.now() - statSync(file).mtimeMs > ms;
  } catch {
    return false;
  }
};

/**
 * Removes a dead holder's lock under a second O_EXCL file, so two processes that both find it stale
 * cannot both take it (the second would otherwise delete the first one's fresh lock).
 */
function takeOver(file: string, stale: LockHolder | 'invalid'): void {
  const guard = `${file}.takeover`;
  if (!create(guard, makeHolder())) {
    const g = readLock(guard);
    // A takeover that died half-way leaves its guard: clear it once its writer is gone.
    if ((g === 'invalid' && olderThan(guard, 5000)) || (g && g !== 'invalid' && !holderAlive(g))) unlinkSync(guard);
    return;
  }
  try {
    const again = readLock(file);
    const same =
      again === stale ||
      (again &&
        again !== 'invalid' &&
        stale !== 'invalid' &&
        again.pid === stale.pid &&
        again.startedAt === stale.startedAt);
    if (same) unlinkSync(file);
  } finally {
    unlinkSync(guard);
  }
}

/** Takes the lock for dir or throws DbLockedError naming the live holder; a dead holder's lock is taken over. */
export async function acquireDbLock(dir: string): Promise<DbLock> {
  const file = lockFileOf(dir);
  const holder = makeHolder();
  for (let attempt = 0; attempt < 50; attempt++) {
    if (create(file, holder)) return handle(file, holder);
    const found = readLock(file);
    if (found === null) continue;
    // A lock being written right now reads empty for a moment; one left empty by a crash is stale.
    if (found === 'invalid' && !olderThan(file, 5000)) {
      await sleep(50);
      continue;
    }
    if (found !== 'invalid' && holderAlive(found)) throw new DbLockedError(dir, found);
    takeOver(file, found);
    await sleep(10 + Math.random() * 40);
  }
  throw new Error(
    `cannot take the lock ${file}: it keeps changing (several processes starting on one data directory?)`,
  );
}

/**
 * Throws DbLockedError when a live process holds dir now. Not a lock (acquireDbLock is): an early refusal,
 * so a second node fails before it starts anything of its own on the same data directory (its redis-server).
 */
export function refuseIfHeld(dir: string): void {
  const found = readLock(lockFileOf(dir));
  if (found && found !== 'invalid' && found.pid !== process.pid && holderAlive(found))
    throw new DbLockedError(dir, found);
}
