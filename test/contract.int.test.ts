// Integration: the API keeps its contract. Every route the app registers under /api/v1 is in the OpenAPI
// document; every RouteDoc, called for real (seeded data, an admin token), answers one of its statuses with a
// body that validates against the schema the document shows; the interactive docs load nothing from elsewhere.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { docFor, openApiDocument } from '../src/api/contract/document.js';
import { routeDocs } from '../src/api/contract/index.js';
import { errorBody, type RouteDoc } from '../src/api/contract/route-doc.js';
import { startTestNode, type TestNode } from './helpers/node.js';

const yaml = `
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: d, enabled: false }
units:
  - { id: u1, callsign: U1, type: foot, homeGrid: g1 }
`;

/**
 * Routes that have no RouteDoc yet (their hand-written entry in src/api/openapi.ts still stands in).
 * Each group removes its lines as it moves them to src/api/contract/<group>-docs.ts: this list must reach empty.
 */
const NOT_YET_ROUTE_DOCS = new Set<string>([
  // none left: every route has its RouteDoc
]);

/** What a request to a route carries; ids come from the seeded data. */
interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  form?: FormData;
}

interface Seeds {
  cameraId: string;
  now: number;
  subjectId: string;
  authorisationId: string;
  caseNumber: string;
  exportId: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const pastHour = (s: Seeds) => ({ from: iso(s.now - 3_600_000), to: iso(s.now - 3_000_000) });

/**
 * The request each RouteDoc is called with, keyed `method path`. A route without an entry is called with its
 * path parameters filled by name (camera ids with the seeded camera, other ids with a fresh UUID) and no body,
 * which must still answer one of its documented statuses: add an entry to reach its success answer.
 */
const CALLS: Record<string, (s: Seeds) => Call> = {
  // faces and footage (faces-footage-docs.ts)
  'get /subjects': () => ({ query: { limit: '10' } }),
  'get /subjects/{id}': (s) => ({ params: { id: s.subjectId } }),
  'patch /subjects/{id}': (s) => ({
    params: { id: s.subjectId },
    body: { reason: 'armed robbery, updated', why: 'contract test' },
  }),
  'delete /subjects/{id}': (s) => ({ params: { id: s.subjectId }, query: { why: 'contract test' } }),
  'get /authorisations': () => ({ query: { includeEnded: 'true' } }),
  'post /authorisations': (s) => ({
    body: {
      approvedBy: 'Chief Inspector A',
      legalReference: 'W-2026-1',
      cameras: [s.cameraId],
      startsAt: iso(s.now - 60_000),
      endsAt: iso(s.now + 3_600_000),
    },
  }),
  'get /authorisations/{id}': (s) => ({ params: { id: s.authorisationId } }),
  'patch /authorisations/{id}': (s) => ({
    params: { id: s.authorisationId },
    body: { legalReference: 'W-2026-1a', why: 'contract test' },
  }),
  'post /authorisations/{id}/end': (s) => ({
    params: { id: s.authorisationId },
    body: { reason: 'contract test over' },
  }),
  'get /footage/{camera}': (s) => ({
    params: { camera: s.cameraId },
    query: { ...pastHour(s), purpose: 'contract test' },
  }),
  'post /exports': (s) => ({ body: { cameras: [s.cameraId], ...pastHour(s), purpose: 'contract test' } }),
  'get /exports/{id}': (s) => ({ params: { id: s.exportId } }),
  'post /exports/{id}/release': (s) => ({ params: { id: s.exportId }, body: { reason: 'released to the court' } }),
  'post /cases': () => ({ body: { number: `C-${randomUUID().slice(0, 8)}`, title: 'contract test case' } }),
  'get /cases/{id}': (s) => ({ params: { id: s.caseNumber } }),
  'post /cases/{id}/bookmarks': (s) => ({
    params: { id: s.caseNumber },
    body: { camera: s.cameraId, ...pastHour(s), note: 'the van passes' },
  }),
  'post /cases/{id}/close': (s) => ({ params: { id: s.caseNumber }, body: { reason: 'case closed by the test' } }),
  // dispatch (dispatch-docs.ts)
  'get /alerts': () => ({ query: { limit: '10' } }),
  'get /units': () => ({}),
  'get /duty/history': () => ({ query: { limit: '5' } }),
  'get /reports/heat': () => ({ query: { kind: 'reads' } }),
  'put /duty': () => ({ body: { level: 'enhanced', reason: 'contract test' } }),
  // reads (reads-docs.ts)
  'get /plate-reads': () => ({ query: { purpose: 'contract test' } }),
  'get /sightings': () => ({ query: { purpose: 'contract test' } }),
  'post /hotlist': () => ({
    body: {
      plate: '粤B12345',
      category: 'wanted',
      reason: 'contract test',
      source: 'test',
      expiresAt: '2030-01-01T00:00:00Z',
      why: 'contract test',
    },
  }),
  'post /media-urls': (s) => ({ body: { path: `/api/v1/cameras/${s.cameraId}/live` } }),
  'put /reports/camera-health/targets/{district}': () => ({ params: { district: 'd' }, body: { expected: 10 } }),
};

function defaultParam(name: string, s: Seeds): string {
  if (/camera/i.test(name)) return s.cameraId;
  return randomUUID();
}

function urlOf(doc: RouteDoc, call: Call, s: Seeds): string {
  const filled = doc.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(call.params?.[name] ?? defaultParam(name, s)),
  );
  const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
  return `/api/v1${filled}${query}`;
}

