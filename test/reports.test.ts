// Integration: unit freshness on GET /units, positions over MQTT into a running node, the report routes
// (roles, bad input, figures from seeded rows), and the reports panel and stale unit marks on the
// command-room page in headless chromium.
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, screenshot, signIn } from './helpers/browser.js';
import { startTestNode, type TestNode } from './helpers/node.js';

// Mosquitto runs on this machine (and in CI); this node's topics have a prefix of their own.
const MQTT_URL = 'mqtt://127.0.0.1:1883';
const topicPrefix = `vigil-test-reports-${process.pid}-${Date.now().toString(36)}`;

const yaml = `
server: { timezone: Asia/Shanghai }
dispatch: { staleAfterSeconds: 300, mqttUrl: "${MQTT_URL}", mqttTopicPrefix: ${topicPrefix} }
reports: { shifts: [{ name: day, start: "08:00", end: "20:00" }, { name: night, start: "20:00", end: "08:00" }] }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, enabled: false }
  - { id: cam-2, name: Market, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.547, lon: 114.062, district: nanshan, enabled: false }
units:
  - { id: fresh, callsign: F1, type: car, homeGrid: g1 }
  - { id: old, callsign: O1, type: motorbike, homeGrid: g1 }
  - { id: never, callsign: N1, type: foot, homeGrid: g1 }
  - { id: radio, callsign: R1, type: car, homeGrid: g1 }
`;

describe('units freshness and reports', () => {
  let t: TestNode;
  let operator: string;
  const day = new Date(Date.now() - 3600_000); // an hour ago: inside the default 7-day period

  async function seedAlert(
    camera: string,
    at: Date,
    ackS: number | null,
    arriveS: number | null,
    unit = 'fresh',
  ): Promise<void> {
    const db = t.node.infra.db;
    const [hot] = await db.query<{ id: string }>('select id from hotlist limit 1');
    const readId = randomUUID();
    const alertId = randomUUID();
    await db.query(
      `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, box)
       values ($1,$2,'粤B12345','粤B12345',0.9,'cn',$3,$3,$3,'{}')`,
      [readId, camera, at.toISOString()],
    );
    await db.query(
      `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at, created_at) values ($1,$2,$3,$4,'粤B12345','{}',1,$5,$5)`,
      [alertId, readId, hot.id, camera, at.toISOString()],
    );
    const later = (s: number | null) => (s === null ? null : new Date(at.getTime() + s * 1000).toISOString());
    await db.query(
      'insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s, offered_at, acknowledged_at, arrived_at) values ($1,$2,$3,1,100,60,$4,$5,$6)',
      [randomUUID(), alertId, unit, at.toISOString(), later(ackS), later(arriveS)],
    );
  }

  beforeAll(async () => {
    t = await startTestNode('reports', yaml);
    operator = await t.token('operator');
    const admin = await t.token('admin');
    const units = t.node.infra.repos.units;
    await units.reportPosition('fresh', 22.545, 114.058, new Date(Date.now() - 20_000));
    await units.reportPosition('old', 22.55, 114.07, new Date(Date.now() - 900_000));
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const created = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: '粤B12345',
        category: 'stolen_vehicle',
        reason: 'test',
        source: 'test',
        priority: 1,
        expires_at: expires,
        why: 'test seed',
      }),
    });
    expect(created.status).toBeLessThan(300);
    await seedAlert('gate-1', day, 20, 50);
    await seedAlert('gate-1', new Date(day.getTime() - 60_000), 40, 250);
    await seedAlert('cam-2', new Date(day.getTime() - 120_000), 15, null);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('marks units whose fix is older than dispatch.staleAfterSeconds, or missing, as stale', async () => {
    const res = await t.api('/units', operator);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(
      (res.body.units as { id: string; stale: boolean; positionAgeS: number | null; type: string }[]).map((u) => [
        u.id,
        u,
      ]),
    );
    expect(byId.fresh).toMatchObject({ stale: false, type: 'car' });
    expect(byId.fresh.positionAgeS).toBeGreaterThanOrEqual(19);
    expect(byId.fresh.positionAgeS).toBeLessThan(300);
    expect(byId.old).toMatchObject({ stale: true, type: 'motorbike' });
    expect(byId.old.positionAgeS).toBeGreaterThanOrEqual(900);
    expect(byId.never).toMatchObject({ stale: true, positionAgeS: null });
  });

  it('takes positions from MQTT into the running node', async () => {
    const client = await mqtt.connectAsync(MQTT_URL);
    try {
      await client.publishAsync(
        `${topicPrefix}/units/radio/position`,
        JSON.stringify({ lat: 22.546, lon: 114.059, heading: 45, speedKmh: 30 }),
        { qos: 1 },
      );
      let radio: Record<string, unknown> | undefined;
      for (let tries = 0; tries < 200 && !radio?.positionAt; tries++) {
        if (tries) await new Promise((r) => setTimeout(r, 50));
        radio = ((await t.api('/units', operator)).body.units as Record<string, unknown>[]).find(
          (u) => u.id === 'radio',
        );
      }
      expect(radio).toMatchObject({ lat: 22.546, lon: 114.059, heading: 45, speedKmh: 30, stale: false });
    } finally {
      await client.endAsync();
    }
  });

  it('serves the response-time and heat reports to command-room roles only, and explains bad input', async () => {
    const rt = await t.api('/reports/response-times', operator);
    expect(rt.status).toBe(200);
    const rows = rt.body.rows as {
      grid: string;
      shift: string;
      dispatched: number;
      within: Record<string, number | null>;
    }[];
    const total = rows.find((r) => r.grid === '*' && r.shift === '*');
    expect(total).toMatchObject({ dispatched: 3, within: { '1m': 0.333, '3m': 0.333, '5m': 0.667 } });
    expect(rows.some((r) => r.grid === 'nanshan')).toBe(true); // no grid: the district
    expect(rt.body.targetsS).toEqual([60, 180, 300]);

    const heat = await t.api('/reports/heat?kind=reads', await t.token('investigator'));
    expect(heat.status).toBe(200);
    expect(heat.body).toMatchObject({ kind: 'reads', grids: ['g1', 'nanshan'], total: 3 });

    expect((await t.api('/reports/heat', await t.token('unit', 'fresh'))).status).toBe(403);
    expect((await t.api('/reports/heat', await t.token('checkpoint', 'gate-1'))).status).toBe(403);
    const bad = await t.api('/reports/heat?kind=faces', operator);
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/kind/);
    const reversed = await t.api(`/reports/response-times?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z`, operator);
    expect(reversed).toMatchObject({ status: 400, body: { error: 'from must be before to' } });
    expect((await t.api('/reports/heat?from=yesterday', operator)).status).toBe(400);
  });

  it.skipIf(!hasChromium)('shows the heat table, the 1-3-5 table and stale units on the page', async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.newPage();
      await signIn(page, t.url, operator);
      await page.waitForSelector('#reports-panel table.heat td[data-count="1"]');
      await page.waitForSelector('#reports-panel table.response tr[data-grid="g1"][data-shift="*"]');
      expect(await page.locator('#units li[data-stale="true"]').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#units li[data-unit="fresh"]').getAttribute('data-stale')).toBe('false');
      expect(await page.locator('#units li[data-unit="old"] .stale-tag').textContent()).toContain('位置过期');
      await screenshot(page, 'reports-panel');
      await page.click('#lang');
      await page.waitForSelector('#reports-panel h2:text("Reports")');
      // The seeded reads have no crop: the evidence panel's 404 for it is expected here.
      expect(errors.filter((e) => !/crop\.jpg/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
