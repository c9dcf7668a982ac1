import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MediaSigner, SIG, withoutSignature, type KeyStore } from './media-url.js';

const signer = new MediaSigner(randomBytes(32));
const NOW = Date.parse('2026-11-24T10:00:00Z');
const PLAY = '/api/v1/footage/gate-1/play?from=2026-11-24T09:59:30Z&to=2026-11-24T10:00:30Z&purpose=case+2026-17';

async function check(url: string, now = NOW, method = 'GET') {
  const u = new URL(url, 'http://x');
  return signer.verify(method, u.pathname, u.searchParams, now);
}

describe('signed media URLs', () => {
  it('opens the path it was signed for, for the token that asked, until it expires', async () => {
    const { url, expiresAt } = await signer.sign(PLAY, 'token-1', 300, NOW);
    expect(url).toContain(`${SIG.sig}=`);
    expect(Date.parse(expiresAt) - NOW).toBe(300_000);
    expect(await check(url)).toEqual({ ok: true, tokenId: 'token-1' });
    expect(await check(url, NOW, 'HEAD')).toEqual({ ok: true, tokenId: 'token-1' });
    expect(await check(url, NOW + 299_000)).toMatchObject({ ok: true });
  });

  it('refuses an expired URL', async () => {
    const { url } = await signer.sign(PLAY, 'token-1', 300, NOW);
    expect(await check(url, NOW + 300_000)).toMatchObject({ ok: false, reason: expect.stringContaining('expired') });
  });

  it('refuses a changed query, expiry, token id or signature', async () => {
    const { url } = await signer.sign(PLAY, 'token-1', 300, NOW);
    const tampered = (name: string, value: string) => {
      const u = new URL(url, 'http://x');
      u.searchParams.set(name, value);
      return `${u.pathname}?${u.searchParams}`;
    };
    for (const [name, value] of [
      ['to', '2026-11-24T11:00:30Z'],
      [SIG.tid, 'token-2'],
      [SIG.exp, String(NOW / 1000 + 3000)],
      ['purpose', 'curiosity'],
    ]) {
      expect(await check(tampered(name, value))).toMatchObject({ ok: false });
    }
    const sig = new URL(url, 'http://x').searchParams.get(SIG.sig) as string;
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect(await check(url.replace(sig, flipped))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('signature'),
    });
    expect(await check(url.replace(`&${SIG.sig}=${sig}`, ''))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('incomplete'),
    });
  });

  it('refuses another media path with the same query', async () => {
    const { url } = await signer.sign(PLAY, 'token-1', 300, NOW);
    expect(await check(url.replace('/footage/gate-1/', '/footage/gate-2/'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('signature'),
    });
  });

  it('never opens a non-media path or a method other than GET', async () => {
    await expect(signer.sign('/api/v1/alerts?limit=5', 'token-1', 300, NOW)).rejects.toThrow(/not a media path/);
    const { url } = await signer.sign('/api/v1/cameras/gate-1/live', 'token-1', 300, NOW);
    expect(await check(url.replace('/cameras/gate-1/live', '/cameras'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('cannot open'),
    });
    expect(await check(url, NOW, 'POST')).toMatchObject({ ok: false, reason: expect.stringContaining('GET') });
  });

  it('accepts the query in any order and strips the signature for the route', async () => {
    const { url } = await signer.sign(PLAY, 'token-1', 300, NOW);
    const u = new URL(url, 'http://x');
    const reversed = new URLSearchParams([...u.searchParams].reverse());
    expect(await signer.verify('GET', u.pathname, reversed, NOW)).toMatchObject({ ok: true });
    expect(Object.keys(withoutSignature(Object.fromEntries(u.searchParams)))).toEqual(['from', 'to', 'purpose']);
  });

  it('shares one key between processes through SET NX', async () => {
    const data = new Map<string, string>();
    const store: KeyStore = {
      get: async (k) => data.get(k) ?? null,
      set: async (k, v) => void (data.has(k) || data.set(k, v)),
    };
    const a = new MediaSigner({ store, name: 'k' });
    const b = new MediaSigner({ store, name: 'k' });
    const { url } = await a.sign(PLAY, 'token-1', 300, NOW);
    const u = new URL(url, 'http://x');
    expect(await b.verify('GET', u.pathname, u.searchParams, NOW)).toMatchObject({ ok: true });
    expect(data.get('k')).toMatch(/^[0-9a-f]{64}$/);
  });
});
