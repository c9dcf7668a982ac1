// Who is calling: a bearer token (devices, integrations, scripts) or a signed-in user's session cookie;
// CSRF and origin checks on a cookie's writes; role checks for every API route.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Accounts } from '../accounts/accounts.js';
import { CSRF_HEADER, requestOrigin, sessionCookie } from '../accounts/session-cookie.js';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors.js';
import type { Principal, Role, TokenRepo } from '../store/token-repo.js';
import type { ApiEnv } from './deps.js';
import { SIG, type MediaSigner } from './media-url.js';

const unauthorized = (message: string) => new UnauthenticatedError(message);
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads `Authorization: Bearer <token>`, else the session cookie. Browsers' EventSource cannot set headers,
 * so the SSE stream alone also accepts `?access_token=`; <video> and <img> cannot either, so GET on a media
 * path also accepts a signed media URL (see media-url.ts), as the principal who asked for it.
 *
 * CSRF (cookie sessions only; a bearer token is never sent by the browser on its own): every write must
 * carry X-CSRF-Token equal to the session's token (a synchronizer token: the server keeps it, the page reads
 * it from the vigil_csrf cookie), and must not come from another site (Sec-Fetch-Site, Origin). The cookies
 * are SameSite=Strict as well, so a cross-site write carries no session to begin with.
 */
export function authenticate(tokens: TokenRepo, media?: MediaSigner, accounts?: Accounts): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token && media && c.req.query(SIG.sig) !== undefined) {
      c.set('principal', await signedPrincipal(c.req.raw, tokens, media, accounts));
      return next();
    }
    // ANPR cameras push to a URL set in the camera and can send no header either.
    if (!token && (c.req.path.endsWith('/stream') || c.req.path.endsWith('/anpr/hikvision')))
      token = c.req.query('access_token');
    const cookie = !token && accounts ? sessionCookie(c) : undefined;
    if (cookie && accounts) {
      c.set('principal', await sessionPrincipal(c, accounts, cookie));
      return next();
    }
    if (!token) throw unauthorized('not signed in: sign in, or send a bearer token (Authorization: Bearer <token>)');
    const principal = await tokens.resolve(token);
    if (!principal) throw unauthorized('unknown or revoked token');
    c.set('principal', principal);
    await next();
  };
}

/** Paths a session may use before it has set its first password or enrolled the TOTP its role requires. */
const RESTRICTED_OK = /^\/api\/v1\/session(\/|$)/;

async function sessionPrincipal(c: Context<ApiEnv>, accounts: Accounts, secret: string): Promise<Principal> {
  const resolved = await accounts.resolve(secret);
  if (!resolved.ok) throw new UnauthenticatedError(resolved.reason, { extra: { reason: 'session' } });
  if (!SAFE.has(c.req.method)) checkCsrf(c, resolved.session.csrfToken);
  if (resolved.restriction && !RESTRICTED_OK.test(c.req.path)) {
    throw new ForbiddenError(
      resolved.restriction === 'password-change'
        ? 'set your own password first (POST /api/v1/session/password): the first one was given to you once'
        : 'enrol a TOTP second factor first (POST /api/v1/session/totp): your role requires it',
      { extra: { restriction: resolved.restriction } },
    );
  }
  return resolved.principal;
}

/** Refuses a request another site made: Sec-Fetch-Site (modern browsers) and Origin must say this origin. */
export function checkSameOrigin(c: Context): void {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none')
    throw new ForbiddenError(`cross-site request refused (Sec-Fetch-Site: ${site})`);
  const origin = c.req.header('origin');
  if (origin && origin !== requestOrigin(c))
    throw new ForbiddenError(`request from another origin refused (Origin: ${origin})`);
}

function checkCsrf(c: Context, expected: string): void {
  checkSameOrigin(c);
  const got = Buffer.from(c.req.header(CSRF_HEADER) ?? '');
  const want = Buffer.from(expected);
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    throw new ForbiddenError(
      'missing or wrong X-CSRF-Token header: a signed-in page sends its vigil_csrf cookie back in it (reload the page)',
    );
  }
}

async function signedPrincipal(
  req: Request,
  tokens: TokenRepo,
  media: MediaSigner,
  accounts?: Accounts,
): Promise<Principal> {
  const url = new URL(req.url);
  const verdict = await media.verify(req.method, url.pathname, url.searchParams);
  if (!verdict.ok) throw unauthorized(verdict.reason);
  // The URL carries the asker's rights, no more: a revoked token's (or ended session's) URLs stop at once, and requireRole still runs.
  const principal = await tokens.byId(verdict.tokenId);
  if (principal) return principal;
  const session = accounts ? await accounts.resolveId(verdict.tokenId) : null;
  if (session?.ok && !session.restriction) return session.principal;
  throw unauthorized('the token or session that asked for this media URL is unknown, revoked or ended');
}

/** A principal's roles: every role of a user account, the one role of a token. */
export const rolesOf = (p: Principal): readonly Role[] => p.roles ?? [p.role];

export function requireRole(...roles: Role[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    const has = rolesOf(p);
    if (!has.some((r) => roles.includes(r))) {
      throw new ForbiddenError(`role ${has.join('+')} may not do this; needs ${roles.join(' or ')}`);
    }
    await next();
  };
}
