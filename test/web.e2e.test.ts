// The command room in real headless chromium: a live hit from the fixture camera, confirmed by the operator,
// acknowledged by the nearer unit on its own screen, and seen by its checkpoint only. Screenshots to artifacts/web.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { freePort } from '../src/lib/redis-server.js';
import { startRtspFixtureServer, type RtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { startTestNode, projectRoot, type TestNode } from './helpers/node.js';
import { CHROMIUM, hasChromium, launchBrowser, screenshot, signIn, type TestBrowser } from './helpers/browser.js';

const PLATE = '粤B4E7K2';
const title = hasChromium
  ? 'command room in chromium'
  : `command room in chromium: SKIPPED, no browser at ${CHROMIUM} (scripts/setup.sh --test installs it)`;

describe.skipIf(!hasChromium)(title, () => {
  let t: TestNode;
  let rtspPort: number;
  let rtsp: RtspFixtureServer | null = null;
  let browser: TestBrowser;
  let operator: Page;
  let operatorErrors: string[];
  let alertId = '';
  const tokenOf = (name: string) => t.node.demo?.tokens.find((x) => x.name === name)?.token as string;

  beforeAll(async () => {
    rtspPort = await freePort();
    // The RTSP server starts only once the operator's page is up, so the hit must arrive live.
    // gate-2 has no stream at all: an offline tile, and a checkpoint account that must see nothing.
    const yaml = `
plates: { fuseWindowSeconds: 3 }
dispatch: { ackTimeoutSeconds: 600 }
# The fixture car passes gate-1 again every 10 s: a pass that soon is a new one here, so it may close the order.
interception: { sameCameraGraceSeconds: 5 }
cameras:
  - id: gate-1
    name: Shennan Rd checkpoint 深南大道卡口
    source: rtsp://127.0.0.1:${rtspPort}/checkpoint
    kind: checkpoint
    checkpointLevel: 1
    lat: 22.5431
    lon: 114.0579
    district: futian
    analysis: { plates: true, fps: 5, width: 1280, height: 720, roi: { x: 0.1, y: 0.0, width: 0.8, height: 1.0 } }
  - { id: gate-2, name: Binhe Rd checkpoint 滨河大道卡口, source: "rtsp://127.0.0.1:${rtspPort}/absent", kind: checkpoint, checkpointLevel: 2, lat: 22.5302, lon: 114.0402, district: futian,
      analysis: { plates: true, fps: 5, width: 1280, height: 720 } }
units:
  - { id: car-11, callsign: 福田11, type: car, homeGrid: g1 }
  - { id: car-12, callsign: 福田12, type: car, homeGrid: g1 }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: []
  hotlist: [{ plate: ${PLATE}, category: stolen_vehicle, reason: stolen (web test), priority: 1 }]
  positions:
    - { unit: car-11, lat: 22.5485, lon: 114.0579 }
    - { unit: car-12, lat: 22.5431, lon: 114.0870 }
`;
    [t, browser] = await Promise.all([startTestNode('web', yaml), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await rtsp?.stop();
    await t?.stop();
  });

  it('shows the operator a live hit from the fixture camera with its evidence', async () => {
    ({ page: operator, errors: operatorErrors } = await browser.newPage());
    await signIn(operator, t.url, tokenOf('operator'));
    expect(await operator.locator('#who').textContent()).toContain('值班员');
    expect(await operator.locator('#alerts li.alert').count()).toBe(0);
    await operator.locator('#cameras li[data-camera="gate-1"]').waitFor();

    rtsp = await startRtspFixtureServer({
      port: rtspPort,
      streams: [{ mount: 'checkpoint', file: `${projectRoot}/fixtures/media/checkpoint.mp4` }],
    });
    const item = operator.locator('#alerts li.alert', { hasText: PLATE }).first();
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    alertId = (await operator.locator('#detail').getAttribute('data-id')) as string;
    expect(alertId).toMatch(/^[0-9a-f-]{36}$/);

    const detail = operator.locator('#detail');
    await expect.poll(() => detail.locator('.listing .plate').textContent()).toBe(PLATE);
    expect(await detail.locator('.listing-reason').textContent()).toBe('stolen (web test)');
    expect(await detail.locator('.match-level').textContent()).toBe('完全一致');
    expect(await detail.locator('.notice').textContent()).toContain('候选');
    // The crop is fetched with the bearer token and shown as a blob: it must decode.
    await operator.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#detail img.crop');
      return !!img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    });
    await operator.locator('#map g.cam.target[data-camera="gate-1"]').waitFor();
    // A new P1 hit sounds (WebAudio); the page counts the tones it played.
    await operator.waitForFunction(() => Number(document.body.dataset.beeps ?? 0) >= 1);
    await screenshot(operator, '1-operator-live-alert');
  });

  it('confirms the hit with a reason from the keyboard and shows the unit sent', async () => {
    // d opens the dismiss form; Escape closes it without a decision.
    await operator.locator('body').press('d');
    await operator.locator('#dispose[data-verdict="dismiss"]').waitFor();
    await operator.keyboard.press('Escape');
    await operator.locator('#dispose').waitFor({ state: 'detached' });
    await operator.locator(`#a-${alertId}.candidate`).waitFor();

    await operator.locator('body').press('c');
    const form = operator.locator('#dispose[data-verdict="confirm"]');
    await form.waitFor();
    expect(await operator.evaluate(() => document.activeElement?.id)).toBe('reason');
    await operator.keyboard.type('Plate and vehicle match the stolen record (web test)');
    await operator.keyboard.press('Enter');
    await operator.locator('#detail .disposed.st-confirmed').waitFor();
    await operator.locator(`#a-${alertId}.confirmed`).waitFor();

    const stored = (await t.api(`/alerts/${alertId}`, tokenOf('operator'))).body as {
      status: string;
      disposition: { reason: string };
    };
    expect(stored.status).toBe('confirmed');
    expect(stored.disposition.reason).toBe('Plate and vehicle match the stolen record (web test)');

    // The nearer unit (car-11, about 600 m away) is the one offered the hit.
    await operator.locator('#detail tr[data-unit="car-11"][data-state="offered"]').waitFor();
    await operator.locator('#map line.route').waitFor({ state: 'attached' }); // a vertical line has no width: 'visible' never holds
    await screenshot(operator, '2-operator-confirmed-unit-offered');
  });

  it('lets the nearer unit acknowledge on its own screen, and the operator sees it live', async () => {
    const { page: unit } = await browser.newPage();
    await signIn(unit, t.url, tokenOf('unit-car-11'));
    const offer = unit.locator(`#o-${alertId}`);
    await offer.waitFor();
    expect(await offer.locator('.plate').textContent()).toBe(PLATE);
    await offer.locator('button.ack').click();
    await unit.locator(`#o-${alertId}[data-state="acknowledged"]`).waitFor();
    await screenshot(unit, '3-unit-acknowledged');

    await operator.locator('#detail tr[data-unit="car-11"][data-state="acknowledged"]').waitFor();
    await operator.locator(`#a-${alertId} .chip[data-unit="car-11"].as-acknowledged`).waitFor();
    await operator.locator('#units li[data-unit="car-11"][data-status="en_route"]').waitFor();

    // The fixture loops every 10 s, so a second pass makes a newer hit above ours: k moves up to it, j back.
    await operator.locator('#alerts li.alert').nth(1).waitFor({ timeout: 30_000 });
    await operator.locator(`#a-${alertId}`).click();
    await operator.locator('body').press('k');
    const above = await operator.evaluate(
      () => document.querySelector('#alerts li.alert.selected')?.nextElementSibling?.id,
    );
    expect(above).toBe(`a-${alertId}`);
    await operator.locator('body').press('j');
    expect(await operator.locator(`#a-${alertId}`).getAttribute('aria-selected')).toBe('true');
    expect(await operator.locator('#detail').getAttribute('data-id')).toBe(alertId);

    await operator.locator('#lang').click();
    expect(await operator.locator('#feed-panel h2 [data-i18n="alerts"]').textContent()).toBe('Alerts');
    await screenshot(operator, '4-operator-unit-acknowledged-en');
    await unit.context().close();
  });

  it("shows a checkpoint account its own checkpoint's hits only", async () => {
    const { page: own } = await browser.newPage();
    await signIn(own, t.url, tokenOf('checkpoint-gate-1'));
    await own.locator(`#a-${alertId}`).waitFor();
    expect(await own.locator('#detail button.confirm').count()).toBe(0);
    await screenshot(own, '5-checkpoint-gate-1');

    // Signed in after the hits exist, so an empty list here is the filter, not a race.
    const { page: other } = await browser.newPage();
    await signIn(other, t.url, tokenOf('checkpoint-gate-2'));
    expect(await other.locator('#alerts li.alert').count()).toBe(0);
    await other.context().close();
    await own.context().close();

    const unexpected = operatorErrors.filter((e) => !/404.*\/api\/v1\/session/.test(e));
    expect(unexpected).toEqual([]);
  });

  it('sends a checkpoint its interception order live, takes its acknowledgement, and tells the command room when the loop closes', async () => {
    const { randomUUID } = await import('node:crypto');
    const sharp = (await import('sharp')).default;
    const op = tokenOf('operator');
    // The confirmation ordered the checkpoints in reach of gate-1 (it has no heading: the radius), gate-2 only.
    type Order = { id: string; alertId: string | null; targets: { cameraId: string }[] };
    const auto = ((await t.api('/interceptions', op)).body.orders as Order[]).find(
      (o) => o.alertId === alertId,
    ) as Order;
    expect(auto.targets.map((x) => x.cameraId)).toEqual(['gate-2']);
    await operator.locator(`#a-${alertId}`).click();
    await operator.locator('#detail .ic-line').waitFor();

    const { page: gate, errors: gateErrors } = await browser.newPage();
    await signIn(gate, t.url, tokenOf('checkpoint-gate-2'));
    await gate.locator('#interceptions-panel').waitFor();
    // A plate the fixture never shows, read once at gate-1 (so the order has a photo and a place), then ordered by hand:
    // no later read can close this order while the checkpoint looks at it.
    const plate = '粤B7Q3M9';
    const eventId = randomUUID();
    const cropJpeg = (
      await sharp({ create: { width: 120, height: 40, channels: 3, background: '#1040c0' } })
        .jpeg()
        .toBuffer()
    ).toString('base64');
    const now = Date.now();
    await t.node.queues.add('plate-reads', {
      eventId,
      cameraId: 'gate-1',
      plate,
      confidence: 0.95,
      format: 'cn-ordinary',
      firstSeen: now,
      lastSeen: now,
      capturedAt: now,
      readCount: 1,
      box: [1, 2, 3, 4],
      cropJpeg,
      update: false,
    });
    await expect.poll(() => t.node.infra.repos.plateReads.get(eventId), { timeout: 15_000 }).toBeTruthy();
    const made = await t.api('/interceptions', op, {
      method: 'POST',
      body: JSON.stringify({ plate, reason: 'robbery suspect vehicle (web test)', cameraIds: ['gate-2'] }),
    });
    expect(made.status).toBe(201);
    const id = made.body.id as string;

    const card = gate.locator(`#ic-${id}`);
    await card.waitFor();
    expect(await card.locator('.plate').textContent()).toBe(plate);
    expect(await card.locator('.ic-reason').textContent()).toBe('robbery suspect vehicle (web test)');
    await gate.waitForFunction((sel) => {
      const img = document.querySelector<HTMLImageElement>(sel);
      return !!img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    }, `#ic-${id} img.crop`);
    await screenshot(gate, '6-checkpoint-interception-order');
    await card.locator('button.ic-ack').click();
    await gate.locator(`#ic-${id}[data-acked="yes"]`).waitFor();
    await operator.locator(`#ic-${id} li[data-camera="gate-2"][data-acked="yes"]`).waitFor();

    // The automatic order closes when the fixture car passes gate-1 again (it loops): the command room is told.
    await operator.locator(`.ic-notice[data-order="${auto.id}"]`).waitFor({ timeout: 60_000 });
    await screenshot(operator, '7-operator-interception-closed');
    expect(gateErrors).toEqual([]);
    await gate.context().close();
  });

  it('shows an operator the fixture camera live, and says when a camera is offline', async () => {
    const { page } = await browser.newPage();
    await signIn(page, t.url, tokenOf('operator'));
    // The camera's own H.264, copied into fragmented MP4, through MediaSource: frames advance.
    await page.locator('#cameras li[data-camera="gate-1"]').click();
    await page.locator('#live-panel[data-camera="gate-1"][data-state="playing"]').waitFor({ timeout: 30_000 });
    const at = await page.locator('#live-panel video').evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForFunction((t0) => {
      const v = document.querySelector<HTMLVideoElement>('#live-panel video');
      return !!v && v.videoWidth > 0 && v.currentTime > t0 + 1;
    }, at);
    await screenshot(page, '8-operator-live-view');
    // gate-2 has no stream: a clear offline message instead of a black box.
    await page.locator('#map g.cam[data-camera="gate-2"]').click();
    await page.locator('#live-panel[data-camera="gate-2"][data-state="offline"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#live-status').textContent()).toContain('摄像机离线');
    await screenshot(page, '9-operator-live-offline');
    await page.context().close();
  });

  it('lets an investigator search the plate reads with a purpose, see the crops, and says when the purpose is missing', async () => {
    const inv = await t.token('investigator');
    const { page, errors } = await browser.newPage();
    await signIn(page, t.url, inv);
    await page.locator('#search-panel form#search-form').waitFor();
    await page.fill('#search-plate', PLATE);
    await page.selectOption('#search-mode', 'exact');
    await page.fill('#search-purpose', 'stolen vehicle enquiry (web test)');
    await page.click('#search-form button[type=submit]');
    const row = page.locator('#search-results table.search-table tbody tr').first();
    await row.waitFor();
    expect(await row.locator('td.plate').textContent()).toBe(PLATE);
    // Crops come through the bearer token as blobs, like the alert's crop: at least one must decode.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('#search-results img.search-thumb')].some(
        (img) => img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0,
      ),
    );
    // Play signs the read's footage URL (it carries the purpose): a video, or the page's "no footage" line, never a refusal.
    await row.locator('button.search-play').click();
    await page.locator('#search-player video, #search-player p.error').first().waitFor();
    const refusal = await page.locator('#search-player p.error').count();
    if (refusal) expect(await page.locator('#search-player p.error').textContent()).toBe('该时段无录像');
    await screenshot(page, '10-investigator-search');

    // Without a purpose or case the API refuses; the page shows its message as it is.
    const refused = await t.api(`/plate-reads?plate=${encodeURIComponent(PLATE)}`, inv);
    expect(refused.status).toBe(400);
    await page.fill('#search-purpose', '');
    await page.click('#search-form button[type=submit]');
    await expect.poll(() => page.locator('#search-results p.error').textContent()).toBe(refused.body.error as string);
    expect(await page.locator('#search-results table.search-table').count()).toBe(0);
    expect(errors.filter((e) => !/(404.*\/api\/v1\/session|400|\/api\/v1\/footage\/)/.test(e))).toEqual([]);
    await page.context().close();
  });
});
