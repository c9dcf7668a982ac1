import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { webRoutes } from './routes.js';

describe('page files', () => {
  const app = webRoutes();

  it('sends gzip when the browser accepts it, the same bytes as plain', async () => {
    const plain = await app.request('/app.js');
    const zipped = await app.request('/app.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const body = Buffer.from(await zipped.arrayBuffer());
    expect(gunzipSync(body).toString()).toBe(await plain.text());
    expect(body.length).toBeLessThan(Buffer.byteLength(await (await app.request('/app.js')).text()));
  });

  it('answers 304 to a reload with an unchanged ETag, with the page policy still set', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await app.request('/', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await app.request('/', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('serves only the files of the page', async () => {
    expect((await app.request('/../package.json')).status).toBe(404);
    expect((await app.request('/routes.ts')).status).toBe(404);
  });
});
