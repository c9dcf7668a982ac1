// A real node: password sign-in with a forced first change, TOTP, lockout, sessions (list, revoke, idle and
// absolute ends), cookie and CSRF rules, and the audit entries each of these writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/accounts/totp.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SessionClient } from './helpers/session-client.js';

const yaml = `
server: { host: 127.0.0.1, port: 0 }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: a, enabled: false }
units:
  - { id: u1, callsign: U1, type: foot, homeGrid: g1 }
recording: { enabled: false }
accounts:
  scrypt: { N: 16384 }
  lockout: { maxFailures: 3, lockMinutes: 10 }
  totp: { requiredFor: [investigator] }
`;

const GOOD = 'tide lantern 47 orchard';

describe('accounts on a running node', () => {
  let t: TestNode;
  let admin: string;
  const base = () => new SessionClient(t.url);
  const asAdmin = (method: string, pathname: string, body?: unknown) =>
    t.api(pathname, admin, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const audit = async (action: string) =>
    (await asAdmin('GET', `/admin/audit?action=${action}&limit=1000`)).body.entries as {
      target: string;
      actor: string;
      details: Record<string, unknown>;
    }[];

  /** A user made by the admin, with the first password already changed to GOOD; returns its id. */
  async function ready(username: string, roles: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const made = await asAdmin('POST', '/users', { username, displayName: username, roles, ...extra });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const c = base();
    expect((await c.signIn(username, made.body.oneTimePassword as string)).status).toBe(200);
    expect(
      (await c.request('POST', '/session/password', { currentPassword: made.body.oneTimePassword, newPassword: GOOD }))
        .status,
    ).toBe(200);
    expect((await c.request('POST', '/session/sign-out')).status).toBe(200);
    return (made.body.user as { id: string }).id;
  }

  beforeAll(async () => {
    t = await startTestNode('accounts', yaml);
    admin = await t.token('admin');
  });
  afterAll(async () => t?.stop());

  it('a first password signs in to a session that may only set a new one; cookies are HttpOnly SameSite=Strict', async () => {
    const made = await asAdmin('POST', '/users', {
      username: 'Wang.Li',
      displayName: 'Wang Li',
      roles: ['operator'],
      scope: { districts: ['a'] },
    });
    expect(made.status).toBe(201);
    const user = made.body.user as { id: string; username: string; mustChangePassword: boolean };
    expect(user).toMatchObject({ username: 'wang.li', mustChangePassword: true });
    const otp = made.body.oneTimePassword as string;
    expect(otp).toMatch(/^[\w-]{20}$/);
    expect((await audit('user.create')).some((e) => e.target === user.id)).toBe(true);

    const c = base();
    const signed = await c.signIn('wang.li', otp);
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({
      via: 'session',
      restriction: 'password-change',
      personId: user.id,
      role: 'operator',
      scope: { districts: ['a'], cameras: [] },
    });
    const setCookies = signed.headers.getSetCookie();
    const session = setCookies.find((s) => s.startsWith('vigil_session='))!;
    const csrf = setCookies.find((s) => s.startsWith('vigil_csrf='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/SameSite=Strict/i);
    expect(c.csrf).toBe(signed.body.csrfToken);

    const refused = await c.request('GET', '/cameras');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/set your own password first/);

    const weak = await c.request('POST', '/session/password', { currentPassword: otp, newPassword: 'wang.li-1234567' });
    expect(weak.status).toBe(400);
    expect(weak.body.details).toEqual(['newPassword: must not contain the username or the name']);
    const wrongCurrent = await c.request('POST', '/session/password', { currentPassword: 'nope', newPassword: GOOD });
    expect(wrongCurrent.body.details).toEqual(['currentPassword: is not the current password']);
    expect((await c.request('POST', '/session/password', { currentPassword: otp, newPassword: GOOD })).status).toBe(
      200,
    );
    expect((await c.request('GET', '/cameras')).status).toBe(200);
    expect((await c.request('GET', '/session')).body).toMatchObject({
      restriction: null,
      name: 'wang.li',
      displayName: 'Wang Li',
    });
    expect((await audit('user.password-change')).some((e) => e.target === user.id && e.details.first === true)).toBe(
      true,
    );

    // The one-time password is spent.
    expect((await base().signIn('wang.li', otp)).status).toBe(401);
  });

  it('CSRF: a cookie write needs X-CSRF-Token and this origin; reads and bearer-token writes need neither', async () => {
    await ready('csrf.user', ['admin']);
    const c = base();
    await c.signIn('csrf.user', GOOD);
    const body = { username: 'csrf.made', displayName: 'x', roles: ['operator'] };
    const none = await c.request('POST', '/users', body, { csrf: false });
    expect(none.status).toBe(403);
    expect(none.body.error).toMatch(/X-CSRF-Token/);
    const wrong = await c.request('POST', '/users', body, { csrf: false, headers: { 'x-csrf-token': 'forged' } });
    expect(wrong.status).toBe(403);
    const cross = await c.request('POST', '/users', body, { headers: { origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(cross.body.error).toMatch(/another origin/);
    const site = await c.request('POST', '/users', body, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(site.status).toBe(403);
    expect((await c.request('GET', '/users', undefined, { csrf: false })).status).toBe(200);
    expect(
      (await c.request('POST', '/users', body, { headers: { origin: t.url, 'sec-fetch-site': 'same-origin' } })).status,
    ).toBe(201);
    // A sign-in posted from another site (login CSRF) is refused before the password is looked at.
    const login = await base().request(
      'POST',
      '/session/sign-in',
      { username: 'csrf.user', password: GOOD },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(login.status).toBe(403);
    expect((await asAdmin('POST', '/users', { ...body, username: 'csrf.token' })).status).toBe(201);
  });

  it('TOTP: enrol with a code, then sign-in asks for it, refuses a wrong or replayed one', async () => {
    const id = await ready('totp.user', ['operator']);
    const c = base();
    await c.signIn('totp.user', GOOD);
    const begun = await c.request('POST', '/session/totp');
    expect(begun.status).toBe(201);
    const secret = begun.body.secret as string;
    expect(begun.body.uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await c.request('POST', '/session/totp/confirm', { code: '000000' })).status).toBe(400);
    expect((await c.request('POST', '/session/totp/confirm', { code: totpCode(secret) })).status).toBe(200);
    expect((await audit('user.totp-enable')).some((e) => e.target === id)).toBe(true);
    // Sealed at rest (AES-GCM under VIGIL_TOTP_KEY): the database never holds the base32 secret.
    const [stored] = await t.node.infra.db.query<{ totp_secret: string }>(
      'select totp_secret from users where id = $1',
      [id],
    );
    expect(stored.totp_secret).toMatch(/^v1\$/);
    expect(stored.totp_secret).not.toContain(secret);

    const d = base();
    const ask = await d.signIn('totp.user', GOOD);
    expect(ask.status).toBe(401);
    expect(ask.body).toMatchObject({ reason: 'totp-required' });
    expect(d.cookies.has('vigil_session')).toBe(false);
    const bad = await d.signIn(
      'totp.user',
      GOOD,
      String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, '0'),
    );
    expect(bad.body).toMatchObject({ reason: 'totp-wrong' });
    // The confirm used the current step; the next step's code is the first that signs in.
    const next = totpCode(secret, Date.now() + 30_000);
    const ok = await d.signIn('totp.user', GOOD, next);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await base().signIn('totp.user', GOOD, next)).body).toMatchObject({ reason: 'totp-wrong' });
    const signins = await audit('signin');
    expect(signins.some((e) => e.target === id && e.details.totp === true)).toBe(true);
  });

  it('a role that requires TOTP must enrol before anything else', async () => {
    await ready('inv.user', ['investigator']);
    const c = base();
    const s = await c.signIn('inv.user', GOOD);
    expect(s.body.restriction).toBe('totp-setup');
    expect((await c.request('GET', '/plate-reads')).body.error).toMatch(/enrol a TOTP/);
    const begun = await c.request('POST', '/session/totp');
    await c.request('POST', '/session/totp/confirm', { code: totpCode(begun.body.secret as string) });
    expect((await c.request('GET', '/session')).body.restriction).toBeNull();
    expect(
      (
        await c.request('POST', '/session/totp/remove', {
          code: totpCode(begun.body.secret as string, Date.now() + 30_000),
        })
      ).status,
    ).toBe(403);
  });

  it('lockout after 3 failures with a clear message, even for the right password; an admin unlocks', async () => {
    const id = await ready('lock.user', ['operator']);
    const c = base();
    expect((await c.signIn('lock.user', 'wrong-1')).body.error).toBe('wrong username or password');
    expect((await c.signIn('lock.user', 'wrong-2')).body.reason).toBe('wrong');
    const third = await c.signIn('lock.user', 'wrong-3');
    expect(third.status).toBe(401);
    expect(third.body).toMatchObject({ reason: 'locked' });
    expect(third.body.error).toMatch(/locked after repeated failed sign-ins: try again in 10 minutes/);
    const right = await c.signIn('lock.user', GOOD);
    expect(right.body.reason).toBe('locked');
    expect(c.cookies.has('vigil_session')).toBe(false);
    const failures = (await audit('signin.failure')).filter((e) => e.target === id);
    expect(failures.map((e) => e.details.reason)).toEqual([
      'wrong password',
      'wrong password',
      'wrong password',
      'locked',
    ]);
    expect((await audit('account.lock')).filter((e) => e.target === id)).toHaveLength(1);
    expect(((await asAdmin('GET', `/users/${id}`)).body as { lockedUntil: string | null }).lockedUntil).not.toBeNull();
    expect((await asAdmin('POST', `/users/${id}/unlock`)).status).toBe(200);
    expect((await c.signIn('lock.user', GOOD)).status).toBe(200);
    // An unknown user reads the same words as a wrong password.
    expect((await base().signIn('nobody.here', GOOD)).body).toMatchObject({
      error: 'wrong username or password',
      reason: 'wrong',
    });
  });

  it('sessions: a user lists and revokes their own, an admin any; idle and absolute ends; sign-out', async () => {
    const id = await ready('sess.user', ['operator']);
    const phone = base();
    const desk = base();
    await phone.signIn('sess.user', GOOD);
    await desk.signIn('sess.user', GOOD);
    const mine = (await desk.request('GET', '/session/sessions')).body.sessions as { id: string; current: boolean }[];
    expect(mine).toHaveLength(2);
    const phoneId = (await phone.request('GET', '/session')).body.sessionId as string;
    expect(mine.find((s) => s.id === phoneId)?.current).toBe(false);
    expect((await desk.request('DELETE', `/session/sessions/${phoneId}`)).status).toBe(200);
    const gone = await phone.request('GET', '/cameras');
    expect(gone.status).toBe(401);
    expect(gone.body.error).toMatch(/revoked/);
    expect((await audit('session.revoke')).some((e) => e.target === phoneId && e.actor === 'sess.user')).toBe(true);

    // Another user's session is not there for this one; an admin revokes it.
    const other = base();
    await other.signIn('wang.li', GOOD);
    const otherId = (await other.request('GET', '/session')).body.sessionId as string;
    expect((await desk.request('DELETE', `/session/sessions/${otherId}`)).status).toBe(404);
    const all = (await asAdmin('GET', `/admin/sessions`)).body.sessions as { id: string }[];
    expect(all.some((s) => s.id === otherId)).toBe(true);
    expect((await asAdmin('DELETE', `/admin/sessions/${otherId}`)).status).toBe(200);
    expect((await other.request('GET', '/session')).status).toBe(401);

    // Idle: a session unused for longer than idleMinutes (30) ends; absolute: past its end.
    const idle = base();
    await idle.signIn('sess.user', GOOD);
    const idleId = (await idle.request('GET', '/session')).body.sessionId as string;
    await t.node.infra.db.query(`update user_sessions set last_seen_at = now() - interval '31 minutes' where id = $1`, [
      idleId,
    ]);
    expect((await idle.request('GET', '/session')).body.error).toMatch(/inactivity/);
    const old = base();
    await old.signIn('sess.user', GOOD);
    const oldId = (await old.request('GET', '/session')).body.sessionId as string;
    await t.node.infra.db.query(`update user_sessions set expires_at = now() - interval '1 second' where id = $1`, [
      oldId,
    ]);
    expect((await old.request('GET', '/session')).body.error).toMatch(/time limit/);

    const out = await desk.request('POST', '/session/sign-out');
    expect(out.status).toBe(200);
    expect(desk.cookies.has('vigil_session')).toBe(false);
    expect((await audit('session.signout')).some((e) => e.details.user === id)).toBe(true);
  });

  it('role and scope changes are audited and apply to live sessions at once; disabling ends them', async () => {
    const id = await ready('scope.user', ['operator']);
    const c = base();
    await c.signIn('scope.user', GOOD);
    const changed = await asAdmin('PATCH', `/users/${id}`, {
      roles: ['operator', 'investigator'],
      scope: { districts: ['b'], cameras: ['cam-a'] },
    });
    expect(changed.status).toBe(200);
    expect((await audit('user.roles-change')).find((e) => e.target === id)?.details).toMatchObject({
      before: ['operator'],
      after: ['operator', 'investigator'],
    });
    expect((await audit('user.scope-change')).find((e) => e.target === id)?.details).toMatchObject({
      before: null,
      after: { districts: ['b'], cameras: ['cam-a'] },
    });
    const who = (await c.request('GET', '/session')).body;
    expect(who).toMatchObject({
      role: 'operator',
      roles: ['operator', 'investigator'],
      scope: { districts: ['b'], cameras: ['cam-a'] },
    });
    const bad = await asAdmin('PATCH', `/users/${id}`, { roles: ['unit'] });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.stringMatching(/^subject: /)]);
    expect((await asAdmin('POST', `/users/${id}/disable`)).status).toBe(200);
    expect((await c.request('GET', '/session')).status).toBe(401);
    expect((await base().signIn('scope.user', GOOD)).body.reason).toBe('disabled');
  });

  it('bearer tokens still work, and admins make and revoke them; the audit chain holds', async () => {
    const made = await asAdmin('POST', '/admin/tokens', { role: 'unit', name: 'phone of U1', subject: 'u1' });
    expect(made.status).toBe(201);
    expect((await t.api('/session', made.body.token as string)).body).toMatchObject({
      via: 'token',
      role: 'unit',
      subject: 'u1',
      csrfToken: null,
    });
    expect((await asAdmin('DELETE', `/admin/tokens/${made.body.id as string}`)).status).toBe(200);
    expect((await t.api('/session', made.body.token as string)).status).toBe(401);
    expect((await asAdmin('GET', '/admin/audit/verify')).body).toMatchObject({ brokenAt: null });
  });
});
