// Serves the command-room page: every file in src/web/public (flat), same origin only, no CDN, works offline.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  // The unit phone's install: the web app manifest (the service worker, sw.js, is plain JavaScript).
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

// The page loads nothing from elsewhere; say so to the browser too. No inline script or style either.
// media-src blob: is the live view's MediaSource.
const CSP =
  "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The files served, fixed at start: a request can name only one of these, never a path. */
export function publicFiles(): string[] {
  return readdirSync(dir).filter((name) => types[path.extname(name)] && /^[\w.-]+$/.test(name));
}

interface Prepared {
  mtimeMs: number;
  raw: Buffer;
  gzip: Buffer;
  etag: string;
}

/** A file with its gzip and ETag, made again only when the file changed (an edited page shows on reload). */
function preparer() {
  const cache = new Map<string, Prepared>();
  return (name: string): Prepared => {
    const file = path.join(dir, name);
    const mtimeMs = statSync(file).mtimeMs;
    const hit = cache.get(name);
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const raw = readFileSync(file);
    const prepared = {
      mtimeMs,
      raw,
      gzip: gzipSync(raw, { level: 9 }),
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}"`,
    };
    cache.set(name, prepared);
    return prepared;
  };
}

export function webRoutes() {
  const app = new Hono();
  const prepare = preparer();
  // no-cache + ETag: the browser asks again each load and gets 304 when nothing changed; gzip when accepted.
  const send = (name: string) => (c: Context) => {
    const f = prepare(name);
    const headers: Record<string, string> = {
      'content-type': types[path.extname(name)],
      'cache-control': 'no-cache',
      etag: f.etag,
      vary: 'accept-encoding',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (c.req.header('if-none-match') === f.etag) return new Response(null, { status: 304, headers });
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (gzip) headers['content-encoding'] = 'gzip';
    return new Response(new Uint8Array(gzip ? f.gzip : f.raw), { headers });
  };
  app.get('/', send('index.html'));
  for (const name of publicFiles()) app.get(`/${name}`, send(name));
  return app;
}
