// The edge check and the one onError: every malformed request a 400 (or 404, 413) with a JSON body naming the field.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, TooLargeError, UnavailableError } from '../lib/errors.js';
import { jsonBody, onError, uuidParam } from './errors.js';
import { inputGuard, textProblem } from './input-guard.js';

function app(logged: string[] = []) {
  const a = new Hono()
    .use(
      bodyLimit({
        maxSize: 100,
        onError: () => {
          throw new TooLargeError('the body is larger than 100 bytes');
        },
      }),
    )
    .use(inputGuard())
    .post('/things', async (c) => c.json(await jsonBody(c, z.strictObject({ why: z.string() }))))
    .post('/form', async (c) => c.json(await c.req.parseBody()))
    .get('/things/:id', (c) => c.json({ id: uuidParam(c, 'id', 'thing') }))
    .get('/conflict', () => {
      throw new ConflictError('already done', { details: { existingId: 'x' } });
    })
    .get('/offline', () => {
      throw new UnavailableError('camera is offline', { extra: { state: 'offline' } });
    })
    .get('/boom', () => {
      throw new Error('disk on fire', { cause: new Error('ENOSPC') });
    });
  a.onError((err, c) => onError(err, c, { error: (m) => logged.push(m) }));
  return a;
}

const post = (path: string, body: string, type = 'application/json') =>
  app().request(path, { method: 'POST', body, headers: { 'content-type': type } });

describe('input guard and onError', () => {
  it('finds NUL bytes and unpaired surrogates, and passes paired ones', () => {
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
    expect(textProblem('a\uD800')).toMatch(/surrogate/);
    expect(textProblem('\uDC00a')).toMatch(/surrogate/);
    expect(textProblem('粤B😀')).toBeNull();
  });

  it('names the JSON field, query parameter or path segment that carries a NUL byte', async () => {
    const body = await post('/things', '{"why":"a\\u0000b"}');
    expect(body.status).toBe(400);
    expect(await body.json()).toMatchObject({ details: ['body.why: contains a NUL byte (\\u0000): remove it'] });
    const query = await app().request('/things/x?plate=a%00');
    expect(await query.json()).toMatchObject({ details: [expect.stringMatching(/^query plate:/)] });
    expect((await app().request('/things/a%00b')).status).toBe(400);
    expect((await app().request('/things/%E0%A4%A')).status).toBe(400);
  });

  it('refuses broken JSON, malformed multipart and NUL in a form field or CSV line, and big bodies with 413', async () => {
    expect(await (await post('/things', '{"why":')).json()).toMatchObject({
      error: expect.stringMatching(/must be JSON/),
    });
    expect((await post('/form', '--b\r\nno end', 'multipart/form-data; boundary=b')).status).toBe(400);
    const form = await post(
      '/form',
      '--b\r\nContent-Disposition: form-data; name="why"\r\n\r\na\u0000\r\n--b--\r\n',
      'multipart/form-data; boundary=b',
    );
    expect(await form.json()).toMatchObject({ details: ['field why: contains a NUL byte (\\u0000): remove it'] });
    expect(await (await post('/form', 'a,b\nc\u0000,d', 'text/csv')).json()).toMatchObject({
      details: [expect.stringMatching(/^body line 2:/)],
    });
    const big = await post('/things', JSON.stringify({ why: 'x'.repeat(200) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: expect.stringMatching(/larger than/) });
  });

  it('checks JSON sent under another content type too', async () => {
    expect((await post('/things', '{"why":"\\u0000"}', 'text/plain')).status).toBe(400);
  });

  it('answers 404 for an id that is not a UUID, and maps each kind of error once', async () => {
    expect((await app().request('/things/abc')).status).toBe(404);
    expect((await app().request('/things/7f1c0f7e-1d1a-4a43-9a39-0c1d5c0f9b10')).status).toBe(200);
    const conflict = await app().request('/conflict');
    expect([conflict.status, await conflict.json()]).toEqual([
      409,
      { error: 'already done', details: { existingId: 'x' } },
    ]);
    expect(await (await app().request('/offline')).json()).toEqual({ state: 'offline', error: 'camera is offline' });
  });

  it('logs a fault with its cause and answers 500 with a JSON body', async () => {
    const logged: string[] = [];
    const res = await app(logged).request('/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/not completed/) });
    expect(logged.join('\n')).toMatch(/disk on fire[\s\S]*caused by: Error: ENOSPC/);
  });
});
