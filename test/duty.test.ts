// Integration: switching the duty level through the API (who may, audited, on the stream, shared with another
// process over Redis) and what it changes at once for the next plate hit: units offered, alert threshold, checkpoints told.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { DutyRepo } from '../src/duty/duty-repo.js';
import { DutyState } from '../src/duty/duty-state.js';
import { createLogger } from '../src/lib/logger.js';
import { hasChromium, launchBrowser, screenshot, signIn } from './helpers/browser.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient } from './helpers/sse.js';

const yaml = `
dispatch: { ackTimeoutSeconds: 600, staleAfterSeconds: 600 }
# At enhanced this room wants an operator to confirm a plate hit before a unit is sent.
duty: { enhanced: { plateConfirmations: 1 } }
cameras:
  - { id: gate-1, name: Gate 1, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, enabled: false }
  - { id: gate-2, name: Gate 2, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 2, lat: 22.5600, lon: 114.0600, district: futian, enabled: false }
  - { id: gate-9, name: Gate 9, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 2, lat: 22.5200, lon: 113.9300, district: nanshan, enabled: false }
units:
  - { id: u1, callsign: U1, type: car, homeGrid: g1 }
  - { id: u2, callsign: U2, type: car, homeGrid: g1 }
  - { id: u3, callsign: U3, type: car, homeGrid: g1 }
`;

const URGENT = '粤B4E7K2';
const MINOR = '京A12345';

