// Integration: a patrol plan loaded through the API, two hours of 27 simulated units' fixes, coverage
// checked against haversine brute force; a seeded day's situation report (figures computed here from the
// seeded rows), its PDF's text (unpdf) and CSV, a subscription's delivery; the coverage map and the
// report panel on the command-room page in headless chromium.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineMetres } from '../src/domain/geo.js';
import { localDate } from '../src/health/periods.js';
import { planToGeoJson } from '../src/plans/plan.js';
import { simulateDay, type SimDay } from '../src/plans/simulate.js';
import { localMinute } from '../src/reports/shifts.js';
import { hasChromium, launchBrowser, signIn } from './helpers/browser.js';
import { projectRoot, startTestNode, type TestNode } from './helpers/node.js';

const TZ = 'Asia/Shanghai';
const geojson = JSON.parse(
  readFileSync(path.join(projectRoot, 'fixtures/roads/futian-sample.geojson'), 'utf8'),
) as Parameters<typeof simulateDay>[0];
const units = Array.from(
  { length: 27 },
  (_, u) => `  - { id: u${String(u + 1).padStart(3, '0')}, callsign: U${u + 1}, type: car, homeGrid: g${(u % 9) + 1} }`,
).join('\n');
const yaml = `
server: { timezone: ${TZ} }
plans: { maxGapS: 120, situation: { schedule: false } }
cameras:
  - { id: cam-g1, name: G1, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.535, lon: 114.05, district: futian, grid: g1, enabled: false }
  - { id: cam-g5, name: G5, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.553, lon: 114.068, district: futian, grid: g5, enabled: false }
  - { id: cam-far, name: Far, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.6, lon: 114.1, district: nanshan, grid: n1, enabled: false }
units:
${units}
`;

