// Signing in and out (password + TOTP, or the identity provider), who the caller is, and a user's own
// account: password, TOTP, sessions. signInRoutes are mounted before authentication; sessionRoutes after it.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Accounts } from '../../accounts/accounts.js';
import { beginTotp, changePassword, confirmTotp, removeTotp } from '../../accounts/self-service.js';
import {
  clearSessionCookies,
  requestOrigin,
  setOidcCookie,
  setSessionCookies,
  takeOidcCookie,
} from '../../accounts/session-cookie.js';
import { endSession, signIn } from '../../accounts/sign-in.js';
import { rateMessage } from '../../accounts/sign-in-rate.js';
import { toSessionView, toWhoView } from '../../accounts/views.js';
import { ConflictError, LimitReachedError, UnauthenticatedError, UnavailableError } from '../../lib/errors.js';
import { checkSameOrigin } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, uuidParam } from '../errors.js';

export const signInBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1024),
  /** The 6-digit code, when the account has TOTP (the first answer says so: reason totp-required). */
  totp: z.string().trim().max(10).optional(),
});
export const passwordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
export const codeBody = z.strictObject({ code: z.string().trim().min(6).max(10) });

type Deps = Pick<ApiDeps, 'config' | 'signInRate'> & { accounts: Accounts };

/**
 * The client's address: the TCP peer, or behind a trusted proxy (server.trustedProxies) the rightmost
 * X-Forwarded-For hop not trusted (src/api/forwarded.ts). A client cannot choose it to dodge the rate limit
 * or blur the audit log.
 */
const clientOf = (c: Context<ApiEnv>) => c.var.via.client;

/** Refuses (429, Retry-After) an address past its sign-in attempts; the first refusal of a window is audited. */
async function checkRate(deps: Deps, c: Context<ApiEnv>, username: string): Promise<void> {
  if (!deps.signInRate) return;
  const address = clientOf(c) ?? 'unknown';
  const verdict = await deps.signInRate.hit(address);
  if (verdict.ok) return;
  if (verdict.attempts === deps.accounts.ctx.config.signInRate.maxAttempts + 1) {
    await deps.accounts.ctx.tx(({ audit }) =>
      audit({
        actor: username,
        role: 'none',
        action: 'signin.rate-limited',
        target: null,
        details: { ip: address, attempts: verdict.attempts, retryAfterS: verdict.retryAfterS },
      }),
    );
  }
  throw new LimitReachedError(rateMessage(verdict.retryAfterS), { extra: { retryAfterS: verdict.retryAfterS } });
}

export function signInRoutes(deps: Deps) {
  const { accounts } = deps;
  const cfg = accounts.ctx.config;
  const from = (c: Context<ApiEnv>) => ({ ip: clientOf(c), userAgent: c.req.header('user-agent') ?? null });
  return new Hono<ApiEnv>()
    .get('/options', (c) => c.json({ password: true, oidc: accounts.oidc ? { label: accounts.oidc.cfg.label } : null }))
    .post('/sign-in', async (c) => {
      // A login form on another site must not sign this browser in as someone else (login CSRF).
      checkSameOrigin(c);
      const body = await jsonBody(c, signInBody);
      await checkRate(deps, c, body.username);
      const opened = await signIn(accounts.ctx, { ...body, ...from(c) });
      setSessionCookies(c, cfg, opened.secret, opened.session.csrfToken);
      const resolved = await accounts.resolve(opened.secret);
      if (!resolved.ok) throw new UnauthenticatedError(resolved.reason);
      return c.json(toWhoView(resolved.principal, deps.config.server.timezone, resolved), 200);
    })
    .get('/oidc/start', async (c) => {
      if (!accounts.oidc)
        throw new UnavailableError('sign-in through an identity provider is not configured (accounts.oidc)');
      const { url, pending } = await accounts.oidc.start(requestOrigin(c));
      setOidcCookie(c, cfg, pending);
      return c.redirect(url, 302);
    })
    .get('/oidc/callback', async (c) => {
      if (!accounts.oidc)
        throw new UnavailableError('sign-in through an identity provider is not configured (accounts.oidc)');
      const pending = takeOidcCookie(c);
      const back = (error: string) => c.redirect(`/?signinError=${encodeURIComponent(error)}`, 302);
      if (!pending) return back('the sign-in took too long or was started in another browser: try again');
      const providerError = c.req.query('error');
      if (providerError)
        return back(`the identity provider refused: ${c.req.query('error_description') ?? providerError}`);
      try {
        const opened = await accounts.oidc.callback(new URL(c.req.url).search, pending, from(c));
        setSessionCookies(c, cfg, opened.secret, opened.session.csrfToken);
        return c.redirect('/', 302);
      } catch (err) {
        return back((err as Error).message);
      }
    });
}