describe('duty levels', () => {
  let t: TestNode;
  let admin: string;
  let operator: string;
  let ops: SseClient;
  let nanshan: SseClient;
  let other: DutyState;

  beforeAll(async () => {
    t = await startTestNode('duty', yaml);
    admin = await t.token('admin');
    operator = await t.token('operator');
    const repos = t.node.infra.repos;
    await repos.units.reportPosition('u1', 22.5441, 114.0579);
    await repos.units.reportPosition('u2', 22.5461, 114.0579);
    await repos.units.reportPosition('u3', 22.5531, 114.0579);
    for (const [plate, priority] of [
      [URGENT, 1],
      [MINOR, 5],
    ] as const) {
      const res = await t.api('/hotlist', admin, {
        method: 'POST',
        body: JSON.stringify({
          plate,
          category: 'stolen_vehicle',
          reason: `listed p${priority}`,
          source: 'test',
          priority,
          expires_at: '2099-01-01T00:00:00Z',
          why: 'duty test',
        }),
      });
      expect(res.status).toBe(201);
    }
    ops = new SseClient(`${t.url}/api/v1/stream`, operator);
    nanshan = new SseClient(`${t.url}/api/v1/stream`, await t.token('checkpoint', 'gate-9'));
    await Promise.all([ops.ready, nanshan.ready]);
    // A second process of the same deployment: its own cache, fed by the database and Redis only.
    other = new DutyState({
      repo: new DutyRepo(t.node.infra.db),
      audit: repos.audit,
      bus: t.node.bus,
      config: parseConfig(yaml, 'duty.yaml'),
      log: createLogger('other', true),
    });
    await other.start();
  });

  afterAll(async () => {
    ops?.close();
    nanshan?.close();
    await other?.stop();
    await t?.stop();
  });

  async function read(plate: string, cameraId = 'gate-1'): Promise<string> {
    const eventId = randomUUID();
    const now = Date.now();
    await t.node.queues.add('plate-reads', {
      eventId,
      cameraId,
      plate,
      confidence: 0.95,
      format: 'ordinary',
      firstSeen: now,
      lastSeen: now,
      capturedAt: now,
      readCount: 1,
      box: [1, 2, 3, 4],
      update: false,
    });
    return eventId;
  }

  const audit = async (action: string) =>
    (await t.api(`/admin/audit?action=${action}&limit=100`, admin)).body.entries as {
      actor: string;
      target: string;
      details: Record<string, unknown>;
    }[];

  it('says the level in force, its policy, and whether the caller may switch it', async () => {
    const asOperator = await t.api('/duty', operator);
    expect(asOperator.status).toBe(200);
    expect(asOperator.body).toMatchObject({
      level: 'normal',
      since: null,
      canSwitch: false,
      policy: { unitsPerAlert: 1, plateMinPriority: 3, checkpointsNotified: 'own', ackTimeoutSeconds: 600 },
    });
    expect((await t.api('/duty', admin)).body.canSwitch).toBe(true);
    expect((await t.api('/duty', await t.token('unit', 'u1'))).status).toBe(200);
  });

  it('at normal, stores a low-priority hit as a read only and audits why', async () => {
    const readId = await read(MINOR);
    await expect
      .poll(async () => (await audit('alert.below_threshold')).map((e) => e.target), { timeout: 15_000 })
      .toContain(readId);
    const entry = (await audit('alert.below_threshold')).find((e) => e.target === readId);
    expect(entry?.details).toMatchObject({ plate: MINOR, priority: 5, level: 'normal', plateMinPriority: 3 });
    const alerts = (await t.api('/alerts', operator)).body.alerts as { plate: string }[];
    expect(alerts.map((a) => a.plate)).not.toContain(MINOR);
  });

  it('refuses an operator by default, and a switch without a reason or to an unknown level', async () => {
    const byOperator = await t.api('/duty', operator, {
      method: 'PUT',
      body: JSON.stringify({ level: 'wartime', reason: 'armed robbery in progress' }),
    });
    expect(byOperator.status).toBe(403);
    expect(byOperator.body.error).toMatch(/switchRoles allows admin/);
    const noReason = await t.api('/duty', admin, { method: 'PUT', body: JSON.stringify({ level: 'wartime' }) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatch(/reason/);
    const blank = await t.api('/duty', admin, {
      method: 'PUT',
      body: JSON.stringify({ level: 'wartime', reason: '  ' }),
    });
    expect(blank.status).toBe(400);
    const unknown = await t.api('/duty', admin, {
      method: 'PUT',
      body: JSON.stringify({ level: 'panic', reason: 'armed robbery' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/level must be one of normal, enhanced, wartime/);
    expect((await t.api('/duty', admin)).body.level).toBe('normal');
    expect(await audit('duty.switched')).toEqual([]);
  });

  it('switches to wartime for every process at once: audited, on the stream, in the history', async () => {
    const res = await t.api('/duty', admin, {
      method: 'PUT',
      body: JSON.stringify({ level: 'wartime', reason: 'armed robbery suspects fleeing north' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      level: 'wartime',
      previous: 'normal',
      reason: 'armed robbery suspects fleeing north',
      policy: { unitsPerAlert: 2, plateMinPriority: 5, checkpointsNotified: 'all', ackTimeoutSeconds: 200 },
    });
    expect(t.node.duty.current()).toBe('wartime');
    await expect.poll(() => other.current(), { timeout: 5000 }).toBe('wartime');

    const event = await ops.waitFor((e) => e.event === 'duty', 5000, 'duty event for operators');
    expect(event.data).toMatchObject({ type: 'duty', level: 'wartime', previous: 'normal' });
    await nanshan.waitFor((e) => e.event === 'duty', 5000, 'duty event for a checkpoint');

    const [entry] = await audit('duty.switched');
    expect(entry).toMatchObject({
      target: 'wartime',
      details: { level: 'wartime', previous: 'normal', reason: 'armed robbery suspects fleeing north' },
    });
    const history = await t.api('/duty/history', operator);
    expect((history.body.changes as { level: string; changedBy: string }[])[0]).toMatchObject({
      level: 'wartime',
      previous: 'normal',
      role: 'admin',
    });
    expect((await t.api('/duty/history', await t.token('investigator'))).status).toBe(403);
    expect(
      (await t.api('/duty', admin, { method: 'PUT', body: JSON.stringify({ level: 'wartime', reason: 'again' }) }))
        .status,
    ).toBe(409);
  });

  it('at wartime, offers a new hit to the two nearest units and tells every checkpoint', async () => {
    await read(URGENT);
    const hit = await ops.waitFor(
      (e) => e.event === 'alert' && (e.data.data as { plate?: string }).plate === URGENT,
      15_000,
      'the urgent hit',
    );
    const alertId = hit.data.alertId as string;
    expect(hit.data.data).toMatchObject({ dutyLevel: 'wartime', audience: { checkpoints: 'all', district: 'futian' } });
    // gate-9 is in another district: at normal it would not see a hit read at gate-1.
    await nanshan.waitFor(
      (e) => e.event === 'alert' && e.data.alertId === alertId,
      5000,
      'the hit on a checkpoint of another district',
    );
    // ...and can open it and find it in its list after a reload.
    const gate9 = await t.token('checkpoint', 'gate-9');
    expect((await t.api(`/alerts/${alertId}`, gate9)).status).toBe(200);
    expect(((await t.api('/alerts', gate9)).body.alerts as { id: string }[]).map((a) => a.id)).toContain(alertId);
    await expect
      .poll(
        async () =>
          ((await t.api(`/alerts/${alertId}`, operator)).body.assignments as { unitId: string }[])
            .map((a) => a.unitId)
            .sort(),
        { timeout: 15_000 },
      )
      .toEqual(['u1', 'u2']);
    const offers = () => ops.events.filter((e) => e.event === 'offer' && e.data.alertId === alertId);
    await expect.poll(() => offers().length, { timeout: 5000 }).toBe(2);
    expect(offers().every((o) => (o.data.data as { ackWithinS: number }).ackWithinS === 200)).toBe(true);
  });

  it('at wartime, raises an alert for the low-priority listing it only stored at normal', async () => {
    await read(MINOR, 'gate-2');
    const hit = await ops.waitFor(
      (e) => e.event === 'alert' && (e.data.data as { plate?: string }).plate === MINOR,
      15_000,
      'the low-priority hit',
    );
    expect(hit.data.data).toMatchObject({ priority: 5, dutyLevel: 'wartime' });
    const detail = await t.api(`/alerts/${hit.data.alertId as string}`, operator);
    expect(detail.body).toMatchObject({ plate: MINOR, dutyLevel: 'wartime', confirmations: { required: 0 } });
  });

  it.skipIf(!hasChromium)('shows the level in the header and switches it live on every page', async () => {
    const browser = await launchBrowser();
    try {
      const [room, lead] = [await browser.newPage(), await browser.newPage()];
      await signIn(room.page, t.url, operator);
      await signIn(lead.page, t.url, admin);
      await room.page.waitForSelector('#duty.lvl-wartime');
      expect(await room.page.textContent('#duty')).toContain('战时');
      // An operator sees the level but has no switch; the admin has one.
      expect(await room.page.$('#duty button.badge')).toBeNull();
      await lead.page.click('#duty button.badge');
      await lead.page.check('#duty-form input[value="normal"]');
      await screenshot(lead.page, 'duty-1-switch-form');
      await lead.page.click('#duty-form button[type=submit]');
      // Without a reason the browser keeps the form (required); with one the switch goes through.
      expect(await lead.page.$('#duty-form')).not.toBeNull();
      await lead.page.fill('#duty-reason', 'suspects detained, back to routine');
      await lead.page.click('#duty-form button[type=submit]');
      await lead.page.waitForSelector('#duty.lvl-normal');
      // The operator's page follows from the stream's duty event, without a reload.
      await room.page.waitForSelector('#duty.lvl-normal');
      expect(await room.page.textContent('#duty')).toContain('常态');
      await screenshot(room.page, 'duty-2-operator-after-switch');
      // The test's reads carry no plate crop: those 404s are expected, nothing else is.
      expect([...room.errors, ...lead.errors].filter((e) => !/crop\.jpg/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
    expect((await t.api('/duty', operator)).body).toMatchObject({
      level: 'normal',
      previous: 'wartime',
      reason: 'suspects detained, back to routine',
    });
  });

  it('at a level that wants an operator first, sends nobody until the hit is confirmed', async () => {
    expect(
      (
        await t.api('/duty', admin, {
          method: 'PUT',
          body: JSON.stringify({ level: 'enhanced', reason: 'football match tonight' }),
        })
      ).status,
    ).toBe(200);
    for (const u of ['u1', 'u2', 'u3']) await t.node.infra.repos.units.setStatus(u, 'available');
    const readId = await read(URGENT);
    const hit = await ops.waitFor(
      (e) => e.event === 'alert' && (e.data.data as { plateReadId?: string }).plateReadId === readId,
      15_000,
      'the hit at enhanced',
    );
    const alertId = hit.data.alertId as string;
    expect(hit.data.data).toMatchObject({
      dutyLevel: 'enhanced',
      confirmations: { required: 1 },
      notice: expect.stringMatching(/No unit is sent until an operator confirms/),
    });
    expect((await t.api(`/alerts/${alertId}`, operator)).body.assignments).toEqual([]);
    const confirm = await t.api(`/alerts/${alertId}/disposition`, operator, {
      method: 'POST',
      body: JSON.stringify({ verdict: 'confirm', reason: 'plate and car match the record' }),
    });
    expect(confirm.body).toMatchObject({ status: 'confirmed' });
    await expect
      .poll(
        async () =>
          ((await t.api(`/alerts/${alertId}`, operator)).body.assignments as { unitId: string }[]).map((a) => a.unitId),
        { timeout: 15_000 },
      )
      .toEqual(['u1']);
  });
});
