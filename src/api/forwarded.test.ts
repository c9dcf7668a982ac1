import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestOrigin } from '../accounts/session-cookie.js';
import { TrustedProxies } from '../lib/client-address.js';
import { checkSameOrigin } from './auth.js';
import { onError } from './errors.js';
import { forwarded } from './forwarded.js';
import type { Via } from '../lib/client-address.js';

const app = new Hono<{ Variables: { via: Via } }>()
  .use(forwarded(new TrustedProxies(['10.20.0.5'])))
  .get('/via', (c) => c.json({ ...c.var.via, requestOrigin: requestOrigin(c) }))
  .post('/write', (c) => {
    checkSameOrigin(c);
    return c.json({ ok: true });
  })
  .onError((err, c) => onError(err, c, console));

const proxied = {
  host: '10.20.0.7:8080',
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'vigil.example.org',
};
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('forwarded', () => {
  it('believes X-Forwarded-For/-Proto/-Host from a trusted proxy only', async () => {
    const trusted = await app.request('/via', { headers: proxied }, from('::ffff:10.20.0.5'));
    expect(await trusted.json()).toEqual({
      client: '203.0.113.9',
      origin: 'https://vigil.example.org',
      requestOrigin: 'https://vigil.example.org',
    });
    const stranger = await app.request('/via', { headers: proxied }, from('198.51.100.4'));
    expect(await stranger.json()).toEqual({
      client: '198.51.100.4',
      origin: 'http://10.20.0.7:8080',
      requestOrigin: 'http://10.20.0.7:8080',
    });
  });

  it('takes the request’s own scheme and Host where a trusted proxy sends no forwarded origin', async () => {
    const res = await app.request('/via', { headers: { host: 'vigil.lan:8080' } }, from('10.20.0.5'));
    expect(await res.json()).toMatchObject({ client: '10.20.0.5', origin: 'http://vigil.lan:8080' });
  });

  it('checks Origin against the origin a trusted proxy reports, and refuses a stranger’s forged one', async () => {
    const write = (peer: string) =>
      app.request(
        '/write',
        { method: 'POST', headers: { ...proxied, origin: 'https://vigil.example.org' } },
        from(peer),
      );
    expect((await write('10.20.0.5')).status).toBe(200);
    const forged = await write('198.51.100.4');
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: string }).error).toMatch(/another origin refused/);
  });
});
