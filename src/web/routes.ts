// Serves the command-room page: every file in src/web/public (flat), same origin only, no CDN, works offline.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// The page loads nothing from elsewhere; say so to the browser too. No inline script or style either.
// media-src blob: is the live view's MediaSource.
const CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The files served, fixed at start: a request can name only one of these, never a path. */
export function publicFiles(): string[] {
  return readdirSync(dir).filter((name) => types[path.extname(name)] && /^[\w.-]+$/.test(name));
}

export function webRoutes() {
  const app = new Hono();
  // Read on each request (a few kB) so an edited page shows on reload; no-cache makes the browser ask again.
  const send = (name: string) => () =>
    new Response(readFileSync(path.join(dir, name)), {
      headers: {
        'content-type': types[path.extname(name)],
        'cache-control': 'no-cache',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      },
    });
  app.get('/', send('index.html'));
  for (const name of publicFiles()) app.get(`/${name}`, send(name));
  return app;
}
