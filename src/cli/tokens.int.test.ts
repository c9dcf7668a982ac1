// Real processes: `vigil tokens create` and `vigil audit verify` against a stopped node's embedded database
// (they open it) and against the running node (they go through its API; without a token they refuse).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFileOf, readLock } from '../store/db-lock.js';
import { openDb } from '../store/db.js';

const bin = path.resolve('bin/vigil.js');
const yaml = `
server: { host: 127.0.0.1, port: 0 }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: d, enabled: false }
units:
  - { id: u1, callsign: U1, type: foot, homeGrid: g1 }
recording: { enabled: false }
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('vigil tokens create / audit verify with and without a running node', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let node: ChildProcess | null = null;
  let nodeUrl = '';
  /** The admin token the first test makes with the node stopped. */
  let admin = '';

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

  /** Starts `vigil start` in its own process group and waits for its API URL in the lock. */
  async function startNode(): Promise<void> {
    const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    node = child;
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Vigil is running.')) resolve();
      });
      child.once('close', (code) => reject(new Error(`vigil start exited (${code}): ${out}`)));
    });
    const lock = readLock(lockFileOf(path.join(tmp, 'data', 'db')));
    if (!lock || lock === 'invalid' || !lock.apiUrl) throw new Error(`no API URL in the lock: ${JSON.stringify(lock)}`);
    nodeUrl = lock.apiUrl;
  }

  async function stopNode(): Promise<void> {
    const child = node;
    if (!child) return;
    node = null;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await closed;
  }

  const api = async (pathname: string, token: string, init: RequestInit = {}) => {
    const res = await fetch(`${nodeUrl}/api/v1${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-tokens-'));
    writeFileSync(path.join(tmp, 'vigil.yaml'), yaml);
    // No REDIS_URL: the node starts its own redis-server in the data directory, shared with no other test.
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      VIGIL_CONFIG: path.join(tmp, 'vigil.yaml'),
      VIGIL_DATA_DIR: path.join(tmp, 'data'),
    };
  });
  afterAll(async () => {
    if (node?.pid) {
      try {
        process.kill(-node.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it(
    'works both ways, and a token made while the node runs is live at once and survives a restart',
    { timeout: 400_000 },
    async () => {
      // Node stopped: the command opens the database itself.
      const first = await vigil(['tokens', 'create', '--role', 'admin', '--name', 'first-admin']);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      admin = first.stdout.trim();
      expect(admin).toMatch(/^vgl_/);

      await startNode();
      // Running node, no token: refused, saying exactly what to do.
      const refused = await vigil(['tokens', 'create', '--role', 'operator', '--name', 'desk 2']);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(`the node running as pid ${node!.pid}`);
      expect(refused.stderr).toContain(`so this must go through its API at ${nodeUrl}`);
      expect(refused.stderr).toContain("VIGIL_TOKEN=<admin token> vigil tokens create --role operator --name 'desk 2'");

      // Through the API as the admin: the running node accepts the new token at once.
      const made = await vigil(['tokens', 'create', '--role', 'operator', '--name', 'desk 2'], { VIGIL_TOKEN: admin });
      expect(made.code).toBe(0);
      expect(made.stderr).toContain(`through the running node at ${nodeUrl}`);
      const operator = made.stdout.trim();
      expect((await api('/cameras', operator)).status).toBe(200);
      // A non-admin token is refused with the reason.
      const notAdmin = await vigil(['tokens', 'create', '--role', 'operator', '--name', 'x'], {
        VIGIL_TOKEN: operator,
      });
      expect(notAdmin.code).toBe(1);
      expect(notAdmin.stderr).toContain('VIGIL_TOKEN is not an admin token');

      const verified = await vigil(['audit', 'verify'], { VIGIL_TOKEN: admin });
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ brokenAt: null });
      await stopNode();

      // Stopped again: what the node wrote is in the database, and audit verify opens it itself.
      const local = await vigil(['audit', 'verify']);
      expect(local.code).toBe(0);
      const chain = JSON.parse(local.stdout) as { entries: number; brokenAt: number | null };
      expect(chain.brokenAt).toBeNull();
      expect(chain.entries).toBeGreaterThanOrEqual(2);
      const db = await openDb({ dataDir: path.join(tmp, 'data') });
      try {
        const rows = await db.query<{ action: string; actor: string; details: { name: string } }>(
          "select action, actor, details from audit_log where action = 'token.create' order by seq",
        );
        expect(rows.map((r) => [r.actor, r.details.name])).toEqual([
          [`cli:${os.userInfo().username}`, 'first-admin'],
          ['first-admin', 'desk 2'],
        ]);
      } finally {
        await db.close();
      }
      await startNode();
      expect((await api('/cameras', operator)).status).toBe(200);
    },
  );

  it('lists tokens without secrets, revokes one (audited), and checks the body', { timeout: 200_000 }, async () => {
    if (!node) await startNode();
    const second = (
      await vigil(['tokens', 'create', '--role', 'admin', '--name', 'second-admin'], { VIGIL_TOKEN: admin })
    ).stdout.trim();
    const unitless = await api('/admin/tokens', second, {
      method: 'POST',
      body: JSON.stringify({ role: 'unit', name: 'car 7' }),
    });
    expect(unitless.status).toBe(400);
    expect(JSON.stringify(unitless.body)).toContain('subject');
    const created = await api('/admin/tokens', second, {
      method: 'POST',
      body: JSON.stringify({ role: 'unit', name: 'car 7', subject: 'u1' }),
    });
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };

    const listed = await api('/admin/tokens', admin);
    const tokens = listed.body.tokens as Record<string, unknown>[];
    expect(tokens.find((t) => t.id === id)).toMatchObject({
      name: 'car 7',
      role: 'unit',
      subject: 'u1',
      revokedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toMatch(/token_hash|tokenHash/);

    expect((await api(`/admin/tokens/${id}`, admin, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`/admin/tokens/${id}`, admin, { method: 'DELETE' })).status).toBe(404);
    expect((await api('/stream', token)).status).toBe(401);
    const audit = await api('/admin/audit?action=token.revoke', admin);
    expect(audit.body.entries).toEqual([expect.objectContaining({ actor: 'first-admin', target: id })]);
    const creations = await api('/admin/audit?action=token.create', admin);
    expect((creations.body.entries as { actor: string }[]).at(-1)).toMatchObject({ actor: 'second-admin', target: id });
    expect((await api('/admin/tokens', token)).status).toBe(401);
    await stopNode();
  });
});
