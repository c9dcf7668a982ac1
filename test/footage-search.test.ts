// Integration: footage search by area (circle, box) and direction of travel, partial plates on the trigram
// index (PGlite), sightings by area, face search results with footage links, and `vigil footage search`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../src/config/load.js';
import { footageCli } from '../src/cli/footage.js';
import { createChipAnalyzer } from '../src/vision/face-chip.js';
import { decodeImage } from '../src/vision/image.js';
import { resolveSource } from '../src/vision/models/manifest.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { plateReadOf } from '../src/jobs/match-plate-read.js';

// cam-n looks north and cam-e east; cam-w watches a one-way road westwards (heading, no facing); cam-x, far away, neither.
const yaml = `
cameras:
  - { id: cam-n, name: North, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.540, lon: 114.050, facing: 0, district: d, enabled: false }
  - { id: cam-e, name: East, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.540, lon: 114.100, facing: 90, district: d, enabled: false }
  - { id: cam-w, name: West, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.300, lon: 113.900, heading: 270, district: d, enabled: false }
  - { id: cam-x, name: Far, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.600, lon: 114.200, district: d, enabled: false }
units: [{ id: u1, callsign: U1, type: foot, homeGrid: g1 }]
`;

type Body = Record<string, unknown>;
type Read = {
  plate: string;
  camera_id: string;
  direction: number | null;
  motion: string | null;
  footageUrl: string;
  thumbnailUrl: string | null;
};
const HOUR = 3_600_000;

