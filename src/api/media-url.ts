// Signed media URLs: a short-lived GET link to a media path (footage, live view, crops, subject photos) for
// <video>/<img>, which cannot send a bearer token. HMAC-SHA256 with a key every process reads from Redis.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Query parameters the signature adds; routes ignore them (see withoutSignature). */
export const SIG = { exp: 'media_exp', tid: 'media_tid', sig: 'media_sig' } as const;
const SIG_NAMES: string[] = Object.values(SIG);

/** Default and longest lifetime of a signed URL, seconds. */
export const DEFAULT_TTL_S = 300;
export const MAX_TTL_S = 3600;

/** The paths a signed URL may open: GET on media only, never JSON data or changes. */
const MEDIA_PATHS: RegExp[] = [
  /^\/api\/v1\/footage\/[^/]+\/play$/,
  /^\/api\/v1\/segments\/[^/]+$/,
  /^\/api\/v1\/exports\/[^/]+\/files\/[^/]+$/,
  /^\/api\/v1\/cameras\/[^/]+\/live$/,
  /^\/api\/v1\/plate-reads\/[^/]+\/crop\.jpg$/,
  /^\/api\/v1\/faces\/sightings\/[^/]+\/crop\.jpg$/,
  /^\/api\/v1\/subjects\/[^/]+\/photos\/[^/]+$/,
];
/** Footage paths: issuing a URL for one needs a purpose and is audited. */
const FOOTAGE_PATHS = MEDIA_PATHS.slice(0, 3);

export const isMediaPath = (path: string) => MEDIA_PATHS.some((r) => r.test(path));
export const isFootagePath = (path: string) => FOOTAGE_PATHS.some((r) => r.test(path));

/** A route's query without the signature's parameters (for strict query schemas). */
export function withoutSignature(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([k]) => !SIG_NAMES.includes(k)));
}

export type Verdict = { ok: true; tokenId: string } | { ok: false; reason: string };

/** Where the key lives: a Redis GET/SET NX, so the first process to start creates it and all share it. */
export interface KeyStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, nx: 'NX'): Promise<unknown>;
}

/** Re-read the key this often, so processes agree again soon after Redis lost it and one made a new one. */
const KEY_REFRESH_MS = 60_000;

export class MediaSigner {
  private cached: { key: Buffer; at: number } | null = null;

  constructor(private readonly source: { store: KeyStore; name: string } | Buffer) {}

  /** Signs GET of `pathWithQuery` (an /api/v1 media path, its query kept) for the principal's token id. */
  async sign(
    pathWithQuery: string,
    tokenId: string,
    ttlSeconds = DEFAULT_TTL_S,
    now = Date.now(),
  ): Promise<{ url: string; expiresAt: string }> {
    const u = new URL(pathWithQuery, 'http://vigil.local');
    if (!isMediaPath(u.pathname)) throw new Error(`${u.pathname} is not a media path`);
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const params = new URLSearchParams([...u.searchParams].filter(([k]) => !SIG_NAMES.includes(k)));
    const sig = this.mac(await this.key(), u.pathname, params, exp, tokenId);
    params.set(SIG.exp, String(exp));
    params.set(SIG.tid, tokenId);
    params.set(SIG.sig, sig);
    return { url: `${u.pathname}?${params}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Checks a request: GET (or HEAD) on a media path, not expired, and the signature over all of it. */
  async verify(method: string, path: string, query: URLSearchParams, now = Date.now()): Promise<Verdict> {
    if (method !== 'GET' && method !== 'HEAD')
      return { ok: false, reason: 'a signed media URL opens GET requests only' };
    if (!isMediaPath(path))
      return { ok: false, reason: `a signed media URL cannot open ${path}: use the bearer token` };
    const exp = Number(query.get(SIG.exp));
    const tid = query.get(SIG.tid) ?? '';
    const sig = query.get(SIG.sig) ?? '';
    if (!Number.isSafeInteger(exp) || !tid || !sig)
      return { ok: false, reason: `signed media URL incomplete: needs ${SIG_NAMES.join(', ')}` };
    if (exp * 1000 <= now)
      return { ok: false, reason: 'signed media URL expired: ask POST /api/v1/media-urls for a new one' };
    const params = new URLSearchParams([...query].filter(([k]) => !SIG_NAMES.includes(k)));
    const want = Buffer.from(this.mac(await this.key(), path, params, exp, tid));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got))
      return { ok: false, reason: 'signed media URL does not match its signature (changed, or for another path)' };
    return { ok: true, tokenId: tid };
  }

  private mac(key: Buffer, path: string, params: URLSearchParams, exp: number, tokenId: string): string {
    const sorted = [...params].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
    const canonical = ['GET', path, new URLSearchParams(sorted).toString(), String(exp), tokenId].join('\n');
    return createHmac('sha256', key).update(canonical).digest('base64url');
  }

  private async key(): Promise<Buffer> {
    if (Buffer.isBuffer(this.source)) return this.source;
    if (this.cached && Date.now() - this.cached.at < KEY_REFRESH_MS) return this.cached.key;
    const { store, name } = this.source;
    await store.set(name, randomBytes(32).toString('hex'), 'NX');
    const hex = await store.get(name);
    if (!hex) throw new Error(`media URL key ${name} missing in Redis right after SET NX`);
    this.cached = { key: Buffer.from(hex, 'hex'), at: Date.now() };
    return this.cached.key;
  }
}
