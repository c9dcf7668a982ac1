// Who the caller is and how the command room works (time zone): what the page needs after sign-in.
import { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../deps.js';

export function sessionRoutes(deps: Pick<ApiDeps, 'config'>) {
  return new Hono<ApiEnv>().get('/', (c) => {
    const p = c.get('principal');
    return c.json({ name: p.name, role: p.role, subject: p.subject, timezone: deps.config.server.timezone });
  });
}
