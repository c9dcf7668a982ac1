// The command room raises a call-in incident at a place clicked on the map, in real headless chromium: the
// clicked place turns into the form's lat/lon, the incident is stored there and offered to the unit nearest it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { haversineMetres } from '../src/domain/geo.js';
import { hasChromium, launchBrowser, screenshot, signIn, type TestBrowser } from './helpers/browser.js';
import { startTestNode, type TestNode } from './helpers/node.js';

describe.skipIf(!hasChromium)('incident at a place picked on the map', () => {
  let t: TestNode;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let operator = '';
  const far = { lat: 22.5302, lon: 114.0402 };

  beforeAll(async () => {
    const analysis = '{ plates: false, fps: 1, width: 320, height: 180 }';
    const yaml = `
cameras:
  - { id: cam-a, name: Cam A, source: "rtsp://127.0.0.1:9/absent", kind: street, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, analysis: ${analysis} }
  - { id: cam-b, name: Cam B, source: "rtsp://127.0.0.1:9/absent", kind: street, lat: 22.5350, lon: 114.0500, district: futian, grid: g2, analysis: ${analysis} }
units:
  - { id: car-11, callsign: C11, type: car, homeGrid: g1 }
  - { id: car-12, callsign: C12, type: car, homeGrid: g2 }
incidents:
  types: [fight, { name: river_rescue, defaultSeverity: 2 }]
demo:
  enabled: true
  streams: []
  positions:
    - { unit: car-11, lat: 22.5440, lon: 114.0579 }
    - { unit: car-12, lat: ${far.lat}, lon: ${far.lon} }
`;
    [t, browser] = await Promise.all([startTestNode('incident-map', yaml), launchBrowser()]);
    operator = await t.token('operator');
    ({ page, errors } = await browser.newPage());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** The element's box once it is on screen (the map draws its units again as positions come in, so ask again). */
  async function visibleBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
    for (let tries = 0; tries < 50; tries++) {
      const box = await locator.boundingBox();
      if (box) return box;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the unit marker never showed on the map');
  }

  it('turns a click on the map into the call location, and offers the incident to the unit nearest it', async () => {
    await signIn(page, t.url, operator);
    await page.click('#incidents-panel summary');
    // Click on the far unit's marker: the place picked is where that unit stands, within a marker's size.
    const marker = page.locator('#map g.unit[data-unit="car-12"] circle');
    // The map draws its units again as positions come in: the marker found may be gone by the time its box is asked.
    const box = await visibleBox(marker);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('#map #picked-place');
    const lat = Number(await page.inputValue('#incident-form input[name=lat]'));
    const lon = Number(await page.inputValue('#incident-form input[name=lon]'));
    expect(haversineMetres({ lat, lon }, far)).toBeLessThan(40);
    expect(await page.inputValue('#incident-form select[name=camera]')).toBe('');

    // The form offers this city's types (incidents.types), and a type brings its default severity.
    const types = await page.$$eval('#incident-form select[name=type] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    expect(types).toEqual(['fight', 'river_rescue']);
    await page.selectOption('#incident-form select[name=type]', 'river_rescue');
    expect(await page.inputValue('#incident-form select[name=severity]')).toBe('2');
    await page.selectOption('#incident-form select[name=severity]', '1');
    await page.fill('#incident-form input[name=description]', 'caller reports a fight by the river');
    await page.click('#incident-form button[type=submit]');
    await page.waitForSelector('#incidents li.incident');
    await screenshot(page, 'incident-map-pick');

    const listed = (await t.api('/incidents?status=open', operator)).body.incidents as {
      source: string;
      type: string;
      lat: number;
      lon: number;
      legs: { unitId: string }[];
    }[];
    expect(listed).toHaveLength(1);
    const [incident] = listed;
    expect(incident.source).toBe('call');
    expect(incident.type).toBe('river_rescue');
    expect(incident.lat).toBeCloseTo(lat, 5);
    expect(incident.lon).toBeCloseTo(lon, 5);
    expect(incident.legs.map((l) => l.unitId)).toEqual(['car-12']);
    expect(errors).toEqual([]);
  }, 120_000);
});