describe('patrol plans and situation reports', () => {
  let t: TestNode;
  let admin: string;
  let operator: string;
  let sim: SimDay;
  const now = Date.now();
  const from = now - 2 * 3600_000;
  const today = localDate(now, TZ);
  // The seeded day: incidents (grid, minutes ago, severity, first arrival s or null) and alerts (camera, minutes ago, arrival s or null).
  const incidents = [
    ['g1', 20, 1, 50],
    ['g1', 25, 2, 170],
    ['g5', 30, 1, 290],
    ['g5', 35, 3, 400],
    ['g5', 40, 1, null],
    ['g2', 45, 2, 30],
  ] as const;
  const alerts = [
    ['cam-g1', 10, 45],
    ['cam-g5', 15, 200],
    ['cam-g5', 50, null],
    ['cam-far', 12, 20],
  ] as const;

  beforeAll(async () => {
    t = await startTestNode('patrol-plans', yaml);
    admin = await t.token('admin');
    operator = await t.token('operator');
    sim = simulateDay(geojson, from);
    const db = t.node.infra.db;
    const rows = sim.tracks.flatMap((tr) =>
      tr.fixes.filter((f) => f.at < now).map((f) => [tr.unitId, f.lat, f.lon, new Date(f.at).toISOString()] as const),
    );
    for (let i = 0; i < rows.length; i += 20_000) {
      const b = rows.slice(i, i + 20_000);
      await db.query(
        'insert into unit_positions (unit_id, lat, lon, at) select * from unnest($1::text[], $2::float8[], $3::float8[], $4::timestamptz[])',
        [b.map((r) => r[0]), b.map((r) => r[1]), b.map((r) => r[2]), b.map((r) => r[3])],
      );
    }
    const [hot] = await db.query<{ id: string }>(
      `insert into hotlist (id, plate, category, reason, source, added_by, priority, expires_at) values ($1, '粤B12345', 'stolen_vehicle', 'test', 'test', 'test', 1, now() + interval '1 day') returning id`,
      [randomUUID()],
    );
    for (const [camera, minutesAgo, arriveS] of alerts) {
      const at = new Date(now - minutesAgo * 60_000);
      const [readId, alertId] = [randomUUID(), randomUUID()];
      await db.query(
        `insert into plate_reads (id, camera_id, plate, plate_canonical, confidence, format, first_seen, last_seen, captured_at, box) values ($1,$2,'粤B12345','粤B12345',0.9,'cn',$3,$3,$3,'{}')`,
        [readId, camera, at.toISOString()],
      );
      await db.query(
        `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at, created_at) values ($1,$2,$3,$4,'粤B12345','{}',1,$5,$5)`,
        [alertId, readId, hot.id, camera, at.toISOString()],
      );
      await db.query(
        'insert into assignments (id, alert_id, unit_id, attempt, distance_m, eta_s, offered_at, arrived_at) values ($1,$2,$3,1,100,60,$4,$5)',
        [
          randomUUID(),
          alertId,
          'u001',
          at.toISOString(),
          arriveS === null ? null : new Date(at.getTime() + arriveS * 1000).toISOString(),
        ],
      );
      if (camera === 'cam-g1') {
        await db.query(
          `insert into interception_orders (id, alert_id, plate, reason, ordered_by, role, origin_camera, hit_at, mode, created_at, close_until, status, closed_at) values ($1,$2,'粤B12345','test','op','operator','cam-g1',$3,'radius',$3,$4,'closed',$5)`,
          [
            randomUUID(),
            alertId,
            at.toISOString(),
            new Date(now + 86_400_000).toISOString(),
            new Date(at.getTime() + 240_000).toISOString(),
          ],
        );
      }
    }
    for (const [grid, minutesAgo, severity, arriveS] of incidents) {
      const at = new Date(now - minutesAgo * 60_000);
      const id = randomUUID();
      await db.query(
        `insert into incidents (id, source, type, severity, lat, lon, district, grid, duty_level, shift, reported_by, reported_by_person, role, created_at) values ($1,'call','theft',$2,22.55,114.06,'futian',$3,'normal','day','op','op','operator',$4)`,
        [id, severity, grid, at.toISOString()],
      );
      await db.query(
        `insert into incident_legs (id, incident_id, unit_id, kind, unit_type, grid, lane, state, distance_m, eta_s, target_s, offered_at, arrived_at) values ($1,$2,'u002','unit','car',$3,1,$4,100,60,180,$5,$6)`,
        [
          randomUUID(),
          id,
          grid,
          arriveS === null ? 'timed_out' : 'arrived',
          at.toISOString(),
          arriveS === null ? null : new Date(at.getTime() + arriveS * 1000).toISOString(),
        ],
      );
    }
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('loads a plan through the API (admins only, audited) and refuses a bad one naming the field', async () => {
    const body = JSON.stringify(planToGeoJson(sim.plan));
    expect((await t.api('/patrol-plans/futian', operator, { method: 'PUT', body })).status).toBe(403);
    const put = await t.api('/patrol-plans/futian', admin, { method: 'PUT', body });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      district: 'futian',
      version: 1,
      points: 60,
      lines: 78,
      coreAreas: 21,
      keyAreas: 12,
    });
    const bad = await t.api('/patrol-plans/futian', admin, {
      method: 'PUT',
      body: JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { id: 'x', grid: 'g1' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                ],
              ],
            },
          },
        ],
      }),
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/features\.0\.properties\.level/);
    const [audit] = await t.node.infra.db.query<{ action: string; target: string }>(
      `select action, target from audit_log where action = 'patrol-plan.updated'`,
    );
    expect(audit).toEqual({ action: 'patrol-plan.updated', target: 'futian' });
  });

  it('answers coverage whose reached points match haversine brute force', async () => {
    const q = `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(now).toISOString())}`;
    const res = await t.api(`/patrol-plans/futian/coverage?${q}`, operator);
    expect(res.status).toBe(200);
    const points = res.body.points as { id: string; reachedAt: string | null }[];
    for (const p of sim.plan.points) {
      let first: number | null = null;
      for (const tr of sim.tracks) {
        let run: number | null = null;
        let last = 0;
        for (const f of tr.fixes.filter((x) => x.at < now)) {
          const inside = haversineMetres(f, p) <= p.radiusM;
          if (inside && run !== null && f.at - last <= 120_000) last = f.at;
          else if (inside) [run, last] = [f.at, f.at];
          else run = null;
          if (run !== null && last - run >= p.minDwellS * 1000 && (first === null || run < first)) first = run;
        }
      }
      expect([p.id, points.find((x) => x.id === p.id)?.reachedAt ?? null]).toEqual([
        p.id,
        first === null ? null : new Date(first).toISOString(),
      ]);
    }
    expect(points.filter((p) => p.reachedAt).length).toBeGreaterThan(10);
    expect((await t.api('/patrol-plans/futian/coverage?shift=nope', operator)).status).toBe(400);
  });

  it("makes the day's situation report with the seeded figures, its PDF holding them, and its CSV", async () => {
    const sub = await t.api('/situation-reports/subscriptions', operator, {
      method: 'POST',
      body: JSON.stringify({ district: 'futian', periods: ['day'] }),
    });
    expect(sub.status).toBe(201);
    const made = await t.api('/situation-reports', operator, {
      method: 'POST',
      body: JSON.stringify({ district: 'futian', period: 'day', startDate: today }),
    });
    expect(made.status).toBe(201);
    const id = made.body.id as string;
    const { body } = await t.api(`/situation-reports/${id}`, operator);
    const d = body.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    const futianAlerts = alerts.filter(([c]) => c !== 'cam-far');
    expect(d.totals).toEqual({
      incidents: incidents.length,
      hits: futianAlerts.length,
      plateHits: futianAlerts.length,
      interceptions: 1,
    });
    const within = (xs: readonly (number | null)[], s: number) => xs.filter((x) => x !== null && x <= s).length;
    const incArrivals = incidents.map((i) => i[3]);
    expect(d.response.incidents.withinCount).toEqual({
      '1m': within(incArrivals, 60),
      '3m': within(incArrivals, 180),
      '5m': within(incArrivals, 300),
    });
    expect(d.response.incidents).toMatchObject({ count: 6, arrived: 5 });
    const alertArrivals = futianAlerts.map((a) => a[2]);
    expect(d.response.alerts.withinCount).toEqual({
      '1m': within(alertArrivals, 60),
      '3m': within(alertArrivals, 180),
      '5m': within(alertArrivals, 300),
    });
    // The grid x hour table: each seeded incident and hit in its grid at its local hour.
    const expected = new Map<string, number>();
    for (const [grid, m] of incidents)
      expected.set(
        `${grid}:${Math.floor(localMinute(new Date(now - m * 60_000), TZ) / 60)}`,
        (expected.get(`${grid}:${Math.floor(localMinute(new Date(now - m * 60_000), TZ) / 60)}`) ?? 0) + 1,
      );
    for (const [cam, m] of futianAlerts) {
      const k = `${cam === 'cam-g1' ? 'g1' : 'g5'}:${Math.floor(localMinute(new Date(now - m * 60_000), TZ) / 60)}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    (d.byGridHour.grids as string[]).forEach((g, gi) =>
      (d.byGridHour.incidents[gi] as number[]).forEach(
        (n, h) => n + d.byGridHour.hits[gi][h] && got.set(`${g}:${h}`, n + d.byGridHour.hits[gi][h]),
      ),
    );
    expect(got).toEqual(expected);
    expect(d.hotCells[0].count).toBe(Math.max(...expected.values()));
    expect(d.plates).toMatchObject({
      hits: 3,
      distinctPlates: 1,
      byCategory: [{ category: 'stolen_vehicle', hits: 3 }],
    });
    expect(d.interceptions).toMatchObject({ ordered: 1, closed: 1, closeP50S: 240 });
    expect(d.coverage.hasPlan).toBe(true);

    const pdfRes = await fetch(`${t.url}/api/v1/situation-reports/${id}/report.pdf`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(pdfRes.status).toBe(200);
    const bytes = new Uint8Array(await pdfRes.arrayBuffer());
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain(`Daily situation report`);
    expect(text).toContain(today);
    expect(text).toMatch(new RegExp(`this period\\s+${incidents.length}\\s+${futianAlerts.length}\\s+3\\s+1`));
    expect(text).toContain(`${Math.round((within(incArrivals, 180) / 6) * 100)}% (${within(incArrivals, 180)})`);

    const csv = await fetch(`${t.url}/api/v1/situation-reports/${id}/report.csv`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('section,grid,hour,metric,value');
    expect(lines).toContain(`totals,,,incidents,${incidents.length}`);

    const deliveries = await t.node.infra.db.query<{ channel: string; status: string }>(
      'select channel, status from situation_deliveries where report_id = $1',
      [id],
    );
    expect(deliveries).toEqual([{ channel: 'stream', status: 'sent' }]);
    const [audit] = await t.node.infra.db.query<{ target: string }>(
      `select target from audit_log where action = 'situation-report.made'`,
    );
    expect(audit.target).toBe(id);
  });

  it.skipIf(!hasChromium)('draws the coverage on the map and shows the report on the page', async () => {
    const cov = await t.api('/patrol-plans/futian/coverage', operator);
    const b = await launchBrowser();
    try {
      const { page, errors } = await b.newPage();
      await signIn(page, t.url, operator);
      await page.waitForSelector('#map path.plan-line');
      expect(await page.locator('#map path.plan-line').count()).toBe(78);
      const first = (cov.body.lines as { id: string; share: number }[])[0];
      expect(await page.getAttribute(`#map path.plan-line[data-line="${first.id}"]`, 'data-share')).toBe(
        String(first.share),
      );
      const reached = (cov.body.points as { reached: boolean }[]).filter((p) => p.reached).length;
      expect(await page.locator('#map g.plan-point.reached').count()).toBe(reached);
      expect(await page.locator('#map g.plan-point.missed').count()).toBe(60 - reached);
      await page.click('#situation-panel li button.link');
      await page.waitForSelector('#situation-panel article.situation svg.chart');
      expect(await page.textContent('#situation-panel article.situation')).toContain('Daily situation report');
      // Others' requests may fail here (the session probe before sign-in, crops of seeded reads that have none): only ours count.
      expect(errors.filter((e) => /plans\.js|situation|patrol-plans/.test(e))).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
