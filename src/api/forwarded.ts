// Who is asking and what the browser saw, decided once per request from the TCP peer and, only when the
// peer is a trusted proxy (server.trustedProxies), its X-Forwarded-For/-Proto/-Host. Everything that needs
// the client's address (sign-in rate limit, audit ip) or origin (Secure cookie, Origin check, OIDC URLs)
// reads c.var.via, so no part believes a forwarded header another part would refuse.
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress, plainAddress, type TrustedProxies, type Via } from '../lib/client-address.js';

const peerOf = (c: Context) =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;

/** The first entry of a comma-separated forwarded header, trimmed; undefined when absent or empty. */
const first = (value: string | undefined) => value?.split(',')[0].trim() || undefined;

export function viaOf(c: Context, trusted: TrustedProxies): Via {
  const peer = peerOf(c);
  const url = new URL(c.req.url);
  const own = { proto: url.protocol.replace(':', ''), host: c.req.header('host') || url.host };
  const fromProxy = !!peer && trusted.has(plainAddress(peer) ?? peer);
  const proto = (fromProxy && first(c.req.header('x-forwarded-proto'))) || own.proto;
  const host = (fromProxy && first(c.req.header('x-forwarded-host'))) || own.host;
  return { client: clientAddress(peer, c.req.header('x-forwarded-for'), trusted), origin: `${proto}://${host}` };
}

export function forwarded(trusted: TrustedProxies): MiddlewareHandler<{ Variables: { via: Via } }> {
  return async (c, next) => {
    c.set('via', viaOf(c, trusted));
    await next();
  };
}
