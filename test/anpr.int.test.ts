// Integration: reads pushed by ANPR cameras (the JSON format and a Hikvision multipart push) raise the same
// alert a video read does, once however often the camera repeats the push; refusals name what to fix.
// Real Redis/BullMQ and the embedded database; no video.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient } from './helpers/sse.js';

const yaml = `
cameras:
  - { id: gate-1, name: Gate 1, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.54, lon: 114.05, district: futian, enabled: false }
  - { id: gate-2, name: Gate 2, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.55, lon: 114.05, district: futian, enabled: false }
units:
  - { id: car-1, callsign: C1, type: car, homeGrid: g1 }
`;

const hikvisionXml = (plate: string, at: string) => `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<ipAddress>10.1.2.3</ipAddress><channelID>1</channelID><dateTime>${at}</dateTime>
<eventType>ANPR</eventType><eventState>active</eventState><UUID>hik-${plate}-${at}</UUID>
<ANPR><licensePlate>${plate}</licensePlate><confidenceLevel>96</confidenceLevel><plateColor>blue</plateColor></ANPR>
</EventNotificationAlert>`;

describe('ANPR push ingest', () => {
  let t: TestNode;
  let admin: string;
  let operator: string;
  let gate1: string;
  let crop: string;
  const alertsFor = async (plate: string) => {
    const res = await t.api('/alerts?limit=100', operator);
    return (res.body.alerts as { plate: string; cameraId?: string }[]).filter((a) => a.plate === plate);
  };
  const list = async (plate: string) => {
    const res = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate,
        category: 'stolen_vehicle',
        reason: 'stolen 2026-12-01',
        source: 'case 2026-201',
        priority: 1,
        expiresAt: '2030-01-01T00:00:00Z',
        why: 'case 2026-201',
      }),
    });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    t = await startTestNode('anpr', yaml);
    [admin, operator, gate1] = await Promise.all([
      t.token('admin'),
      t.token('operator'),
      t.token('checkpoint', 'gate-1'),
    ]);
    crop = (
      await sharp({ create: { width: 96, height: 32, channels: 3, background: '#1040c0' } })
        .jpeg()
        .toBuffer()
    ).toString('base64');
  });
  afterAll(async () => t?.stop());

  it('alerts once on a listed plate pushed as JSON, however often the camera repeats the push', async () => {
    await list('粤B4E7K2');
    const ops = new SseClient(`${t.url}/api/v1/stream`, operator);
    await ops.ready;
    const read = {
      plate: '粤B·4E7K2',
      confidence: 97,
      capturedAt: new Date(Date.now() - 2000).toISOString(),
      eventId: 'cam-evt-1',
      plateJpeg: crop,
    };
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.api('/anpr/reads', gate1, { method: 'POST', body: JSON.stringify(read) })),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect(answers[0]!.body).toMatchObject({ cameraId: 'gate-1', plate: '粤B4E7K2', queued: true });
    const hit = await ops.waitFor(
      (e) => e.event === 'alert' && JSON.stringify(e.data).includes('粤B4E7K2'),
      15_000,
      'the alert of the pushed read',
    );
    expect(JSON.stringify(hit.data)).toContain('gate-1');
    // A repeat after the first was processed is still the same pass: one alert, not two.
    expect((await t.api('/anpr/reads', gate1, { method: 'POST', body: JSON.stringify(read) })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await alertsFor('粤B4E7K2')).toHaveLength(1);
    const reads = await t.api(`/plate-reads?plate=${encodeURIComponent('粤B4E7K2')}&purpose=test%20anpr`, operator);
    expect(reads.status).toBe(200);
    ops.close();
  });

  it('takes a Hikvision multipart push with the token in the URL, and answers heartbeats with 200', async () => {
    await list('京A12345');
    const at = new Date(Date.now() - 1000).toISOString().replace('Z', '+00:00');
    const form = new FormData();
    form.append('anpr.xml', new Blob([hikvisionXml('京A12345', at)], { type: 'application/xml' }), 'anpr.xml');
    form.append(
      'licensePlatePicture.jpg',
      new Blob([Buffer.from(crop, 'base64')], { type: 'image/jpeg' }),
      'licensePlatePicture.jpg',
    );
    const res = await fetch(`${t.url}/api/v1/anpr/hikvision?camera=gate-1&access_token=${gate1}`, {
      method: 'POST',
      body: form,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      cameraId: 'gate-1',
      plate: '京A12345',
      plateColour: 'blue',
      queued: true,
    });
    await expect.poll(async () => (await alertsFor('京A12345')).length, { timeout: 15_000 }).toBe(1);
    // The camera's plate colour is stored and searchable; a colour outside the vocabulary is a 400 listing it.
    const search = (filter: string) =>
      t.api(`/plate-reads?plate=${encodeURIComponent('京A12345')}&${filter}&purpose=test%20anpr`, operator);
    const blue = await search('plateColour=blue');
    expect(blue.body.reads).toMatchObject([{ plate: '京A12345', plateColour: 'blue', vehicleType: null }]);
    expect((await search('plateColour=yellow')).body.reads).toEqual([]);
    const purple = await search('plateColour=purple');
    expect([purple.status, purple.body.error]).toEqual([
      400,
      expect.stringMatching(/blue, yellow, green, white, black/),
    ]);

    const heartbeat = `<EventNotificationAlert><eventType>videoloss</eventType><eventState>inactive</eventState></EventNotificationAlert>`;
    const hb = await fetch(`${t.url}/api/v1/anpr/hikvision?access_token=${gate1}`, {
      method: 'POST',
      body: heartbeat,
      headers: { 'content-type': 'application/xml' },
    });
    expect(hb.status).toBe(200);
    expect(await hb.json()).toEqual({ ignored: 'videoloss' });
  });

  it('refuses what it cannot place: another camera, no camera, an unknown camera, a broken event, no token', async () => {
    const read = { plate: '京A12345', capturedAt: new Date().toISOString() };
    const other = await t.api('/anpr/reads', gate1, {
      method: 'POST',
      body: JSON.stringify({ ...read, cameraId: 'gate-2' }),
    });
    expect([other.status, other.body.error]).toEqual([403, expect.stringMatching(/for camera gate-1, not gate-2/)]);
    const unnamed = await t.api('/anpr/reads', admin, { method: 'POST', body: JSON.stringify(read) });
    expect([unnamed.status, unnamed.body.error]).toEqual([400, expect.stringMatching(/name the camera/)]);
    const unknown = await t.api('/anpr/reads', admin, {
      method: 'POST',
      body: JSON.stringify({ ...read, cameraId: 'gate-9' }),
    });
    expect(unknown.status).toBe(404);
    const badTime = await t.api('/anpr/reads', gate1, {
      method: 'POST',
      body: JSON.stringify({ ...read, capturedAt: 'now' }),
    });
    expect([badTime.status, JSON.stringify(badTime.body.details)]).toEqual([
      400,
      expect.stringContaining('capturedAt'),
    ]);
    const notJpeg = await t.api('/anpr/reads', gate1, {
      method: 'POST',
      body: JSON.stringify({ ...read, plateJpeg: 'aGVsbG8=' }),
    });
    expect([notJpeg.status, notJpeg.body.error]).toEqual([400, expect.stringMatching(/not a base64 JPEG/)]);
    const broken = await fetch(`${t.url}/api/v1/anpr/hikvision?access_token=${gate1}`, {
      method: 'POST',
      body: '<EventNotificationAlert><eventType>ANPR',
      headers: { 'content-type': 'application/xml' },
    });
    expect(broken.status).toBe(400);
    expect((await fetch(`${t.url}/api/v1/anpr/hikvision`, { method: 'POST', body: '<a/>' })).status).toBe(401);
    const unit = await t.token('unit', 'car-1');
    expect(
      (await t.api('/anpr/reads', unit, { method: 'POST', body: JSON.stringify({ ...read, cameraId: 'gate-1' }) }))
        .status,
    ).toBe(403);
  });
});
