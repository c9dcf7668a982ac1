// Integration: the API's authentication, roles, bad input, hotlist CSV import and audited plate search.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';
import { plateReadOf } from '../src/jobs/match-plate-read.js';

const yaml = `
cameras:
  - { id: cam-a, name: A, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5, lon: 114.0, district: d, enabled: false }
units:
  - { id: u1, callsign: U1, type: foot, homeGrid: g1 }
`;

describe('API', () => {
  let t: TestNode;
  let admin: string;
  let investigator: string;

  beforeAll(async () => {
    t = await startTestNode('api', yaml);
    admin = await t.token('admin');
    investigator = await t.token('investigator');
  });
  afterAll(async () => t?.stop());

  it('refuses requests without a valid token, and roles that may not act', async () => {
    expect((await fetch(`${t.url}/api/v1/alerts`)).status).toBe(401);
    expect((await t.api('/alerts', 'vgl_not-a-token')).status).toBe(401);
    const unit = await t.token('unit', 'u1');
    const res = await t.api('/hotlist', unit, { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/role unit may not/);
    expect((await t.api('/admin/audit', investigator)).status).toBe(403);
  });

  it('serves its OpenAPI description and the command-room page', async () => {
    const doc = (await (await fetch(`${t.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/hotlist', '/alerts/{id}/disposition', '/stream']));
    const page = await fetch(`${t.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('names each bad field of a body of the wrong shape', async () => {
    const res = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: '粤B4E7K2',
        category: 'stolen',
        reason: '',
        source: 's',
        expiresAt: 'soon',
        why: 'case 1',
      }),
    });
    expect(res.status).toBe(400);
    const details = (res.body.details as string[]).join('\n');
    expect(details).toMatch(/category: expected one of stolen_vehicle/);
    expect(details).toMatch(/reason: expected why the plate is listed/);
    expect(details).toMatch(/expiresAt: expected an ISO date/);
    const notJson = await t.api('/hotlist', admin, {
      method: 'POST',
      body: 'plate=1',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/must be JSON/);
    const noWhy = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: '粤B4E7K2',
        category: 'wanted',
        reason: 'r',
        source: 's',
        expiresAt: '2030-01-01T00:00:00Z',
      }),
    });
    expect(noWhy.body.error).toMatch(/why/);
  });

  it('imports the good rows of a CSV and reports the broken ones by row', async () => {
    const csv = [
      'plate,pattern,category,reason,source,priority,expiresAt',
      '京A12345,,wanted,armed robbery,bulletin 7,1,2030-01-01T00:00:00Z',
      ',粤B?23*,suspect_vehicle,"seen at robbery, partial plate",witness,2,2030-01-01T00:00:00Z',
      '沪C99999,,wanted,r,s,1,tomorrow',
      '苏E11111,,no_such_category,r,s,1,2030-01-01T00:00:00Z',
    ].join('\n');
    const res = await t.api('/hotlist/import?why=bulletin%207', admin, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(2);
    const errors = res.body.errors as { row: number; message: string }[];
    expect(errors.map((e) => e.row)).toEqual([4, 5]);
    expect(errors[0].message).toMatch(/expiresAt/);
    const listed = await t.api('/hotlist?limit=100', admin);
    const plates = (listed.body.entries as { plate: string | null; pattern: string | null }[]).map(
      (e) => e.plate ?? e.pattern,
    );
    expect(plates).toEqual(expect.arrayContaining(['京A12345', '粤B?23*']));
    const wrongType = await t.api('/hotlist/import?why=x%20y%20z', admin, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(wrongType.status).toBe(400);
  });

  it('refuses a search without a purpose and audits one with a purpose', async () => {
    const now = Date.now();
    await t.node.infra.repos.plateReads.upsert(
      plateReadOf({
        eventId: randomUUID(),
        cameraId: 'cam-a',
        plate: '京A12345',
        confidence: 0.9,
        format: 'ordinary',
        firstSeen: now,
        lastSeen: now,
        capturedAt: now,
        readCount: 1,
        box: [0, 0, 1, 1],
        update: false,
      }),
    );
    const refused = await t.api('/plate-reads?plate=%E4%BA%ACA12345', investigator);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/purpose is required/);
    const fuzzy = await t.api(
      `/plate-reads?plate=${encodeURIComponent('京AI2345')}&match=fuzzy&purpose=case%202026-9`,
      investigator,
    );
    expect(fuzzy.status).toBe(200);
    expect((fuzzy.body.reads as { plate: string }[]).map((r) => r.plate)).toContain('京A12345');
    // A pattern without 3 known characters in a row is checked read by read: it needs a narrow time window.
    const window = `from=${encodeURIComponent(new Date(now - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 1000).toISOString())}`;
    const partial = await t.api(
      `/plate-reads?plate=${encodeURIComponent('A1?3*')}&match=partial&${window}&purpose=case%202026-9`,
      investigator,
    );
    expect((partial.body.reads as { plate: string }[]).map((r) => r.plate)).toContain('京A12345');
    const audit = await t.api('/admin/audit?action=search.plate_reads', admin);
    const entry = (audit.body.entries as { actor: string; details: { purpose: string } }[]).at(-1);
    expect(entry?.details.purpose).toBe('case 2026-9');
  });

  it('keeps the audit log append-only', async () => {
    await expect(t.node.infra.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    expect((await t.api('/admin/audit/verify', admin)).body.brokenAt).toBeNull();
  });
});
