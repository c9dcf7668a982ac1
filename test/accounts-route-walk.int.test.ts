// The route walk: every /api/v1 route, called with no credentials, a forged cookie after a wrong password,
// an idle-expired session, a revoked session, a session still on its first password, a token of each role
// and a signed-in user of each role. Who may call what is the table below, written down, not read from the code:
// a route with no row fails the walk (add the row), and every status is checked against its row.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/store/token-repo.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SessionClient, type Answer } from './helpers/session-client.js';

/** 'public': no credentials needed; 'any': any signed-in principal; else the roles (space-separated) that pass. */
const TABLE: Record<string, string> = {
  'GET /session/options': 'public',
  'POST /session/sign-in': 'public',
  'GET /session/oidc/start': 'public',
  'GET /session/oidc/callback': 'public',
  'GET /session': 'any',
  'POST /session/sign-out': 'any',
  'POST /session/password': 'any',
  'POST /session/totp': 'any',
  'POST /session/totp/confirm': 'any',
  'POST /session/totp/remove': 'any',
  'GET /session/sessions': 'any',
  'DELETE /session/sessions/:id': 'any',
  'GET /users': 'admin',
  'POST /users': 'admin',
  'GET /users/:id': 'admin',
  'PATCH /users/:id': 'admin',
  'POST /users/:id/password-reset': 'admin',
  'POST /users/:id/unlock': 'admin',
  'POST /users/:id/disable': 'admin',
  'POST /users/:id/enable': 'admin',
  'DELETE /users/:id/totp': 'admin',
  'GET /admin/audit': 'admin',
  'GET /admin/audit/verify': 'admin',
  'GET /admin/jobs/failed': 'admin',
  'POST /admin/tokens': 'admin',
  'GET /admin/tokens': 'admin',
  'DELETE /admin/tokens/:id': 'admin',
  'GET /admin/sessions': 'admin',
  'DELETE /admin/sessions/:id': 'admin',
  // The other groups' routes (/units/:id is walked as the unit u1, the unit account's own).
  'DELETE /cameras/:id': 'admin',
  'DELETE /hotlist/:id': 'admin operator',
  'DELETE /patrol-plans/:district': 'admin',
  'DELETE /situation-reports/subscriptions/:id': 'admin operator investigator',
  'DELETE /subjects/:id': 'admin operator',
  'DELETE /subjects/:id/photos/:photoId': 'admin operator',
  'GET /alerts': 'admin operator investigator checkpoint',
  'GET /alerts/:id': 'admin operator investigator checkpoint unit',
  'GET /authorisations': 'admin operator investigator',
  'GET /authorisations/:id': 'admin operator investigator',
  'GET /cameras': 'admin operator investigator checkpoint maintenance',
  'GET /cameras/:id': 'admin operator investigator checkpoint maintenance',
  'GET /cameras/:id/health': 'admin operator maintenance',
  'GET /cameras/:id/health/faults/:faultId/evidence.jpg': 'admin operator maintenance',
  'GET /cameras/:id/live': 'admin operator checkpoint',
  'GET /cases/:id': 'admin investigator',
  'GET /docs': 'public',
  'GET /docs/:file': 'public',
  'GET /docs/init.js': 'public',
  'GET /duty': 'any',
  'GET /duty/history': 'admin operator',
  'GET /exports/:id': 'admin operator investigator',
  'GET /exports/:id/files/:name': 'admin operator investigator',
  // A unit passes the role check; only the crops of alerts offered to it open (others: 404).
  'GET /faces/sightings/:id/crop.jpg': 'admin operator investigator unit',
  'GET /footage/:camera': 'admin operator investigator',
  'GET /footage/:camera/play': 'admin operator investigator',
  'GET /hotlist': 'admin operator investigator checkpoint',
  'GET /hotlist/:id': 'admin operator investigator checkpoint',
  'GET /incidents': 'admin operator',
  'GET /incidents/:id': 'admin operator unit',
  'GET /incidents/types': 'admin operator',
  'GET /interceptions': 'admin operator checkpoint',
  'GET /interceptions/:id': 'admin operator checkpoint',
  'GET /live': 'admin',
  'GET /map/base': 'any',
  'GET /nodes': 'admin operator',
  'GET /openapi.json': 'public',
  'GET /patrol-plans': 'admin operator investigator',
  'GET /patrol-plans/:district': 'admin operator investigator',
  'GET /patrol-plans/:district/coverage': 'admin operator investigator',
  'GET /plate-reads': 'admin operator investigator',
  'GET /plate-reads/:id/crop.jpg': 'admin operator investigator checkpoint unit',
  'GET /reports/camera-health': 'admin operator maintenance',
  'GET /reports/heat': 'admin operator investigator',
  'GET /reports/response-times': 'admin operator investigator',
  'GET /segments/:id': 'admin operator investigator',
  'GET /sightings': 'admin operator investigator',
  'GET /sightings/:id/crop.jpg': 'admin operator investigator',
  'GET /situation-reports': 'admin operator investigator',
  'GET /situation-reports/:id': 'admin operator investigator',
  'GET /situation-reports/:id/page': 'admin operator investigator',
  'GET /situation-reports/:id/report.csv': 'admin operator investigator',
  'GET /situation-reports/:id/report.pdf': 'admin operator investigator',
  'GET /situation-reports/subscriptions': 'admin operator investigator',
  'GET /stream': 'any',
  'GET /subjects': 'admin operator investigator',
  'GET /subjects/:id': 'admin operator investigator',
  'GET /subjects/:id/photos/:photoId': 'admin operator investigator',
  'GET /tours': 'admin operator',
  'GET /tours/:id': 'admin operator',
  'GET /tours/:id/log': 'admin operator',
  'GET /tours/handover': 'admin operator',
  'GET /tours/marks/:id': 'admin operator',
  'GET /tours/marks/:id/snapshot.jpg': 'admin operator',
  'GET /units': 'admin operator checkpoint unit',
  'GET /work-orders': 'admin operator maintenance',
  'GET /work-orders/:id': 'admin operator maintenance',
  'PATCH /authorisations/:id': 'admin',
  'PATCH /cameras/:id': 'admin',
  'PATCH /hotlist/:id': 'admin operator',
  'PATCH /subjects/:id': 'admin operator',
  'POST /alerts/:id/disposition': 'admin operator',
  'POST /anpr/hikvision': 'admin checkpoint',
  'POST /anpr/reads': 'admin checkpoint',
  'POST /authorisations': 'admin',
  'POST /authorisations/:id/end': 'admin',
  'POST /cameras': 'admin',
  'POST /cameras/:id/health/reference': 'admin maintenance',
  'POST /cameras/:id/location-confirmation': 'admin maintenance',
  'POST /cases': 'admin investigator',
  'POST /cases/:id/alerts': 'admin investigator',
  'POST /cases/:id/bookmarks': 'admin investigator',
  'POST /cases/:id/close': 'admin investigator',
  'POST /exports': 'admin operator investigator',
  'POST /exports/:id/release': 'admin investigator',
  'POST /faces/search': 'admin investigator',
  'POST /hotlist': 'admin operator',
  'POST /hotlist/import': 'admin operator',
  'POST /incidents': 'admin operator',
  'POST /incidents/:id/close': 'admin operator',
  'POST /incidents/:id/legs/:legId/ack': 'admin operator unit',
  'POST /incidents/:id/legs/:legId/arrived': 'admin operator unit',
  'POST /interceptions': 'admin operator',
  'POST /interceptions/:id/ack': 'admin operator checkpoint',
  'POST /interceptions/:id/cancel': 'admin operator',
  'POST /media-urls': 'any',
  'POST /situation-reports': 'admin operator',
  'POST /situation-reports/subscriptions': 'admin operator investigator',
  'POST /subjects': 'admin operator',
  'POST /subjects/:id/photos': 'admin operator',
  'POST /tours': 'admin operator',
  'POST /tours/:id/views': 'admin operator',
  'POST /tours/handover': 'admin operator',
  'POST /tours/marks': 'admin operator',
  'POST /tours/marks/:id/close': 'admin operator',
  'POST /tours/marks/:id/incident': 'admin operator',
  'POST /units/:id/alerts/:alertId/ack': 'admin operator unit',
  'POST /units/:id/alerts/:alertId/arrived': 'admin operator unit',
  'POST /units/:id/alerts/:alertId/resolved': 'admin operator unit',
  'POST /units/:id/position': 'admin unit',
  'POST /units/:id/status': 'admin operator unit',
  'POST /work-orders/:id/acknowledge': 'admin maintenance',
  'POST /work-orders/:id/close': 'admin maintenance',
  'POST /work-orders/:id/notes': 'admin maintenance',
  'PUT /cases/:id/grants': 'admin',
  // The route admits operators; duty.switchRoles (default: admin) decides who switches.
  'PUT /duty': 'admin',
  'PUT /patrol-plans/:district': 'admin',
  'PUT /reports/camera-health/targets/:district': 'admin',
};

