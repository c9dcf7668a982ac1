// The officer's phone in real headless chromium (Pixel 5 viewport, touch, geolocation granted): the page reports
// the phone's positions and they move the unit; a hit offered to the unit vibrates and shows its evidence; an
// acknowledgement made offline waits and arrives after reconnection. The checkpoint's tablet and the command
// room fit their screens too. Screenshots of the three in artifacts/phone.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestNode, projectRoot, type TestNode } from './helpers/node.js';
import { CHROMIUM, hasChromium, launchBrowser, signIn, type TestBrowser } from './helpers/browser.js';

const PLATE = '粤B4E7K2';
const artifacts = path.join(projectRoot, 'artifacts', 'phone');
const START = { latitude: 22.5485, longitude: 114.0579, accuracy: 12 };
const MOVED = { latitude: 22.5462, longitude: 114.0601, accuracy: 8 };
const title = hasChromium
  ? "the officer's phone in chromium"
  : `the officer's phone in chromium: SKIPPED, no browser at ${CHROMIUM}`;

const yaml = `
dispatch: { ackTimeoutSeconds: 600 }
cameras:
  - { id: gate-1, name: Shennan Rd checkpoint 深南大道卡口, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, enabled: false }
units:
  - { id: car-11, callsign: 福田11, type: car, homeGrid: g1 }
demo:
  enabled: true
  streams: []
  hotlist: [{ plate: ${PLATE}, category: stolen_vehicle, reason: stolen (phone test), priority: 1 }]
`;

async function shot(page: Page, name: string) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** The page is no wider than its screen: nothing to scroll sideways. */
const overflow = (page: Page) =>
  page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

