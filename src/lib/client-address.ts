// The client's address behind reverse proxies: the TCP peer, unless the peer is a configured trusted proxy,
// then the rightmost X-Forwarded-For hop that is not itself trusted (hops left of it are the client's to forge).
import { BlockList, isIP } from 'node:net';

/** True for an address or CIDR that server.trustedProxies accepts: 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8. */
export function isProxyEntry(entry: string): boolean {
  const [net, bits, ...rest] = entry.trim().split('/');
  const family = isIP(net);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/** An address as written in a socket or a forwarded header, made plain: no brackets, port or IPv4-mapped prefix. */
export function plainAddress(raw: string): string | null {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(a);
  if (mapped) a = mapped[1];
  return isIP(a) ? a.toLowerCase() : null;
}

/** Who asked and what their browser saw (src/api/forwarded.ts decides it once per request). */
export interface Via {
  /** The client's address (null when the request came without a socket, as in-process tests do). */
  client: string | null;
  /** scheme://host as the browser used it. */
  origin: string;
}

export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;

  /** `entries` as server.trustedProxies holds them; the config check has refused anything else. */
  constructor(entries: readonly string[]) {
    for (const e of entries) {
      const [net, bits] = e.trim().split('/');
      const type = isIP(net) === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.list.addAddress(net, type);
      else this.list.addSubnet(net, Number(bits), type);
    }
    this.size = entries.length;
  }

  has(address: string): boolean {
    if (this.size === 0) return false;
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * Who sent the request. With no trusted proxies (the default) it is the peer, whatever the headers say.
 * From a trusted peer, X-Forwarded-For is read right to left, each trusted hop passed over; the first hop
 * not trusted is the client. When every hop is trusted, the leftmost; when a hop is not an address, the
 * last good one before it (a proxy that forwards garbage is not believed past it).
 */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string | null {
  if (!peer) return null;
  let address = plainAddress(peer) ?? peer;
  if (!trusted.has(address)) return address;
  const hops = (forwardedFor ?? '').split(',').filter((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress(hops[i]);
    if (!hop) return address;
    address = hop;
    if (!trusted.has(hop)) return hop;
  }
  return address;
}
