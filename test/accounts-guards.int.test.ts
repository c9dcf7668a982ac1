// Integration: the guards around accounts on a real node (Redis, PGlite). The last enabled admin keeps its
// role and cannot be disabled (409); one address past its sign-in attempts gets 429 with Retry-After, shared
// through Redis, and the refusal is audited. The node trusts 127.0.0.1 as a reverse proxy: clients behind
// it are counted and audited by their own forwarded address, which a forged X-Forwarded-For entry cannot change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SessionClient } from './helpers/session-client.js';

const yaml = `
server: { host: 127.0.0.1, port: 0, trustedProxies: [127.0.0.1] }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: a, enabled: false }
recording: { enabled: false }
accounts:
  scrypt: { N: 16384 }
  signInRate: { maxAttempts: 4, windowSeconds: 600 }
`;

describe('account guards', () => {
  let t: TestNode;
  let token: string;
  const asAdmin = (method: string, pathname: string, body?: unknown) =>
    t.api(pathname, token, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const makeAdmin = async (username: string) => {
    const made = await asAdmin('POST', '/users', { username, displayName: username, roles: ['admin'] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return (made.body.user as { id: string }).id;
  };

  beforeAll(async () => {
    t = await startTestNode('accounts-guards', yaml);
    token = await t.token('admin');
  });
  afterAll(async () => t?.stop());

  it('refuses to demote or disable the last enabled admin account, and allows it once there is another', async () => {
    const first = await makeAdmin('first.admin');
    const demote = await asAdmin('PATCH', `/users/${first}`, { roles: ['operator'] });
    expect(demote.status).toBe(409);
    expect(demote.body.error).toMatch(/last enabled admin.*make another admin first/);
    const disable = await asAdmin('POST', `/users/${first}/disable`);
    expect(disable.status).toBe(409);
    expect(((await asAdmin('GET', `/users/${first}`)).body as { roles: string[] }).roles).toEqual(['admin']);

    const second = await makeAdmin('second.admin');
    expect((await asAdmin('POST', `/users/${first}/disable`)).status).toBe(200);
    // Now the second is the last enabled one.
    expect((await asAdmin('PATCH', `/users/${second}`, { roles: ['operator', 'investigator'] })).status).toBe(409);
    expect((await asAdmin('POST', `/users/${first}/enable`)).status).toBe(200);
    expect((await asAdmin('PATCH', `/users/${second}`, { roles: ['operator'] })).status).toBe(200);
  });

  it('answers 429 with Retry-After to an address past its sign-in attempts, whatever the username, and audits it', async () => {
    const c = new SessionClient(t.url);
    for (let i = 0; i < 4; i++) expect((await c.signIn(`nobody${i}`, 'wrong password here')).status).toBe(401);
    const refused = await c.signIn('first.admin', 'wrong password here');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/too many sign-in attempts from this address: try again in \d+ minutes/);
    const after = Number(refused.headers.get('retry-after'));
    expect(after).toBeGreaterThan(500);
    expect(after).toBeLessThanOrEqual(600);
    expect((await c.signIn('nobody', 'again')).status).toBe(429);
    const audit = (await asAdmin('GET', '/admin/audit?action=signin.rate-limited')).body.entries as {
      actor: string;
      details: Record<string, unknown>;
    }[];
    // One entry per window, not one per refused attempt.
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'first.admin', details: { attempts: 5 } });
  });

  it('behind a trusted proxy, counts and audits each client by its forwarded address, not the proxy', async () => {
    const via = (address: string, forged = '') => ({
      headers: { 'x-forwarded-for': forged ? `${forged}, ${address}` : address },
    });
    const c = new SessionClient(t.url);
    const attempt = (address: string, forged = '') =>
      c.request('POST', '/session/sign-in', { username: 'nobody', password: 'wrong password' }, via(address, forged));
    for (let i = 0; i < 4; i++) expect((await attempt('198.51.100.10')).status).toBe(401);
    // A leftmost entry of the client's own making does not open a new count.
    expect((await attempt('198.51.100.10', '203.0.113.99')).status).toBe(429);
    // Another client behind the same proxy has its own count (the proxy's address was used up by the test above).
    expect((await attempt('198.51.100.11')).status).toBe(401);
    const failures = (await asAdmin('GET', '/admin/audit?action=signin.failure&limit=1000')).body.entries as {
      details: { ip?: string };
    }[];
    const ips = new Set(failures.map((e) => e.details.ip));
    expect(ips.has('198.51.100.10')).toBe(true);
    expect(ips.has('198.51.100.11')).toBe(true);
    expect(ips.has('203.0.113.99')).toBe(false);
    const limited = (await asAdmin('GET', '/admin/audit?action=signin.rate-limited')).body.entries as {
      details: { ip?: string };
    }[];
    expect(limited.map((e) => e.details.ip)).toContain('198.51.100.10');
  });
});
