// Real processes: the first admin from `vigil users create --role admin` with the node stopped (it opens the
// embedded database), signing in with the one-time password it printed, and the same command while the node
// runs: refused without a token (never both writing the database), through the node's API with one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFileOf, readLock } from '../store/db-lock.js';
import { SessionClient } from '../../test/helpers/session-client.js';

const bin = path.resolve('bin/vigil.js');
const yaml = `
server: { host: 127.0.0.1, port: 0 }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: d, enabled: false }
recording: { enabled: false }
accounts: { scrypt: { N: 16384 } }
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('vigil users create: the first admin, with the node stopped and running', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let node: ChildProcess | null = null;
  let nodeUrl = '';

  const vigil = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Result> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: { ...env, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-users-'));
    writeFileSync(path.join(tmp, 'vigil.yaml'), yaml);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      VIGIL_CONFIG: path.join(tmp, 'vigil.yaml'),
      VIGIL_DATA_DIR: path.join(tmp, 'data'),
    };
  });
  afterAll(async () => {
    if (node?.pid) {
      const closed = new Promise((resolve) => node!.once('close', resolve));
      process.kill(-node.pid, 'SIGTERM');
      await closed;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it(
    'prints a one-time password that signs in to a must-change session; while running it goes through the node',
    { timeout: 400_000 },
    async () => {
      const first = await vigil(['users', 'create', '--role', 'admin', '--name', 'Duty Chief', 'chief']);
      expect(first.code, first.stderr).toBe(0);
      const password = first.stdout.trim();
      expect(password).toMatch(/^[\w-]{20}$/);
      expect(first.stderr).toMatch(/one-time password of chief \(admin\)/);
      const token = await vigil(['tokens', 'create', '--role', 'admin', '--name', 'ops script']);
      expect(token.code).toBe(0);

      const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      node = child;
      let out = '';
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on(
          'data',
          (d: Buffer) => ((out += d.toString()), out.includes('Vigil is running.') && resolve()),
        );
        child.once('close', (code) => reject(new Error(`vigil start exited (${code}): ${out}`)));
      });
      const lock = readLock(lockFileOf(path.join(tmp, 'data', 'db')));
      if (!lock || lock === 'invalid' || !lock.apiUrl) throw new Error('no API URL in the lock');
      nodeUrl = lock.apiUrl.replace('0.0.0.0', '127.0.0.1');

      const c = new SessionClient(nodeUrl);
      const signed = await c.signIn('chief', password);
      expect(signed.status).toBe(200);
      expect(signed.body).toMatchObject({
        name: 'chief',
        displayName: 'Duty Chief',
        roles: ['admin'],
        restriction: 'password-change',
      });

      const refused = await vigil(['users', 'create', '--role', 'operator', 'desk.two']);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain('holds the embedded database');
      expect(refused.stderr).toContain('VIGIL_TOKEN=<admin token> vigil users create --role operator desk.two');

      const through = await vigil(['users', 'create', '--role', 'operator', '--district', 'd', 'desk.two'], {
        VIGIL_TOKEN: token.stdout.trim(),
      });
      expect(through.code, through.stderr).toBe(0);
      expect(through.stderr).toContain(`through the running node at ${nodeUrl}`);
      const second = new SessionClient(nodeUrl);
      expect((await second.signIn('desk.two', through.stdout.trim())).body).toMatchObject({
        roles: ['operator'],
        scope: { districts: ['d'], cameras: [] },
      });
      const listed = await vigil(['users', 'list'], { VIGIL_TOKEN: token.stdout.trim() });
      expect(listed.stdout).toMatch(/chief\s+admin\s+Duty Chief/);
      expect(listed.stdout).toMatch(/desk\.two\s+operator/);
    },
  );
});
