// The snake_case alias layer through a tiny Hono app: which routes it touches, what it renames, what it logs.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { camelKeys, camelName, snakeCaseAliases } from './aliases.js';
import { inputGuard } from './input-guard.js';

function tinyApp() {
  const warnings: string[] = [];
  const log = { warn: (m: string) => void warnings.push(m) };
  const camel = (method: string, path: string) =>
    path.startsWith('/new') ? { path: path.replace(/\/[0-9]+$/, '/{id}') } : undefined;
  const app = new Hono()
    .use(inputGuard())
    .use(snakeCaseAliases(log, camel))
    .post('/new/:id', async (c) => c.json({ query: c.req.query(), body: await c.req.json() }))
    .post('/new-form/:id', async (c) => c.json({ query: c.req.query(), form: await c.req.parseBody() }))
    .post('/old', async (c) => c.json({ query: c.req.query(), body: await c.req.json() }));
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return (await res.json()) as { query: Record<string, string>; body: unknown };
  };
  return { app, warnings, post };
}

describe('snake_case aliases', () => {
  it('names snake_case in camelCase and leaves other names alone', () => {
    expect(camelName('include_inactive')).toBe('includeInactive');
    expect(camelName('legal_reference_2')).toBe('legalReference2');
    expect(camelName('startsAt')).toBe('startsAt');
    expect(camelName('_private')).toBe('_private');
    expect(camelName('Camera_Id')).toBe('Camera_Id');
  });

  it('renames body keys at every depth; a camelCase key sent too wins', () => {
    const used = new Set<string>();
    expect(
      camelKeys({ approved_by: 'a', approvedBy: 'b', list: [{ starts_at: 1 }], n: { legal_reference: 'r' } }, used),
    ).toEqual({ approvedBy: 'b', list: [{ startsAt: 1 }], n: { legalReference: 'r' } });
    expect([...used].sort()).toEqual(['approved_by', 'legal_reference', 'starts_at']);
  });

  it('reads old query and body names as the new ones on contract routes, and warns once per key and route', async () => {
    const { warnings, post } = tinyApp();
    const first = await post('/new/1?include_inactive=true&limit=5', {
      legal_reference: 'warrant 7',
      cameras: [{ camera_id: 'c' }],
    });
    expect(first).toEqual({
      query: { includeInactive: 'true', limit: '5' },
      body: { legalReference: 'warrant 7', cameras: [{ cameraId: 'c' }] },
    });
    await post('/new/2?include_inactive=false', { legal_reference: 'again' });
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/'include_inactive' on POST \/new\/\{id\}: send 'includeInactive'/);
    expect(warnings.join('\n')).toMatch(/'camera_id'/);
  });

  it('keeps the signed media URL parameters and the stream token as sent', async () => {
    const { post } = tinyApp();
    const got = await post('/new/1?media_exp=1&media_tid=t&media_sig=s&access_token=a&include_ended=1', {});
    expect(got.query).toEqual({ media_exp: '1', media_tid: 't', media_sig: 's', access_token: 'a', includeEnded: '1' });
  });

  it('passes requests through untouched on routes not yet on the contract', async () => {
    const { warnings, post } = tinyApp();
    expect(await post('/old?include_inactive=1', { expires_at: 'x' })).toEqual({
      query: { include_inactive: '1' },
      body: { expires_at: 'x' },
    });
    expect(warnings).toEqual([]);
  });

  it('keeps a form body when only the query is renamed', async () => {
    const { app } = tinyApp();
    const form = new FormData();
    form.set('why', 'case 4');
    const res = await app.request('/new-form/3?include_ended=1', { method: 'POST', body: form });
    expect(await res.json()).toEqual({ query: { includeEnded: '1' }, form: { why: 'case 4' } });
  });
});
