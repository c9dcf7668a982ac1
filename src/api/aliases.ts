// For one release the old snake_case names still work: a query key or JSON body key (at any depth) in
// snake_case is read as its camelCase name, and each use is logged once per key and route as deprecated.
// Only routes that answer to a RouteDoc speak camelCase; the others still read their old names, so they
// are passed through untouched until their group moves to the contract (then the alias applies by itself).
// Retire: delete this file and its line in app.ts one release after every RouteDoc is in place.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../lib/logger.js';
import { docFor } from './contract/document.js';
import { SIG } from './media-url.js';
import { camelKeys, camelName } from './camel-name.js';

export { camelKeys, camelName };
import type { RouteDoc } from './contract/route-doc.js';

/** Names that are snake_case on purpose and stay: a signed media URL's parameters (signed as sent) and the SSE token. */
const KEPT = new Set<string>([...Object.values(SIG), 'access_token']);

const queryName = (k: string) => (KEPT.has(k) ? k : camelName(k));

function renameQuery(url: URL, used: Set<string>): boolean {
  const pairs = [...url.searchParams];
  if (!pairs.some(([k]) => queryName(k) !== k)) return false;
  const present = new Set(pairs.map(([k]) => k));
  const next = new URLSearchParams();
  for (const [key, value] of pairs) {
    const name = queryName(key);
    if (name !== key) used.add(key);
    if (name !== key && present.has(name)) continue;
    next.append(name, value);
  }
  url.search = next.toString();
  return true;
}

const isJson = (type: string | undefined) => {
  const t = (type ?? '').split(';')[0].trim().toLowerCase();
  return t === 'application/json' || t.endsWith('+json');
};

/** The middleware; `find` says which routes speak camelCase (default: those with a RouteDoc). */
export function snakeCaseAliases(
  log: Pick<Logger, 'warn'>,
  find: (method: string, path: string) => Pick<RouteDoc, 'path'> | undefined = docFor,
): MiddlewareHandler {
  const warned = new Set<string>();
  return async (c, next) => {
    const route = find(c.req.method, c.req.path.replace(/^\/api\/v1(?=\/)/, ''));
    if (!route) return next();
    const used = new Set<string>();
    const url = new URL(c.req.url);
    const queryChanged = renameQuery(url, used);
    let body: string | undefined;
    if (c.req.raw.body && isJson(c.req.header('content-type'))) {
      const text = await c.req.text();
      try {
        const before = used.size;
        const value = camelKeys(JSON.parse(text), used);
        body = used.size > before ? JSON.stringify(value) : text;
      } catch {
        body = text; // not JSON: the route's own parse answers the 400
      }
    }
    if (queryChanged || (body !== undefined && used.size > 0)) {
      // A body read once (here or by the input guard) is gone from the stream: the new request carries a copy.
      const payload = body ?? (c.req.raw.body ? await c.req.arrayBuffer() : undefined);
      c.req.raw = new Request(url, { method: c.req.method, headers: c.req.raw.headers, body: payload });
      // Hono keeps promises in bodyCache though its type names the values.
      if (body !== undefined) c.req.bodyCache = { text: Promise.resolve(body) } as unknown as typeof c.req.bodyCache;
    }
    for (const key of used) {
      const once = `${c.req.method} ${route.path} ${key}`;
      if (warned.has(once)) continue;
      warned.add(once);
      log.warn(
        `deprecated snake_case name '${key}' on ${c.req.method} ${route.path}: send '${camelName(key)}' (the alias goes in the next release)`,
        { key, route: route.path, method: c.req.method },
      );
    }
    return next();
  };
}
