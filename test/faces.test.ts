// Integration: face watchlist enrolment, authorisation-gated live matching from the camera face path, two-person
// confirmation before dispatch, retrospective search, retention purge and the audit trail (real Redis, PGlite, ONNX).
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../src/config/load.js';
import type { Frame } from '../src/domain/frame.js';
import { matchFace } from '../src/jobs/match-face.js';
import { purgeFaces } from '../src/jobs/purge-faces.js';
import { CameraPipeline } from '../src/pipeline/camera-pipeline.js';
import type { QueueSet } from '../src/queues/queue-set.js';
import { createChipAnalyzer, type ChipAnalyzer } from '../src/vision/face-chip.js';
import { cropImage, decodeImage } from '../src/vision/image.js';
import { resolveSource } from '../src/vision/models/manifest.js';
import { hasChromium, launchBrowser, screenshot, signIn } from './helpers/browser.js';
import { startTestNode, type TestNode } from './helpers/node.js';

const asset = (file: string) => resolveSource({ npm: `@vladmandic/human/assets/${file}` });
const FACEID = asset('screenshot-faceid.jpg');

const yaml = `
faces:
  confirmations: 2
  # s-norm: Human's author in two photos scores about 1.1 here, the other four faces of the row -0.8 or less.
  thresholds: { normal: { default: 0.5 } }
  retention: { unmatchedSeconds: 2 }
  track: { minFrames: 2 }
cameras:
  - { id: street-1, name: Street 1, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5431, lon: 114.0579, district: futian, enabled: false, analysis: { faces: true, plates: false } }
  - { id: street-2, name: Street 2, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.5331, lon: 114.0479, district: nanshan, enabled: false, analysis: { faces: true, plates: false } }
units:
  - { id: near, callsign: N1, type: car, homeGrid: g1 }
`;

type Body = Record<string, unknown>;

