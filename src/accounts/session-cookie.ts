// The cookies of a signed-in browser: the session (HttpOnly, SameSite=Strict), the CSRF token the page echoes
// in X-CSRF-Token (readable by the page, SameSite=Strict), and the OIDC round trip's state (HttpOnly, Lax:
// the provider's redirect back is a cross-site navigation, which Strict cookies do not ride).
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccountsConfig } from '../config/accounts.js';
import type { Via } from '../lib/client-address.js';
import type { OidcPending } from './oidc.js';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_COOKIE = 'vigil_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const OIDC_COOKIE = 'vigil_oidc';
const OIDC_PATH = '/api/v1/session/oidc';

/**
 * The origin the browser used: behind a trusted proxy (server.trustedProxies) its X-Forwarded-Proto/-Host
 * say what the browser saw (src/api/forwarded.ts); from anyone else the request's own scheme and Host.
 */
export function requestOrigin(c: Context): string {
  const via = c.get('via') as Via | undefined;
  if (via) return via.origin;
  const url = new URL(c.req.url);
  return `${url.protocol}//${c.req.header('host') || url.host}`;
}

const secure = (c: Context, cfg: AccountsConfig) =>
  cfg.session.secureCookie === 'auto' ? requestOrigin(c).startsWith('https:') : cfg.session.secureCookie;

export function setSessionCookies(c: Context, cfg: AccountsConfig, secret: string, csrfToken: string): void {
  const maxAge = Math.floor(cfg.session.absoluteHours * 3600);
  const common = { path: '/', sameSite: 'Strict' as const, secure: secure(c, cfg), maxAge };
  setCookie(c, SESSION_COOKIE, secret, { ...common, httpOnly: true });
  setCookie(c, CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  deleteCookie(c, CSRF_COOKIE, { path: '/' });
}

export const sessionCookie = (c: Context) => getCookie(c, SESSION_COOKIE);

export function setOidcCookie(c: Context, cfg: AccountsConfig, pending: OidcPending): void {
  setCookie(c, OIDC_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
    path: OIDC_PATH,
    sameSite: 'Lax',
    httpOnly: true,
    secure: secure(c, cfg),
    maxAge: 600,
  });
}

export function takeOidcCookie(c: Context): OidcPending | null {
  const raw = getCookie(c, OIDC_COOKIE);
  deleteCookie(c, OIDC_COOKIE, { path: OIDC_PATH });
  if (!raw) return null;
  try {
    const p = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<OidcPending>;
    return typeof p.state === 'string' &&
      typeof p.nonce === 'string' &&
      typeof p.verifier === 'string' &&
      typeof p.redirectUri === 'string'
      ? (p as OidcPending)
      : null;
  } catch {
    return null;
  }
}