/** Hono's registered routes under /api/v1 as `method /path/{param}` (middleware and the docs page left out). */
function registeredRoutes(app: NonNullable<TestNode['node']['app']>): string[] {
  const out = new Set<string>();
  for (const r of app.routes) {
    if (
      r.method === 'ALL' ||
      !r.path.startsWith('/api/v1/') ||
      r.path.startsWith('/api/v1/docs') ||
      r.path === '/api/v1/openapi.json'
    )
      continue;
    const path = r.path
      .slice('/api/v1'.length)
      .replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')
      .replace(/\/$/, '');
    out.add(`${r.method.toLowerCase()} ${path}`);
  }
  return [...out].sort();
}

describe('API contract', () => {
  let t: TestNode;
  let admin: string;
  let seeds: Seeds;

  beforeAll(async () => {
    t = await startTestNode('contract', yaml);
    admin = await t.token('admin');
    const now = Date.now();
    const { repos } = t.node.infra;
    const subject = await repos.subjects.create(
      { name: 'Contract Subject', category: 'suspect', reason: 'armed robbery', expiresAt: iso(now + 86_400_000) },
      'seed',
    );
    const authorisation = await repos.authorisationRepo.create(
      {
        approvedBy: 'Chief A',
        legalReference: 'W-1',
        cameras: ['cam-a'],
        districts: [],
        startsAt: iso(now),
        endsAt: iso(now + 3_600_000),
      },
      'seed',
    );
    const found = await repos.cases.create({
      number: `K-${randomUUID().slice(0, 8)}`,
      title: 'seeded case',
      createdBy: 'seed',
    });
    const exportId = randomUUID();
    await repos.exports.create({
      id: exportId,
      cameras: ['cam-a'],
      from: new Date(now - 3_600_000),
      to: new Date(now - 3_000_000),
      purpose: 'seed',
      caseId: null,
      requestedBy: 'seed',
      role: 'admin',
    });
    seeds = {
      cameraId: 'cam-a',
      now,
      subjectId: subject.id,
      authorisationId: authorisation.id,
      caseNumber: found.number,
      exportId,
    };
  });
  afterAll(async () => t?.stop());

  it('documents every route the app registers', () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const routes = registeredRoutes(t.node.app!);
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => {
      const [method, path] = r.split(' ');
      return !document.paths[path]?.[method];
    });
    const withoutRouteDoc = routes.filter((r) => {
      const [method, path] = r.split(' ');
      return !routeDocs.some((d) => d.method === method && d.path === path);
    });
    expect(missing.filter((r) => !NOT_YET_ROUTE_DOCS.has(r))).toEqual([]);
    // A route moved to a RouteDoc must leave the list; a new route must come with its RouteDoc.
    expect(withoutRouteDoc.filter((r) => !NOT_YET_ROUTE_DOCS.has(r))).toEqual([]);
    expect([...NOT_YET_ROUTE_DOCS].filter((r) => !withoutRouteDoc.includes(r))).toEqual([]);
  });

  it('finds the RouteDoc of a concrete path', () => {
    for (const doc of routeDocs) {
      const concrete = doc.path.replace(/\{[^}]+\}/g, 'x1');
      expect(docFor(doc.method, concrete), `${doc.method} ${doc.path}`).toBe(doc);
    }
  });

  it('answers every RouteDoc with a documented status and a body its schema accepts', async () => {
    const problems: string[] = [];
    const unsuccessful: string[] = [];
    for (const doc of routeDocs) {
      const key = `${doc.method} ${doc.path}`;
      const call = CALLS[key]?.(seeds) ?? {};
      const init: RequestInit = { method: doc.method.toUpperCase(), headers: { authorization: `Bearer ${admin}` } };
      if (call.form) init.body = call.form;
      else if (call.body !== undefined) {
        init.body = JSON.stringify(call.body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const res = await t.node.app!.request(urlOf(doc, call, seeds), init);
      const allowed = new Set([...Object.keys(doc.responses).map(Number), 401, 403, ...(doc.errors ?? [])]);
      if (!allowed.has(res.status)) {
        problems.push(
          `${key}: answered ${res.status} (${(await res.text()).slice(0, 200)}), documents ${[...allowed].join(', ')}`,
        );
        continue;
      }
      const success = doc.responses[res.status];
      if (!success && CALLS[key]) unsuccessful.push(`${key}: ${res.status}`);
      const type = success?.contentType ?? 'application/json';
      if (type !== 'application/json') {
        if (!(res.headers.get('content-type') ?? '').startsWith(type))
          problems.push(`${key}: content-type ${res.headers.get('content-type')}, documents ${type}`);
        continue;
      }
      const schema: z.ZodType | undefined = success ? success.schema : errorBody;
      const text = await res.text();
      if (!schema) continue;
      const parsed = schema.safeParse(text ? JSON.parse(text) : undefined);
      if (!parsed.success)
        problems.push(
          `${key} ${res.status}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
    }
    expect(problems).toEqual([]);
    // Each RouteDoc with a CALLS entry must reach its success answer, not just a documented refusal.
    expect(unsuccessful).toEqual([]);
  });

  it('serves the interactive docs from this server only, without a token', async () => {
    const page = await fetch(`${t.url}/api/v1/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref.startsWith('/api/v1/docs/'), ref).toBe(true);
      expect((await fetch(`${t.url}${ref}`)).status, ref).toBe(200);
    }
    const init = await (await fetch(`${t.url}/api/v1/docs/init.js`)).text();
    expect(init).toMatch(/url: '\/api\/v1\/openapi.json'/);
    expect(init).toMatch(/validatorUrl: null/);
    expect((await fetch(`${t.url}/api/v1/docs/..%2Fpackage.json`)).status).toBe(404);
  });
});