describe('face watchlist under authorisation', () => {
  let t: TestNode;
  let analyzer: ChipAnalyzer;
  let admin: string;
  let operatorA: string;
  let operatorB: string;
  let investigator: string;
  let subjectId: string;
  let alertId: string;
  let sightingId: string;
  const expires = new Date(Date.now() + 30 * 86400_000).toISOString();

  const form = async (
    pathname: string,
    token: string,
    fields: Record<string, string>,
    files: { field: string; name: string; bytes: Buffer }[],
  ) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const f of files) fd.append(f.field, new Blob([new Uint8Array(f.bytes)]), f.name);
    const res = await fetch(`${t.url}/api/v1${pathname}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: fd,
    });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const frameOf = async (file: string, seq: number, at: number): Promise<Frame> => ({
    ...(await decodeImage(file)),
    cameraId: 'x',
    seq,
    capturedAt: at,
  });
  const actions = async () =>
    (await t.api('/admin/audit?limit=1000', admin)).body.entries as { action: string; details: Body }[];

  beforeAll(async () => {
    t = await startTestNode('faces', yaml);
    analyzer = await createChipAnalyzer();
    [admin, operatorA, operatorB, investigator] = await Promise.all([
      t.token('admin'),
      t.token('operator'),
      t.token('operator'),
      t.token('investigator'),
    ]);
    await t.node.infra.repos.units.reportPosition('near', 22.548, 114.0579);
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('enrols the photo with one good face and says why each other photo was refused', async () => {
    const faceid = await sharp(FACEID).jpeg().toBuffer();
    const res = await form(
      '/subjects',
      operatorA,
      {
        name: 'Test Subject',
        category: 'wanted_police',
        reason: 'warrant W-2026-11',
        expiresAt: expires,
        why: 'case 2026-301',
        source: 'custody photo 2026-11-01',
      },
      [
        { field: 'photos', name: 'faceid.jpg', bytes: faceid },
        { field: 'photos', name: 'group.jpg', bytes: await sharp(asset('samples.jpg')).jpeg().toBuffer() },
        { field: 'photos', name: 'notes.jpg', bytes: Buffer.from('not an image at all') },
        { field: 'photos', name: 'tiny.jpg', bytes: await sharp(FACEID).resize(300).jpeg().toBuffer() },
        { field: 'photos', name: 'blurred.jpg', bytes: await sharp(FACEID).blur(6).jpeg().toBuffer() },
      ],
    );
    expect(res.status).toBe(201);
    const photos = res.body.photos as { name: string; ok: boolean; problem?: string }[];
    expect(photos.map((p) => [p.name, p.ok ? 'ok' : p.problem])).toEqual([
      ['faceid.jpg', 'ok'],
      ['group.jpg', 'several_faces'],
      ['notes.jpg', 'not_an_image'],
      ['tiny.jpg', 'face_too_small'],
      ['blurred.jpg', 'too_blurred'],
    ]);
    const subject = res.body.subject as { id: string; addedBy: string; photos: number };
    subjectId = subject.id;
    expect(subject.photos).toBe(1);
    expect(subject.addedBy).toMatch(/^operator/);

    const noReason = await form(
      '/subjects',
      operatorA,
      { name: 'X', category: 'suspect', expiresAt: expires, why: 'case 1', source: 's' },
      [{ field: 'photos', name: 'a.jpg', bytes: faceid }],
    );
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toMatch(/reason/);
    const asInvestigator = await form(
      '/subjects',
      investigator,
      { name: 'X', category: 'suspect', reason: 'r', expiresAt: expires, why: 'case 1', source: 's' },
      [{ field: 'photos', name: 'a.jpg', bytes: faceid }],
    );
    expect(asInvestigator.status).toBe(403);
    expect((await actions()).map((e) => e.action)).toContain('subject.create');
  });

  it('matches nothing and keeps nothing where no authorisation covers the camera', async () => {
    const sent: unknown[] = [];
    const spy = { add: async (...args: Parameters<QueueSet['add']>) => void sent.push(args) } as unknown as QueueSet;
    const camera = t.node.faceAuthorisations;
    const config = (await import('../src/config/load.js')).parseConfig(yaml, 'faces.yaml');
    const pipeline = new CameraPipeline(config.cameras[1], config, { plates: null, objects: null }, spy, {
      analyzer,
      gate: camera,
      track: config.faces.track,
    });
    for (let i = 0; i < 3; i++) await pipeline.onFrame(await frameOf(FACEID, i, Date.now()));
    await pipeline.stop();
    expect(sent).toHaveLength(0);

    // Even an event that reached the queue is dropped unstored when no authorisation covers it.
    const [face] = await analyzer.faces(await decodeImage(FACEID));
    const outcome = await matchFace(faceEvent('street-2', face.embedding), matchDeps(0));
    expect(outcome).toBe('not_authorised');
    expect(await t.node.infra.repos.faceSightings.counts()).toEqual({ matched: 0, unmatched: 0 });
  });

  it('lets only an admin authorise live matching, freezing the watchlist it covers', async () => {
    const body = {
      approvedBy: 'Deputy Chief Li',
      legalReference: 'PSB order 2026-77',
      cameras: ['street-1'],
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
    };
    expect((await t.api('/authorisations', operatorA, { method: 'POST', body: JSON.stringify(body) })).status).toBe(
      403,
    );
    expect(
      (await t.api('/authorisations', admin, { method: 'POST', body: JSON.stringify({ ...body, cameras: [] }) }))
        .status,
    ).toBe(400);
    const created = await t.api('/authorisations', admin, { method: 'POST', body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    expect(created.body.snapshotSubjects).toEqual([subjectId]);
    expect(created.body.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    const changed = await t.api(`/authorisations/${created.body.id as string}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ legalReference: 'PSB order 2026-77 (amended)', why: 'reference corrected' }),
    });
    expect(changed.body.legalReference).toBe('PSB order 2026-77 (amended)');
  });

  it('turns a camera face of a listed person into a candidate that nobody is sent to', async () => {
    const config = (await import('../src/config/load.js')).parseConfig(yaml, 'faces.yaml');
    const pipeline = new CameraPipeline(config.cameras[0], config, { plates: null, objects: null }, t.node.queues, {
      analyzer,
      gate: t.node.faceAuthorisations,
      track: config.faces.track,
    });
    // The same man in another photo (Human's face-detect demo row), cut out as a camera would see him.
    const row = await decodeImage(asset('screenshot-facedetect.jpg'));
    const frame = cropImage(row, [0, 300, 800, 560]);
    for (let i = 0; i < 3; i++)
      await pipeline.onFrame({ ...frame, cameraId: 'street-1', seq: i, capturedAt: Date.now() });
    await pipeline.stop();
    await expect
      .poll(
        async () => ((await t.api('/alerts', operatorA)).body.alerts as Body[]).filter((a) => a.kind === 'face').length,
        { timeout: 15_000 },
      )
      .toBe(1);
    const [alert] = ((await t.api('/alerts', operatorA)).body.alerts as Body[]).filter((a) => a.kind === 'face');
    alertId = alert.id as string;
    sightingId = alert.faceSightingId as string;
    expect(alert).toMatchObject({
      status: 'candidate',
      subject: { id: subjectId, category: 'wanted_police', reason: 'warrant W-2026-11' },
      confirmations: { required: 2, given: 0 },
    });
    expect(alert.notice).toMatch(/not confirmed/);
    expect(alert.score as number).toBeGreaterThan(0.5);
    expect(alert.match).toMatchObject({ scoring: 'snorm', threshold: 0.5 });
    expect((alert.match as { cosine: number }).cosine).toBeGreaterThan(0.9);
    expect((await t.node.infra.repos.assignments.forAlert(alertId)).length).toBe(0);
    const crop = await fetch(`${t.url}${alert.cropUrl as string}`, {
      headers: { authorization: `Bearer ${operatorA}` },
    });
    expect(crop.headers.get('content-type')).toBe('image/jpeg');
  });

  it.skipIf(!hasChromium)(
    'shows the operator the camera face beside the enrolled photo, with the confirmations still needed',
    async () => {
      const browser = await launchBrowser();
      try {
        const { page } = await browser.newPage();
        await signIn(page, t.url, operatorA);
        await page.click(`#a-${alertId}`);
        await page.locator('.evidence.face .subject-name').waitFor();
        expect(await page.locator('.evidence.face .subject-name').textContent()).toBe('Test Subject');
        expect(await page.locator('.evidence.face .confirmations').getAttribute('data-required')).toBe('2');
        for (const img of ['img.face-crop', 'img.subject-photo']) {
          await expect
            .poll(() => page.locator(`.evidence.face ${img}`).evaluate((el) => (el as HTMLImageElement).naturalWidth), {
              timeout: 10_000,
            })
            .toBeGreaterThan(0);
        }
        expect(await page.locator('#alerts li.alert .plate').first().textContent()).toContain('Test Subject');
        await screenshot(page, 'faces-1-operator-face-evidence');
      } finally {
        await browser.close();
      }
    },
  );

  it('dispatches a face hit only after two different people confirm it', async () => {
    const confirm = (token: string) =>
      t.api(`/alerts/${alertId}/disposition`, token, {
        method: 'POST',
        body: JSON.stringify({ verdict: 'confirm', reason: 'face and build match the custody photo' }),
      });
    expect((await confirm(operatorA)).body).toMatchObject({ status: 'candidate' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.node.infra.repos.assignments.forAlert(alertId)).length).toBe(0);
    expect((await confirm(operatorA)).status).toBe(409);
    expect((await confirm(operatorB)).body).toMatchObject({ status: 'confirmed' });
    await expect
      .poll(async () => (await t.node.infra.repos.assignments.forAlert(alertId)).map((a) => a.unitId), {
        timeout: 15_000,
      })
      .toEqual(['near']);
    const detail = await t.api(`/alerts/${alertId}`, admin);
    expect((detail.body.verdicts as Body[]).map((v) => v.verdict)).toEqual(['confirm', 'confirm']);
    expect(detail.body.notice).toMatch(/confirmed by operator-\d+ and operator-\d+/);
  });

  it('finds the stored face from another crop of the same face, for a stated purpose only', async () => {
    const image = await decodeImage(FACEID);
    const [face] = await analyzer.faces(image);
    const crop = cropImage(image, [face.box[0] - 60, face.box[1] - 80, face.box[2] + 40, face.box[3] + 90]);
    const photo = await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } })
      .png()
      .toBuffer();
    const file = [{ field: 'photo', name: 'probe.png', bytes: photo }];
    expect((await form('/faces/search', investigator, {}, file)).status).toBe(400);
    expect((await form('/faces/search', operatorA, { purpose: 'case 2026-301' }, file)).status).toBe(403);
    const found = await form('/faces/search', investigator, { purpose: 'case 2026-301: where was he seen' }, file);
    expect(found.status).toBe(200);
    expect((found.body.results as Body[])[0]).toMatchObject({ id: sightingId, cameraId: 'street-1' });
    const group = await form('/faces/search', investigator, { purpose: 'case 2026-301' }, [
      { field: 'photo', name: 'group.jpg', bytes: await sharp(asset('samples.jpg')).jpeg().toBuffer() },
    ]);
    expect(group.status).toBe(422);
    const searches = (await actions()).filter((e) => e.action === 'face.search');
    expect(searches.at(-1)?.details).toMatchObject({ purpose: 'case 2026-301: where was he seen' });
  });

  it('purges unmatched faces after the retention window and keeps the matched one', async () => {
    const repo = t.node.infra.repos.faceSightings;
    const stranger = randomUnit(128);
    const kept = faceEvent('street-1', stranger);
    expect(await matchFace(kept, matchDeps(2))).toBe('unmatched_kept');
    const dropped = faceEvent('street-1', stranger);
    expect(await matchFace(dropped, matchDeps(0))).toBe('unmatched_dropped');
    expect(await repo.get(kept.trackId)).toMatchObject({ matched: false });
    expect(await repo.get(dropped.trackId)).toBeNull();
    const deps = { faceSightings: repo, audit: t.node.infra.repos.audit, unmatchedSeconds: 2 };
    await purgeFaces({ trigger: 'manual' }, deps);
    expect(await repo.get(kept.trackId)).not.toBeNull();
    const later = await purgeFaces({ trigger: 'manual' }, { ...deps, now: () => new Date(Date.now() + 5000) });
    expect(later.deleted).toBeGreaterThanOrEqual(1);
    expect(later).toMatchObject({ keptMatched: 1, keptUnmatched: 0 });
    expect(await repo.get(kept.trackId)).toBeNull();
    expect(await repo.get(sightingId)).toMatchObject({ matched: true, hasCrop: true });
    const purges = (await actions()).filter((e) => e.action === 'face.purge');
    expect(purges.at(-1)?.details).toMatchObject({ deleted: later.deleted, keptMatched: 1, trigger: 'manual' });
  });

  it('enrols a folder and searches by photo from the command line', async () => {
    const { facesEnroll, facesSearch } = await import('../src/cli/faces.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-faces-cli-'));
    try {
      mkdirSync(path.join(dir, 'Jane_Doe'));
      mkdirSync(path.join(dir, 'Group'));
      copyFileSync(FACEID, path.join(dir, 'Jane_Doe', 'front.jpg'));
      copyFileSync(asset('samples.jpg'), path.join(dir, 'Group', 'all.jpg'));
      const [out, err] = [sink(), sink()];
      const env = { apiUrl: t.url, apiToken: operatorA } as Environment;
      const args = [
        dir,
        '--why',
        'case 2026-302',
        '--category',
        'missing_vulnerable',
        '--reason',
        'missing since 2026-11-20',
        '--source',
        'family photo',
        '--expires',
        expires,
      ];
      expect(await facesEnroll(args, env, out, err)).toBe(1);
      expect(out.text()).toMatch(/enrolled 1 of 2 photos for 2 subjects/);
      expect(out.text()).toMatch(/Group\/all\.jpg: \d+ faces found/);
      expect(err.text()).toMatch(/100% 2\/2/);
      const listed = (await t.api('/subjects?category=missing_vulnerable', admin)).body.subjects as {
        id: string;
        name: string;
        photos: number;
      }[];
      expect(listed).toEqual([expect.objectContaining({ name: 'Jane Doe', photos: 1 })]);

      // Listed after the authorisation began: not in its frozen watchlist until an admin refreezes it.
      const jane = listed[0].id;
      const [face] = await analyzer.faces(await decodeImage(FACEID));
      const auth = (await t.node.faceAuthorisations.find('street-1', Date.now()))!;
      expect(
        (await t.node.faceWatchlist.match(face.embedding, analyzer.model, new Set(auth.snapshotSubjects))).map(
          (h) => h.subjectId,
        ),
      ).toEqual([subjectId]);
      const refrozen = await t.api(`/authorisations/${auth.id}`, admin, {
        method: 'PATCH',
        body: JSON.stringify({ refreeze: true, why: 'add Jane Doe, reported missing' }),
      });
      expect(refrozen.body.snapshotSubjects).toEqual(expect.arrayContaining([subjectId, jane]));
      expect(refrozen.body.snapshotHash).not.toBe(auth.snapshotHash);

      const search = sink();
      expect(
        await facesSearch(
          [FACEID, '--purpose', 'case 2026-301'],
          { apiUrl: t.url, apiToken: investigator } as Environment,
          search,
        ),
      ).toBe(0);
      expect(search.text()).toMatch(new RegExp(`street-1 .* matched ${sightingId}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('edits, deactivates and deletes a subject, ends the authorisation, and audits every step', async () => {
    const patch = (body: Body) =>
      t.api(`/subjects/${subjectId}`, operatorA, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await patch({ reason: 'warrant W-2026-11 (renewed)', why: 'renewed' })).body).toMatchObject({
      reason: 'warrant W-2026-11 (renewed)',
    });
    expect((await patch({ active: false, why: 'arrested' })).body).toMatchObject({ active: false });
    const [face] = await analyzer.faces(await decodeImage(FACEID));
    const hits = await t.node.faceWatchlist.match(face.embedding, analyzer.model, null);
    expect(hits.map((h) => h.subjectId)).not.toContain(subjectId);
    const photoList = (await t.api(`/subjects/${subjectId}`, admin)).body.photoList as { url: string }[];
    const deleted = await t.api(
      `/subjects/${subjectId}?why=${encodeURIComponent('released, record closed')}`,
      operatorA,
      { method: 'DELETE' },
    );
    expect(deleted.body).toMatchObject({ deleted: true, photos: 1, tombstone: true });
    expect((await fetch(`${t.url}${photoList[0].url}`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(
      404,
    );
    expect(
      await t.node.infra.db.query('select count(*)::int as n from subject_photos where subject_id = $1', [subjectId]),
    ).toEqual([{ n: 0 }]);

    const [auth] = (await t.api('/authorisations', admin)).body.authorisations as { id: string }[];
    expect(
      (
        await t.api(`/authorisations/${auth.id}/end`, admin, {
          method: 'POST',
          body: JSON.stringify({ reason: 'operation over' }),
        })
      ).status,
    ).toBe(200);
    expect(t.node.faceAuthorisations.covers('street-1', Date.now())).toBe(false);

    const done = new Set((await actions()).map((e) => e.action));
    for (const a of [
      'subject.create',
      'subject.update',
      'subject.delete',
      'authorisation.create',
      'authorisation.change',
      'authorisation.end',
      'alert.confirm_vote',
      'alert.confirmed',
      'face.search',
      'face.search_refused',
      'face.purge',
    ]) {
      expect(done, a).toContain(a);
    }
    expect((await t.api('/admin/audit/verify', admin)).body).toMatchObject({ brokenAt: null });
  });

  function faceEvent(cameraId: string, embedding: Float32Array) {
    const now = Date.now();
    return {
      trackId: randomUUID(),
      cameraId,
      version: 1,
      firstSeen: now - 1000,
      lastSeen: now,
      capturedAt: now,
      frames: 3,
      quality: 0.8,
      box: [0, 0, 50, 50] as [number, number, number, number],
      model: analyzer.model,
      embedding: Array.from(embedding),
      final: false,
    };
  }

  function matchDeps(unmatchedSeconds: number) {
    return {
      authorisations: t.node.faceAuthorisations,
      watchlist: t.node.faceWatchlist,
      faceSightings: t.node.infra.repos.faceSightings,
      queues: t.node.queues,
      unmatchedSeconds,
    };
  }
});

function sink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({ write: (c, _e, done) => void (chunks.push(String(c)), done()) });
  return Object.assign(w, { text: () => chunks.join('') });
}

function randomUnit(dim: number): Float32Array {
  let seed = 7;
  const v = Float32Array.from({ length: dim }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  });
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