const YAML = `
server: { host: 127.0.0.1, port: 0 }
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5, lon: 114.0, district: a, enabled: false }
units:
  - { id: u1, callsign: U1, type: foot, homeGrid: g1 }
recording: { enabled: false }
accounts:
  scrypt: { N: 16384 }
  lockout: { maxFailures: 50 }
`;
const GOOD = 'tide lantern 47 orchard';
const SUBJECT: Partial<Record<Role, string>> = { unit: 'u1', checkpoint: 'cam-a' };
const ACCESS_DENIED = new Set([401, 403]);

/** A concrete path: ids nobody has (so nothing is changed), except the unit u1 under /units/:id (the unit account's own). */
const pathOf = (pattern: string) =>
  pattern.replace(/^\/units\/:id/, '/units/u1').replace(/:[A-Za-z]+(\{[^}]*\})?/g, () => randomUUID());

type Caller = {
  name: string;
  kind: 'nobody' | 'restricted' | 'role';
  role?: Role;
  call(method: string, path: string): Promise<Answer>;
};

describe('route walk: every /api/v1 route against the table', () => {
  let t: TestNode;
  let admin: string;
  const callers: Caller[] = [];
  let routes: string[] = [];

  const tokenCaller = (name: string, token: string | null, role?: Role): Caller => {
    const c = new SessionClient('');
    return {
      name,
      kind: role ? 'role' : 'nobody',
      role,
      call: (method, path) => {
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        return Object.assign(c, { baseUrl: t.url }).request(
          method,
          path,
          method === 'GET' || method === 'DELETE' ? undefined : {},
          { headers },
        );
      },
    };
  };
  const sessionCaller = (name: string, client: SessionClient, kind: Caller['kind'], role?: Role): Caller => ({
    name,
    kind,
    role,
    call: (method, path) => client.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {}),
  });

  async function user(username: string, roles: Role[], changePassword = true): Promise<SessionClient> {
    const made = await t.api('/users', admin, {
      method: 'POST',
      body: JSON.stringify({ username, displayName: username, roles, subject: SUBJECT[roles[0]] ?? null }),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const c = new SessionClient(t.url);
    expect((await c.signIn(username, made.body.oneTimePassword as string)).status).toBe(200);
    if (changePassword)
      expect(
        (
          await c.request('POST', '/session/password', {
            currentPassword: made.body.oneTimePassword,
            newPassword: GOOD,
          })
        ).status,
      ).toBe(200);
    return c;
  }

  beforeAll(async () => {
    t = await startTestNode('route-walk', YAML);
    admin = await t.token('admin');
    routes = [
      ...new Set(
        t.node
          .app!.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/'))
          .map((r) => `${r.method} ${r.path.slice('/api/v1'.length)}`),
      ),
    ].sort();

    callers.push(tokenCaller('no credentials', null));
    const wrong = new SessionClient(t.url);
    await user('walk.wrong', ['operator']);
    expect((await wrong.signIn('walk.wrong', 'not the password')).status).toBe(401);
    // What a browser would send after a failed sign-in: no session cookie was set; a made-up one is no better.
    wrong.cookies.set('vigil_session', 'made-up-after-a-wrong-password');
    wrong.cookies.set('vigil_csrf', 'made-up');
    callers.push(sessionCaller('wrong password', wrong, 'nobody'));
    const idle = await user('walk.idle', ['admin']);
    const idleId = (await idle.request('GET', '/session')).body.sessionId as string;
    await t.node.infra.db.query(`update user_sessions set last_seen_at = now() - interval '1 day' where id = $1`, [
      idleId,
    ]);
    callers.push(sessionCaller('expired session', idle, 'nobody'));
    const revoked = await user('walk.revoked', ['admin']);
    const revokedId = (await revoked.request('GET', '/session')).body.sessionId as string;
    expect((await t.api(`/admin/sessions/${revokedId}`, admin, { method: 'DELETE' })).status).toBe(200);
    callers.push(sessionCaller('revoked session', revoked, 'nobody'));
    callers.push(sessionCaller('first password not changed', await user('walk.first', ['admin'], false), 'restricted'));
    for (const role of ROLES) {
      callers.push(tokenCaller(`${role} token`, await t.token(role, SUBJECT[role] ?? null), role));
      callers.push(sessionCaller(`${role} user`, await user(`walk.${role}`, [role]), 'role', role));
    }
  });
  afterAll(async () => t?.stop());

  /** What the table says this caller must get: 'pass' (anything but 401/403), 401 or 403. */
  function expected(rule: string, route: string, caller: Caller): 'pass' | 401 | 403 {
    if (rule === 'public') return 'pass';
    if (caller.kind === 'nobody') return 401;
    if (caller.kind === 'restricted') return route.split(' ')[1].startsWith('/session') ? 'pass' : 403;
    if (rule === 'any') return 'pass';
    return rule.split(' ').includes(caller.role!) ? 'pass' : 403;
  }

  it.runIf(process.env.VIGIL_WALK_RECORD)(
    'records rows for routes with none (VIGIL_WALK_RECORD=1: prints them, asserts nothing)',
    async () => {
      const rows: string[] = [];
      for (const route of routes.filter((r) => !(r in TABLE))) {
        const [method, pattern] = route.split(' ');
        const path = pathOf(pattern);
        const seen: Record<string, number> = {};
        for (const caller of callers) seen[caller.name] = (await caller.call(method, path)).status;
        const pass = (n: string) => !ACCESS_DENIED.has(seen[n]);
        const rule = pass('no credentials')
          ? 'public'
          : ROLES.filter((r) => pass(`${r} token`) || pass(`${r} user`)).join(' ');
        const odd = ROLES.filter((r) => pass(`${r} token`) !== pass(`${r} user`));
        rows.push(
          `  '${route}': '${rule.length === ROLES.join(' ').length ? 'any' : rule}',${odd.length ? ` // token/user differ: ${odd.join(' ')} ${JSON.stringify(seen)}` : ''}`,
        );
      }
      console.log(`RECORDED\n${rows.join('\n')}`);
    },
    600_000,
  );

  it('has a row for every route, and no row for a route that is gone', () => {
    expect(
      routes.filter((r) => !(r in TABLE)),
      'routes with no row in TABLE',
    ).toEqual([]);
    expect(
      Object.keys(TABLE).filter((r) => !routes.includes(r)),
      'rows for routes that no longer exist',
    ).toEqual([]);
  });

  it('every caller gets what the table says on every route', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of routes.filter((r) => r in TABLE)) {
      const [method, pattern] = route.split(' ');
      // Sign-out would end the walker's own session: it is walked last, below.
      if (route === 'POST /session/sign-out') continue;
      const path = pathOf(pattern);
      for (const caller of callers) {
        const want = expected(TABLE[route], route, caller);
        const got = await caller.call(method, path);
        calls++;
        const ok = want === 'pass' ? !ACCESS_DENIED.has(got.status) : got.status === want;
        if (!ok)
          wrong.push(
            `${route} as ${caller.name}: ${got.status} (table: ${want}) ${String(got.body.error ?? '').slice(0, 100)}`,
          );
      }
    }
    for (const caller of callers) {
      const want = expected(TABLE['POST /session/sign-out'], 'POST /session/sign-out', caller);
      const got = await caller.call('POST', '/session/sign-out');
      const ok = want === 'pass' ? !ACCESS_DENIED.has(got.status) : got.status === want;
      if (!ok) wrong.push(`POST /session/sign-out as ${caller.name}: ${got.status} (table: ${want})`);
    }
    expect(calls).toBeGreaterThan(routes.length * 10);
    expect(wrong).toEqual([]);
  }, 600_000);
});