describe('footage search', () => {
  let t: TestNode;
  let investigator: string;
  let admin: string;
  const now = Date.now();
  const plates = (body: Body) => ((body.reads ?? body.sightings) as Read[]).map((r) => r.plate).sort();
  const search = (query: string, token = investigator) => t.api(`/plate-reads?${query}`, token);

  beforeAll(async () => {
    t = await startTestNode('footage-search', yaml);
    [investigator, admin] = await Promise.all([t.token('investigator'), t.token('admin')]);
    const reads: [string, string, 'approaching' | 'receding' | undefined, number][] = [
      ['cam-n', '京A12345', 'receding', 1], // travels north (0°)
      ['cam-n', '京A12346', 'approaching', 2], // travels south (180°)
      ['cam-e', '粤B54321', 'approaching', 3], // travels west (270°)
      ['cam-e', '粤B99345', undefined, 4], // motion unknown
      ['cam-x', '沪C12345', 'receding', 5], // no facing, no heading: direction unknown
      ['cam-w', '苏E77777', undefined, 6], // one-way road: its heading, whatever the motion
    ];
    for (const [cameraId, plate, motion, minutesAgo] of reads) {
      const at = now - minutesAgo * 60_000;
      await t.node.infra.repos.plateReads.upsert(
        plateReadOf({
          eventId: randomUUID(),
          cameraId,
          plate,
          confidence: 0.9,
          format: 'ordinary',
          firstSeen: at,
          lastSeen: at + 2000,
          capturedAt: at,
          readCount: 3,
          box: [0, 0, 10, 5],
          motion,
          update: false,
        }),
      );
    }
  });
  afterAll(async () => t?.stop());

  it('finds plate reads by area: a circle and a box, through the cameras positions', async () => {
    const circle = await search('near=22.540,114.050,1000&purpose=robbery%20at%20gate%203');
    expect(circle.status).toBe(200);
    expect(plates(circle.body)).toEqual(['京A12345', '京A12346']);
    const box = await search('box=22.5,114.07,22.58,114.12&purpose=robbery%20at%20gate%203');
    expect(plates(box.body)).toEqual(['粤B54321', '粤B99345']);
    const both = await search('box=22.5,114.0,22.7,114.3&camera=cam-x,cam-n&purpose=robbery%20at%20gate%203');
    expect(plates(both.body)).toEqual(['京A12345', '京A12346', '沪C12345']);
    expect(plates((await search('near=23.5,115,500&purpose=robbery%20at%20gate%203')).body)).toEqual([]);
    const wrong = await search('near=22.54,114.05&purpose=robbery%20at%20gate%203');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/near: give 3 numbers/);
    expect((await search('near=22.54,114.05,100&box=1,2,3,4&purpose=robbery%20at%20gate%203')).body.error).toMatch(
      /either near= or box=/,
    );
  });

  it('finds plate reads by direction of travel, from the camera facing and the plate approaching or receding', async () => {
    const north = await search('direction=N&purpose=robbery%20at%20gate%203');
    expect((north.body.reads as Read[]).map((r) => [r.plate, r.direction, r.motion])).toEqual([
      ['京A12345', 0, 'receding'],
    ]);
    expect(plates((await search('direction=S&purpose=robbery%20at%20gate%203')).body)).toEqual(['京A12346']);
    expect(plates((await search('direction=265&tolerance=10&purpose=robbery%20at%20gate%203')).body)).toEqual([
      '粤B54321',
      '苏E77777',
    ]);
    expect(plates((await search('direction=E&purpose=robbery%20at%20gate%203')).body)).toEqual([]);
    const bad = await search('direction=up&purpose=robbery%20at%20gate%203');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/direction: N, NE, E/);
  });

  it('pages results with thumbnails and footage links, and audits each search with its parameters', async () => {
    const page1 = await search('near=22.540,114.050,1000&limit=1&purpose=robbery%20at%20gate%203');
    expect(page1.body).toMatchObject({ limit: 1, offset: 0, nextOffset: 1 });
    const [r] = page1.body.reads as Read[];
    expect(r.plate).toBe('京A12345');
    const link = new URL(r.footageUrl, 'http://x');
    expect(link.pathname).toBe('/api/v1/footage/cam-n/play');
    expect(Date.parse(link.searchParams.get('from') as string)).toBe(now - 60_000 - 10_000);
    expect(link.searchParams.get('purpose')).toBe('robbery at gate 3');
    const page2 = await search('near=22.540,114.050,1000&limit=1&offset=1&purpose=robbery%20at%20gate%203');
    expect(plates(page2.body)).toEqual(['京A12346']);
    const audit = await t.api('/admin/audit?action=search.plate_reads', admin);
    const entry = (audit.body.entries as { details: Body }[]).at(-1);
    expect(entry?.details).toMatchObject({
      near: [22.54, 114.05, 1000],
      limit: 1,
      offset: 1,
      purpose: 'robbery at gate 3',
      case: null,
      results: 1,
    });
  });

  it('accepts a case instead of a purpose, links footage under it and files the search in the case', async () => {
    const created = await t.api('/cases', investigator, {
      method: 'POST',
      body: JSON.stringify({ number: 'FS-2026-1', title: 'gate robbery' }),
    });
    expect(created.status).toBe(201);
    const res = await search('plate=%E4%BA%ACA12345&case=FS-2026-1');
    expect(res.status).toBe(200);
    expect((res.body.reads as Read[])[0].footageUrl).toMatch(/case=FS-2026-1/);
    const file = await t.api(`/cases/${(created.body as { id: string }).id}`, investigator);
    expect((file.body.searches as { details: Body }[]).map((s) => s.details.action)).toContain('search.plate_reads');
    expect((await search('plate=%E4%BA%ACA12345')).body.error).toMatch(/purpose is required/);
  });

  it('serves partial plates from the trigram index, with ? and * patterns', async () => {
    const db = t.node.infra.db;
    const plan = await db.tx(async (x) => {
      await x.exec('set local enable_seqscan = off');
      return (await x.query<{ 'QUERY PLAN': string }>("explain select id from plate_reads where plate like '%A12%'"))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    });
    expect(plan).toMatch(/plate_reads_plate_trgm/);
    const q = (pattern: string, extra = '') =>
      search(`plate=${encodeURIComponent(pattern)}&match=partial${extra}&purpose=robbery%20at%20gate%203`);
    expect(plates((await q('A1234?')).body)).toEqual(['京A12345', '京A12346']);
    expect(plates((await q('B*345')).body)).toEqual(['粤B99345']);
    expect(plates((await q('345')).body)).toEqual(['京A12345', '沪C12345', '粤B99345']);
    expect(plates((await q('京A1?34*')).body)).toEqual(['京A12345', '京A12346']);
    expect(plates((await q('a12*5')).body)).toEqual(['京A12345']);
  });

  it('refuses a short partial pattern without a narrow time window, saying how to narrow it', async () => {
    const short = await search(`plate=${encodeURIComponent('A1?3*')}&match=partial&purpose=robbery%20at%20gate%203`);
    expect(short.status).toBe(400);
    expect(short.body.error).toMatch(/no 3 known characters in a row.*from= and to= at most 2 hours apart/);
    const window = `&from=${new Date(now - HOUR).toISOString()}&to=${new Date(now).toISOString()}`;
    const narrowed = await search(
      `plate=${encodeURIComponent('A1?3*')}&match=partial${window}&purpose=robbery%20at%20gate%203`,
    );
    expect(plates(narrowed.body)).toEqual(['京A12345', '京A12346']);
    const hours = (h: number) => `&from=${new Date(now - h * HOUR).toISOString()}&to=${new Date(now).toISOString()}`;
    expect((await search(`plate=A1&match=partial${hours(5)}&purpose=robbery%20at%20gate%203`)).status).toBe(400);
    expect(
      (await search(`plate=A1&match=partial${hours(5)}&camera=cam-n&purpose=robbery%20at%20gate%203`)).status,
    ).toBe(200);
    expect(
      (await search(`plate=A1&match=partial${hours(20)}&camera=cam-n&purpose=robbery%20at%20gate%203`)).status,
    ).toBe(400);
  });

  it('finds sightings by area with footage links', async () => {
    for (const [cameraId, label] of [
      ['cam-n', 'person'],
      ['cam-e', 'car'],
    ]) {
      await t.node.infra.repos.sightings.insert({
        id: randomUUID(),
        cameraId,
        label,
        firstSeen: new Date(now - 5000),
        lastSeen: new Date(now),
        box: [0, 0, 10, 10],
        score: 0.8,
        plate: null,
        crop: null,
      });
    }
    const res = await t.api('/sightings?near=22.540,114.050,500&purpose=missing%20child', investigator);
    expect(res.status).toBe(200);
    const rows = res.body.sightings as { cameraId: string; label: string; footageUrl: string }[];
    expect(rows.map((r) => [r.cameraId, r.label])).toEqual([['cam-n', 'person']]);
    expect(rows[0].footageUrl).toMatch(/^\/api\/v1\/footage\/cam-n\/play\?from=.*&purpose=missing\+child$/);
    expect(
      (await t.api('/sightings?box=22.5,114.07,22.58,114.12&label=person&purpose=missing%20child', investigator)).body
        .sightings,
    ).toEqual([]);
  });

  it('finds face sightings by photo within an area, each with its camera, time, thumbnail and footage link', async () => {
    const photo = resolveSource({ npm: '@vladmandic/human/assets/screenshot-faceid.jpg' });
    const [face] = await (await createChipAnalyzer()).faces(await decodeImage(photo));
    const authorisation = randomUUID();
    await t.node.infra.db.query(
      `insert into face_authorisations (id, approved_by, legal_reference, cameras, starts_at, ends_at, created_by)
       values ($1, 'judge', 'order 2026-77', '{cam-n,cam-x}', now() - interval '1 day', now() + interval '1 day', 'admin')`,
      [authorisation],
    );
    const ids: Record<string, string> = {};
    for (const cameraId of ['cam-n', 'cam-x']) {
      ids[cameraId] = randomUUID();
      await t.node.infra.repos.faceSightings.upsert({
        id: ids[cameraId],
        cameraId,
        authorisationId: authorisation,
        firstSeen: now - 4000,
        lastSeen: now - 1000,
        capturedAt: now - 2000,
        box: face.box,
        quality: 0.9,
        frames: 4,
        embedding: face.embedding,
        crop: Buffer.from('jpeg'),
        matched: false,
        expiresAt: now + HOUR,
      });
    }
    const send = async (fields: Record<string, string>, token = investigator) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      fd.append('photo', new Blob([new Uint8Array(readFileSync(photo))]), 'probe.jpg');
      const res = await fetch(`${t.url}/api/v1/faces/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: fd,
      });
      return { status: res.status, body: (await res.json()) as Body };
    };
    const near = await send({ purpose: 'case 2026-301: where was he seen', near: '22.540,114.050,1000' });
    expect(near.status).toBe(200);
    const results = near.body.results as {
      id: string;
      cameraId: string;
      firstSeen: string;
      thumbnailUrl: string;
      footageUrl: string;
    }[];
    expect(results.map((r) => [r.id, r.cameraId])).toEqual([[ids['cam-n'], 'cam-n']]);
    expect(results[0].thumbnailUrl).toBe(`/api/v1/faces/sightings/${ids['cam-n']}/crop.jpg`);
    const link = new URL(results[0].footageUrl, 'http://x');
    expect(link.pathname).toBe('/api/v1/footage/cam-n/play');
    expect(link.searchParams.get('purpose')).toBe('case 2026-301: where was he seen');
    expect(Date.parse(link.searchParams.get('from') as string)).toBe(now - 4000 - 10_000);
    const box = await send({ purpose: 'case 2026-301', box: '22.58,114.15,22.62,114.25' });
    expect((box.body.results as { cameraId: string }[]).map((r) => r.cameraId)).toEqual(['cam-x']);
    expect((await send({ purpose: 'case 2026-301', near: '22.54,114.05' })).status).toBe(400);
    expect(
      (await send({ purpose: 'case 2026-301', near: '22.540,114.050,1000' }, await t.token('operator'))).status,
    ).toBe(403);
    const audit = await t.api('/admin/audit?action=face.search', admin);
    expect((audit.body.entries as { details: Body }[]).at(-1)?.details).toMatchObject({
      area: { kind: 'box', south: 22.58, west: 114.15, north: 22.62, east: 114.25 },
    });
  }, 60_000);

  it('searches through `vigil footage search`: a table with footage links, or JSON', async () => {
    const env = { apiUrl: t.url, apiToken: investigator } as Environment;
    const out = sink();
    expect(
      await footageCli(
        ['search', '--plate', '京A1?34*', '--partial', '--near', '22.54,114.05,1000', '--purpose', 'cli check'],
        env,
        out,
      ),
    ).toBe(0);
    const lines = out.text().split('\n');
    expect(lines[0]).toMatch(
      /^time\s+camera\s+plate \/ label\s+score\s+direction\s+plate \/ vehicle colour, type\s+footage$/,
    );
    expect(lines.filter((l) => l.includes('京A1234'))).toHaveLength(2);
    expect(out.text()).toContain(`${t.url}/api/v1/footage/cam-n/play?from=`);
    expect(out.text()).toMatch(/2 result\(s\)/);
    const json = sink();
    expect(await footageCli(['search', '--plate', '京A12345', '--purpose', 'cli check', '--json'], env, json)).toBe(0);
    expect((JSON.parse(json.text()) as { reads: Read[] }).reads.map((r) => r.plate)).toEqual(['京A12345']);
    const refused = sink();
    expect(await footageCli(['search', '--plate', 'A1', '--partial', '--purpose', 'cli check'], env, refused)).toBe(1);
    expect(refused.text()).toMatch(/search refused: plate pattern 'A1'/);
    expect(await footageCli(['search', '--plate', 'A1'], env, sink())).toBe(2);
  });
});

function sink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({ write: (c, _e, done) => void (chunks.push(String(c)), done()) });
  return Object.assign(w, { text: () => chunks.join('') });
}
