// Bearer-token authentication and role checks for every API route.
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors.js';
import type { Role, TokenRepo } from '../store/token-repo.js';
import type { ApiEnv } from './deps.js';
import { SIG, type MediaSigner } from './media-url.js';

const unauthorized = (message: string) => new UnauthenticatedError(message);

/**
 * Reads `Authorization: Bearer <token>`. Browsers' EventSource cannot set headers, so the SSE
 * stream alone also accepts `?access_token=`; <video> and <img> cannot either, so GET on a media path
 * also accepts a signed media URL (see media-url.ts), as the principal who asked for it.
 */
export function authenticate(tokens: TokenRepo, media?: MediaSigner): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token && media && c.req.query(SIG.sig) !== undefined) {
      c.set('principal', await signedPrincipal(c.req.raw, tokens, media));
      return next();
    }
    if (!token && c.req.path.endsWith('/stream')) token = c.req.query('access_token');
    if (!token) throw unauthorized('missing bearer token (Authorization: Bearer <token>)');
    const principal = await tokens.resolve(token);
    if (!principal) throw unauthorized('unknown or revoked token');
    c.set('principal', principal);
    await next();
  };
}

async function signedPrincipal(req: Request, tokens: TokenRepo, media: MediaSigner) {
  const url = new URL(req.url);
  const verdict = await media.verify(req.method, url.pathname, url.searchParams);
  if (!verdict.ok) throw unauthorized(verdict.reason);
  // The URL carries the asker's rights, no more: a revoked token's URLs stop at once, and requireRole still runs.
  const principal = await tokens.byId(verdict.tokenId);
  if (!principal) throw unauthorized('the token that asked for this media URL is unknown or revoked');
  return principal;
}

export function requireRole(...roles: Role[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role } = c.get('principal');
    if (!roles.includes(role)) {
      throw new ForbiddenError(`role ${role} may not do this; needs ${roles.join(' or ')}`);
    }
    await next();
  };
}
