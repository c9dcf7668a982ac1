// Real processes on one data directory: the embedded database admits one, names it to the others, and
// passes to the next once the holder is gone (closed, killed, or its pid reused by another program).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbLockedError, lockFileOf, refuseIfHeld } from './db-lock.js';
import { openDb } from './db.js';

const dbModule = path.resolve('src/store/db.ts');
// Opens the database, adds a row, says so, and holds it until SIGTERM (then closes) or SIGKILL.
const holderScript = `
import { openDb } from ${JSON.stringify(dbModule)};
const db = await openDb({ dataDir: process.argv[2] });
await db.exec('create table if not exists notes (by int)');
await db.query('insert into notes values ($1)', [process.pid]);
// The handler first: the test sends SIGTERM as soon as it reads "open".
process.on('SIGTERM', () => void db.close().then(() => process.exit(0)));
process.stdout.write('open\\n');
setInterval(() => {}, 1000);
`;
// Tries once: prints "open" or the error's name and message, then exits.
const tryScript = `
import { openDb } from ${JSON.stringify(dbModule)};
try {
  const db = await openDb({ dataDir: process.argv[2] });
  process.stdout.write('open\\n');
  await new Promise((r) => setTimeout(r, Number(process.argv[3] ?? 0)));
  await db.close();
} catch (err) {
  process.stdout.write(err.name + ': ' + err.message + '\\n');
  process.exitCode = 3;
}
`;

let tmp: string;
/** A data directory made once (PGlite's initdb takes seconds); each test starts from a copy. */
const freshDataDir = (name: string) => {
  const dir = path.join(tmp, name);
  cpSync(path.join(tmp, 'template'), dir, { recursive: true });
  return dir;
};
const script = (name: string, text: string) => {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
};

function run(
  file: string,
  ...args: string[]
): { child: ChildProcess; out: () => string; exited: Promise<number | null>; line: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const line = new Promise<string>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('close', () => resolve(out.split('\n')[0]));
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, out: () => out, exited, line };
}

describe('embedded database lock (separate processes)', () => {
  let holder: string;
  let trier: string;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-dblock-'));
    holder = script('hold.mts', holderScript);
    trier = script('try.mts', tryScript);
    await (await openDb({ dataDir: path.join(tmp, 'template') })).close();
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses a second process while the first runs, naming its pid; takes over after a SIGKILL', async () => {
    const dataDir = freshDataDir('a');
    const first = run(holder, dataDir);
    expect(await first.line).toBe('open');
    const lock = JSON.parse(readFileSync(lockFileOf(path.join(dataDir, 'db')), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(first.child.pid);

    const second = run(trier, dataDir);
    expect(await second.exited).toBe(3);
    expect(second.out()).toContain(
      `DbLockedError: the embedded database ${path.join(dataDir, 'db')} is in use by pid ${first.child.pid}`,
    );
    expect(second.out()).toContain("use the running node's API (VIGIL_URL, VIGIL_TOKEN) or stop it");

    // What a second `vigil start` asks before it starts its own redis-server on the same data directory.
    expect(() => refuseIfHeld(path.join(dataDir, 'db'))).toThrow(DbLockedError);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(() => refuseIfHeld(path.join(dataDir, 'db'))).not.toThrow();
    // The dead holder's lock is still there; the next process takes it over and sees what the first committed.
    expect(existsSync(lockFileOf(path.join(dataDir, 'db')))).toBe(true);
    const db = await openDb({ dataDir });
    try {
      expect(await db.query('select by from notes')).toEqual([{ by: first.child.pid }]);
      expect(db.lock?.holder.pid).toBe(process.pid);
    } finally {
      await db.close();
    }
    expect(existsSync(lockFileOf(path.join(dataDir, 'db')))).toBe(false);
  });

  it('releases the lock when the holder closes the database', async () => {
    const dataDir = freshDataDir('b');
    const first = run(holder, dataDir);
    expect(await first.line).toBe('open');
    await expect(openDb({ dataDir })).rejects.toBeInstanceOf(DbLockedError);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(lockFileOf(path.join(dataDir, 'db')))).toBe(false);
    const db = await openDb({ dataDir });
    await db.close();
  });

  it('takes over a lock whose pid now belongs to another program (a reused pid starts at another time)', async () => {
    const dataDir = freshDataDir('c');
    const sleeper = spawn('sleep', ['30']);
    const file = lockFileOf(path.join(dataDir, 'db'));
    writeFileSync(
      file,
      JSON.stringify({
        pid: sleeper.pid,
        procStart: '1',
        startedAt: new Date(0).toISOString(),
        host: os.hostname(),
        command: 'vigil start',
        apiUrl: null,
      }),
    );
    try {
      const db = await openDb({ dataDir });
      expect(db.lock?.holder.pid).toBe(process.pid);
      await db.close();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('lets exactly one of several processes starting at once open it', async () => {
    const dataDir = freshDataDir('d');
    const runs = [1, 2, 3].map(() => run(trier, dataDir, '6000'));
    const lines = await Promise.all(runs.map((r) => r.line));
    await Promise.all(runs.map((r) => r.exited));
    expect(lines.filter((l) => l === 'open')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('DbLockedError: '))).toHaveLength(2);
  });
});