export function sessionRoutes(deps: Deps) {
  const { accounts } = deps;
  const cfg = accounts.ctx.config;
  /** The caller's own account; a bearer token has none. */
  const mine = (c: Context<ApiEnv>) => {
    const p = c.get('principal');
    if (!p.sessionId) throw new ConflictError('a bearer token has no account: sign in as a user for this');
    return { userId: p.personId, sessionId: p.sessionId, p };
  };
  return new Hono<ApiEnv>()
    .get('/', async (c) => {
      const p = c.get('principal');
      const resolved = p.sessionId ? await accounts.resolveId(p.sessionId) : null;
      return c.json(toWhoView(p, deps.config.server.timezone, resolved?.ok ? resolved : undefined));
    })
    .post('/sign-out', async (c) => {
      const { sessionId, p } = mine(c);
      const idToken = await accounts.ctx.sessions.idToken(sessionId);
      const ended = await endSession(accounts.ctx, sessionId, { name: p.name, role: p.role, signOut: true });
      clearSessionCookies(c);
      // A session from the identity provider ends there too: the page goes to this URL when there is one.
      const providerSignOutUrl =
        ended?.method === 'oidc' && accounts.oidc ? await accounts.oidc.signOutUrl(idToken, requestOrigin(c)) : null;
      return c.json({ signedOut: true, providerSignOutUrl });
    })
    .post('/password', async (c) => {
      const { userId, sessionId } = mine(c);
      const body = await jsonBody(c, passwordBody);
      await changePassword(accounts.ctx, userId, body.currentPassword, body.newPassword, sessionId);
      return c.json({ changed: true });
    })
    .post('/totp', async (c) => c.json(await beginTotp(accounts.ctx, mine(c).userId), 201))
    .post('/totp/confirm', async (c) => {
      const { userId } = mine(c);
      await confirmTotp(accounts.ctx, userId, (await jsonBody(c, codeBody)).code);
      return c.json({ totpEnabled: true });
    })
    .post('/totp/remove', async (c) => {
      const { userId } = mine(c);
      await removeTotp(accounts.ctx, userId, (await jsonBody(c, codeBody)).code);
      return c.json({ totpEnabled: false });
    })
    .get('/sessions', async (c) => {
      const { userId, sessionId } = mine(c);
      const list = await accounts.ctx.liveSessions({ userId });
      return c.json({ sessions: list.map((s) => toSessionView(s, cfg, sessionId)) });
    })
    .delete('/sessions/:id', async (c) => {
      const { userId, p } = mine(c);
      const id = uuidParam(c, 'id', 'session');
      const s = await accounts.ctx.sessions.byId(id);
      // Someone else's session is not there for this caller (admins revoke any under /admin/sessions).
      if (!s || s.userId !== userId || s.revokedAt) throw notFound(`live session ${id} of yours`);
      const ended = await endSession(accounts.ctx, id, { name: p.name, role: p.role });
      if (!ended) throw notFound(`live session ${id} of yours`);
      if (id === p.sessionId) clearSessionCookies(c);
      return c.json({ revoked: toSessionView(ended, cfg, p.sessionId) });
    });
}