describe.skipIf(!hasChromium)(title, () => {
  let t: TestNode;
  let browser: TestBrowser;
  let phone: BrowserContext;
  let page: Page;
  let alertId = '';
  const errors: string[] = [];
  const tokenOf = (name: string) => t.node.demo?.tokens.find((x) => x.name === name)?.token as string;
  const unit = async () =>
    (
      (await t.api('/units', tokenOf('operator'))).body.units as {
        id: string;
        lat: number | null;
        lon: number | null;
        accuracyM?: number | null;
      }[]
    ).find((u) => u.id === 'car-11');
  const assignment = async () => {
    const body = (await t.api(`/alerts/${alertId}`, tokenOf('operator'))).body as {
      assignments: { unitId?: string; state: string }[];
    };
    return body.assignments.find((a) => a.unitId === 'car-11')?.state;
  };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestNode('phone', yaml), launchBrowser()]);
    phone = await browser.browser.newContext({
      viewport: { width: 393, height: 851 },
      deviceScaleFactor: 2.75,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      geolocation: START,
      permissions: ['geolocation'],
    });
    // Observe the vibration calls (the page calls the real API; headless chromium has no motor to ask).
    await phone.addInitScript(() => {
      const calls: unknown[] = [];
      Object.defineProperty(window, '__vibrations', { value: calls });
      Object.defineProperty(navigator, 'vibrate', {
        value: (pattern: unknown) => (calls.push(pattern), true),
        configurable: true,
      });
    });
    page = await phone.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("reports the phone's position with its accuracy, and a move moves the unit", async () => {
    await signIn(page, t.url, tokenOf('unit-car-11'));
    await expect.poll(async () => (await unit())?.lat, { timeout: 20_000 }).toBeCloseTo(START.latitude, 5);
    const first = await unit();
    expect(first?.lon).toBeCloseTo(START.longitude, 5);
    expect(first?.accuracyM).toBe(12);
    await page.locator('#unit-fix[data-fix="yes"]').waitFor();

    await phone.setGeolocation(MOVED);
    await expect.poll(async () => (await unit())?.lat, { timeout: 20_000 }).toBeCloseTo(MOVED.latitude, 5);
    expect((await unit())?.lon).toBeCloseTo(MOVED.longitude, 5);
    const o = await overflow(page);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
  });

  it('shows a new offer with its evidence and reason, vibrates and sounds', async () => {
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
      plate: PLATE,
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
    const card = page.locator('#offers li.offer').first();
    await card.waitFor({ timeout: 30_000 });
    alertId = (await card.getAttribute('data-alert')) as string;
    expect(alertId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await card.locator('.plate').textContent()).toBe(PLATE);
    expect(await card.locator('.offer-reason').textContent()).toBe('stolen (phone test)');
    // The distance is from the phone's own fix (about 350 m from the moved position), with a navigation link.
    await expect.poll(() => card.locator('.distance').textContent()).toMatch(/^\d+ m/);
    expect(await card.locator('a.navigate').getAttribute('href')).toMatch(/^geo:22\.5431,114\.0579\?q=/);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#offers img.crop');
      return !!img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    });
    const vibrations = await page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations);
    expect(vibrations.length).toBeGreaterThanOrEqual(1);
    await page.waitForFunction(() => Number(document.body.dataset.beeps ?? 0) >= 1);
    // Large buttons: a thumb's worth of height, the width of the screen.
    const ack = await card.locator('button.ack').boundingBox();
    expect(ack?.height).toBeGreaterThanOrEqual(48);
    expect(ack?.width).toBeGreaterThan(300);
    const o = await overflow(page);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
    await shot(page, 'phone-offer');
  });

  it('acknowledges while offline, and the acknowledgement arrives after reconnection', async () => {
    await phone.setOffline(true);
    const card = page.locator(`#o-${alertId}`);
    await card.locator('button.ack').click();
    await page.locator(`#o-${alertId}[data-queued="yes"][data-state="acknowledged"]`).waitFor();
    const queued = await page.evaluate(
      () => JSON.parse(localStorage.getItem('vigil-unit-outbox') || '[]') as { path: string }[],
    );
    expect(queued.map((q) => q.path)).toEqual(['ack']);
    // Still offered on the server: nothing left the phone.
    expect(await assignment()).toBe('offered');
    await shot(page, 'phone-offline-queued');

    await phone.setOffline(false);
    await expect.poll(assignment, { timeout: 20_000 }).toBe('acknowledged');
    await page.locator(`#o-${alertId}[data-queued="no"][data-state="acknowledged"]`).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => localStorage.getItem('vigil-unit-outbox'))).toBe('[]');
    // The offer list is kept on the phone for a reload.
    const kept = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('vigil-unit-offers-car-11') || '[]') as { alertId: string; state: string }[],
    );
    expect(kept.find((k) => k.alertId === alertId)?.state).toBe('acknowledged');
    await card.locator('button.arrived').click();
    await expect.poll(assignment, { timeout: 10_000 }).toBe('arrived');
  });

  it('is installable: a manifest with icons and a service worker that controls the page', async () => {
    const manifest = (await (await fetch(`${t.url}/manifest.webmanifest`)).json()) as {
      display: string;
      icons: { src: string; sizes: string }[];
    };
    expect(manifest.display).toBe('standalone');
    for (const icon of manifest.icons) expect((await fetch(`${t.url}${icon.src}`)).status).toBe(200);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)).toMatch(
      /\/sw\.js$/,
    );
    expect(errors).toEqual([]);
  });

  it('keeps the officer signed in across a reload while offline: "offline", not the sign-in form', async () => {
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await phone.setOffline(true);
    await page.reload();
    await page.locator('body[data-state="offline"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#signin').isVisible()).toBe(false);
    await shot(page, 'phone-offline-reload');
    await phone.setOffline(false);
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 20_000 });
  });

  it("fits the checkpoint's tablet and the command room's desktop", async () => {
    const screens = [
      {
        name: 'tablet-checkpoint',
        token: tokenOf('checkpoint-gate-1'),
        viewport: { width: 1024, height: 768 },
        mobile: true,
      },
      {
        name: 'desktop-command-room',
        token: tokenOf('operator'),
        viewport: { width: 1440, height: 900 },
        mobile: false,
      },
    ];
    for (const s of screens) {
      const ctx = await browser.browser.newContext({
        viewport: s.viewport,
        isMobile: s.mobile,
        hasTouch: s.mobile,
        deviceScaleFactor: s.mobile ? 2 : 1,
        locale: 'zh-CN',
      });
      const p = await ctx.newPage();
      await signIn(p, t.url, s.token);
      await p.locator(`#a-${alertId}`).waitFor();
      const o = await overflow(p);
      expect(o.scrollWidth, s.name).toBeLessThanOrEqual(o.innerWidth);
      await shot(p, s.name);
      await ctx.close();
    }
  });
});
