// The tour wall in real headless chromium against a whole node: the wall cycles through the plan's cameras every
// dwell (reporting each page to the tour log), the operator holds it on a live camera, marks it (the frame on
// screen, as JPEG) and raises the mark as an incident, which goes to the nearest unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startRtspFixtureServer, type RtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { hasChromium, launchBrowser, signIn, type TestBrowser } from './helpers/browser.js';
import { projectRoot, startTestNode, type TestNode } from './helpers/node.js';
import { freePort } from '../src/lib/redis-server.js';

describe.skipIf(!hasChromium)('tour wall in the browser', () => {
  let t: TestNode;
  let rtsp: RtspFixtureServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let operator = '';
  let tourId = '';

  beforeAll(async () => {
    const rtspPort = await freePort();
    rtsp = await startRtspFixtureServer({
      port: rtspPort,
      streams: [{ mount: 'street', file: `${projectRoot}/fixtures/media/street.mp4` }],
    });
    const analysis = '{ plates: false, fps: 1, width: 320, height: 180 }';
    const yaml = `
cameras:
  - { id: cam-a, name: Cam A 深南路, source: "rtsp://127.0.0.1:${rtspPort}/street", kind: street, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, analysis: ${analysis} }
  - { id: cam-b, name: Cam B 滨河路, source: "rtsp://127.0.0.1:${rtspPort}/absent", kind: street, lat: 22.5302, lon: 114.0402, district: futian, grid: g2, analysis: ${analysis} }
  - { id: cam-c, name: Cam C 福华路, source: "rtsp://127.0.0.1:${rtspPort}/absent", kind: street, lat: 22.5350, lon: 114.0500, district: futian, grid: g2, analysis: ${analysis} }
units:
  - { id: car-11, callsign: 福田11, type: car, homeGrid: g1 }
  - { id: car-12, callsign: 福田12, type: car, homeGrid: g2 }
demo:
  enabled: true
  streams: []
  positions:
    - { unit: car-11, lat: 22.5440, lon: 114.0579 }
    - { unit: car-12, lat: 22.5302, lon: 114.0402 }
`;
    [t, browser] = await Promise.all([startTestNode('tours-wall', yaml), launchBrowser()]);
    operator = await t.token('operator');
    const made = await t.api('/tours', operator, {
      method: 'POST',
      body: JSON.stringify({
        name: 'Futian wall',
        items: [{ camera: 'cam-a' }, { district: 'futian', grid: 'g2' }],
        dwellS: 3,
        layout: 1,
      }),
    });
    expect(made.status).toBe(201);
    expect(made.body.cameras).toEqual(['cam-a', 'cam-b', 'cam-c']);
    tourId = made.body.id as string;
    ({ page, errors } = await browser.newPage());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await rtsp?.stop();
  });

  it('cycles the wall through the plan every dwell and files each page in the tour log', async () => {
    await signIn(page, t.url, operator);
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.click('#tours-tab');
    await page.locator('#tour-start').click();
    await page.locator('#tour-wall[data-page="0"][data-cameras="cam-a"]').waitFor({ timeout: 10_000 });
    await page.locator('#tour-wall[data-page="1"][data-cameras="cam-b"]').waitFor({ timeout: 10_000 });
    await page.locator('.tour-tile[data-camera="cam-b"][data-state="offline"]').waitFor({ timeout: 10_000 });
    await page.locator('#tour-wall[data-page="2"][data-cameras="cam-c"]').waitFor({ timeout: 10_000 });
    // After cam-c the wall starts again at cam-a.
    await page.locator('#tour-wall[data-page="3"][data-cameras="cam-a"]').waitFor({ timeout: 10_000 });
    const log = await t.api(`/tours/${tourId}/log`, operator);
    expect(log.status).toBe(200);
    const cams = log.body.cameras as { cameraId: string; watchedS: number; watchedBy: string[] }[];
    // Pages 0-2 were reported as they left the wall, each about one dwell (3 s) long.
    for (const c of cams) {
      expect(c.watchedS).toBeGreaterThan(2);
      expect(c.watchedBy).toHaveLength(1);
    }
    expect(log.body.coveragePct).toBe(100);
  }, 90_000);

  it('holds on a live camera, marks the frame on screen and raises it as an incident that reaches the nearest unit', async () => {
    // Hold the wall when cam-a comes round (its live picture takes a few seconds to start), then wait for the picture.
    await page.locator('#tour-wall[data-cameras="cam-a"]').waitFor({ timeout: 15_000 });
    await page.click('#tour-hold');
    await page.locator('#tour-wall[data-held="yes"][data-cameras="cam-a"]').waitFor();
    await page
      .locator('.tour-tile[data-camera="cam-a"][data-state="playing"]')
      .waitFor({ timeout: 40_000 })
      .catch(async (err: Error) => {
        throw new Error(
          `${err.message}\ntiles: ${await page.locator('#tour-wall').evaluate((el) => el.outerHTML.slice(0, 1500))}\nerrors: ${errors.join(' | ').slice(0, 1500)}`,
        );
      });
    const page0 = await page.locator('#tour-wall').getAttribute('data-page');
    await page.waitForTimeout(3500);
    expect(await page.locator('#tour-wall').getAttribute('data-page')).toBe(page0); // held: no cycling
    const tile = page.locator('.tour-tile[data-camera="cam-a"]');
    await tile.locator('textarea').fill('man trying car doors');
    await tile.locator('button.mark').click();
    await page.locator('.tour-tile[data-camera="cam-a"][data-marked="yes"]').waitFor({ timeout: 15_000 });
    await tile.locator('select[name=type]').selectOption('theft');
    await tile.locator('select[name=severity]').selectOption('1');
    await tile.locator('button.raise').click();
    const raised = page.locator('.tour-tile[data-camera="cam-a"] .tour-raised');
    await raised.waitFor({ timeout: 15_000 });
    expect(await raised.textContent()).toContain('福田11');
    const incidentId = (await raised.getAttribute('data-incident')) as string;
    const incident = await t.api(`/incidents/${incidentId}`, operator);
    expect(incident.body).toMatchObject({ source: 'mark', cameraId: 'cam-a', type: 'theft', severity: 1 });
    expect((incident.body.legs as { unitId: string }[]).map((l) => l.unitId)).toEqual(['car-11']);
    const markId = incident.body.markId as string;
    const mark = await t.api(`/tours/marks/${markId}`, operator);
    expect(mark.body).toMatchObject({
      status: 'raised',
      hasSnapshot: true,
      snapshotSource: 'page',
      note: 'man trying car doors',
    });
    const jpeg = await fetch(`${t.url}/api/v1/tours/marks/${markId}/snapshot.jpg`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    const bytes = Buffer.from(await jpeg.arrayBuffer());
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect([bytes[0], bytes[1], bytes.length > 1000]).toEqual([0xff, 0xd8, true]);
    // The incident is on the command room's panel and in the shift's open items.
    await page.locator(`#inc-${incidentId}`).waitFor({ timeout: 10_000 });
    const open = await t.api('/tours/handover', operator);
    expect((open.body.incidents as { id: string }[]).map((i) => i.id)).toContain(incidentId);
    expect(errors.filter((e) => !/503|Service Unavailable|Failed to load resource/.test(e))).toEqual([]);
  }, 120_000);
});
