// Bearer-token authentication and role checks for every API route.
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Role, TokenRepo } from '../store/token-repo.js';
import type { ApiEnv } from './deps.js';

const unauthorized = (message: string) =>
  new HTTPException(401, { res: Response.json({ error: message }, { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } }) });

/**
 * Reads `Authorization: Bearer <token>`. Browsers' EventSource cannot set headers, so the SSE
 * stream alone also accepts `?access_token=`.
 */
export function authenticate(tokens: TokenRepo): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token && c.req.path.endsWith('/stream')) token = c.req.query('access_token');
    if (!token) throw unauthorized('missing bearer token (Authorization: Bearer <token>)');
    const principal = await tokens.resolve(token);
    if (!principal) throw unauthorized('unknown or revoked token');
    c.set('principal', principal);
    await next();
  };
}

export function requireRole(...roles: Role[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role } = c.get('principal');
    if (!roles.includes(role)) {
      throw new HTTPException(403, { res: Response.json({ error: `role ${role} may not do this; needs ${roles.join(' or ')}` }, { status: 403 }) });
    }
    await next();
  };
}
