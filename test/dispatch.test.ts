// Integration: a plate-read event through real Redis/BullMQ and the embedded database to the nearest
// unit's SSE stream, a signed webhook, escalation to the next unit, the checkpoint's stream, and disposition.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDetailSchema, alertListSchema, dispositionAnswerSchema } from '../src/views/alert-answers.js';
import { assignmentViewSchema } from '../src/views/assignment.js';
import { offerViewSchema } from '../src/views/offer.js';
import { unitListSchema } from '../src/views/unit.js';
import { verifyWebhook } from '../src/dispatch/webhook-signature.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient } from './helpers/sse.js';

// Mosquitto runs on this machine (and in CI); the MQTT leg uses a topic prefix of its own.
const MQTT_URL = 'mqtt://127.0.0.1:1883';
const topicPrefix = `vigil-test-${process.pid}`;

const yaml = (webhookPort: number) => `
dispatch: { ackTimeoutSeconds: 2, staleAfterSeconds: 600, maxAttempts: 3, webhookUrl: "http://127.0.0.1:${webhookPort}/hook", mqttUrl: "${MQTT_URL}", mqttTopicPrefix: ${topicPrefix} }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, enabled: false }
units:
  - { id: near, callsign: N1, type: car, homeGrid: g1 }
  - { id: far, callsign: F1, type: car, homeGrid: g1 }
  - { id: stale, callsign: S1, type: car, homeGrid: g1 }
`;

describe('plate hit to patrol unit', () => {
  let t: TestNode;
  let hook: http.Server;
  const hooks: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const secret = 'test-secret-not-real';
  let admin: string;
  let broker: mqtt.MqttClient;
  const mqttMessages: { topic: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    broker = await mqtt.connectAsync(MQTT_URL);
    broker.on('message', (topic, payload) =>
      mqttMessages.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
    );
    await broker.subscribeAsync(`${topicPrefix}/units/+/alerts`, { qos: 1 });
    const port = (hook.address() as { port: number }).port;
    t = await startTestNode('dispatch', yaml(port), { webhookSecret: secret });
    admin = await t.token('admin');
    const repos = t.node.infra.repos;
    await repos.units.reportPosition('near', 22.548, 114.0579); // ~550 m
    await repos.units.reportPosition('far', 22.5431, 114.087); // ~3 km
    await repos.units.reportPosition('stale', 22.5432, 114.0579, new Date(Date.now() - 3600_000)); // nearest but stale
  });

  afterAll(async () => {
    await t?.stop();
    hook?.close();
    await broker?.endAsync();
  });

  it('delivers, escalates, and records the disposition', async () => {
    const created = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: '粤B4E7K2',
        category: 'stolen_vehicle',
        reason: 'stolen 2026-11-20',
        source: 'case 2026-118',
        priority: 1,
        expires_at: '2030-01-01T00:00:00Z',
        why: 'case 2026-118',
      }),
    });
    expect(created.status).toBe(201);

    const near = new SseClient(`${t.url}/api/v1/stream`, await t.token('unit', 'near'));
    const far = new SseClient(`${t.url}/api/v1/stream`, await t.token('unit', 'far'));
    const gate = new SseClient(`${t.url}/api/v1/stream`, await t.token('checkpoint', 'gate-1'));
    await Promise.all([near.ready, far.ready, gate.ready]);

    // The reader saw 8 for B: an OCR-equivalent read still hits, and says so.
    const eventId = randomUUID();
    const now = Date.now();
    await t.node.queues.add('plate-reads', {
      eventId,
      cameraId: 'gate-1',
      plate: '粤84E7K2',
      confidence: 0.93,
      format: 'ordinary',
      firstSeen: now,
      lastSeen: now,
      capturedAt: now,
      readCount: 1,
      box: [1, 2, 3, 4],
      update: false,
    });

    const offer = await near.waitFor((e) => e.event === 'offer', 15_000, 'offer to the nearest unit');
    const alert = (
      offer.data.data as {
        alert: { plate: string; match: { level: string }; notice: string; listing: { reason: string } };
      }
    ).alert;
    expect(alert.match.level).toBe('ocr_equivalent');
    expect(alert.listing.reason).toBe('stolen 2026-11-20');
    expect(alert.notice).toMatch(/Candidate/);
    const alertId = offer.data.alertId as string;

    const atGate = await gate.waitFor(
      (e) => e.event === 'alert' && e.data.alertId === alertId,
      5000,
      'alert on the checkpoint stream',
    );
    expect(atGate.data.cameraId).toBe('gate-1');

    await expect.poll(() => hooks.length, { timeout: 5000 }).toBeGreaterThan(0);
    const h = hooks[0];
    expect(verifyWebhook(secret, h.body, h.headers as Record<string, string>)).toBe(true);
    expect(verifyWebhook('wrong-secret', h.body, h.headers as Record<string, string>)).toBe(false);
    expect(JSON.parse(h.body)).toMatchObject({ type: 'offer', unitId: 'near', alertId });
    // One offer on every channel: the stream's, the webhook's and MQTT's are the same view.
    const { type: _type, ...hookOffer } = JSON.parse(h.body) as Record<string, unknown>;
    expect(offerViewSchema.strict().parse(hookOffer)).toMatchObject({
      unitId: 'near',
      replayed: false,
      state: 'offered',
    });

    await expect.poll(() => mqttMessages.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(mqttMessages[0]).toMatchObject({
      topic: `${topicPrefix}/units/near/alerts`,
      body: { type: 'offer', alertId },
    });

    // near does not acknowledge: after 2 s the far unit gets it, and the escalation is audited.
    const second = await far.waitFor(
      (e) => e.event === 'offer' && e.data.alertId === alertId,
      15_000,
      'offer to the next unit',
    );
    expect(second.data.attempt).toBe(2);
    expect(offerViewSchema.parse(second.data.data)).toMatchObject({
      unitId: 'far',
      attempt: 2,
      ackWithinS: 2,
      distanceM: expect.any(Number),
    });
    const audit = await t.api('/admin/audit?action=dispatch.escalated', admin);
    expect((audit.body.entries as { target: string }[]).map((e) => e.target)).toContain(alertId);
    const offered = (await t.api('/admin/audit?action=dispatch.offered', admin)).body.entries as {
      target: string;
      details: { via: string };
    }[];
    expect(offered.filter((e) => e.target === alertId).map((e) => e.details.via)).toEqual(['straight', 'straight']);

    const farToken = await t.token('unit', 'far');
    const ack = await t.api(`/units/far/alerts/${alertId}/ack`, farToken, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(assignmentViewSchema.strict().parse(ack.body)).toMatchObject({
      unitId: 'far',
      state: 'acknowledged',
      acknowledgedAt: expect.any(String),
    });
    const units = unitListSchema.parse((await t.api('/units', admin)).body);
    expect(units.units.find((u) => u.id === 'far')).toMatchObject({ status: 'en_route', homeGrid: 'g1' });
    expect((await t.api(`/units/near/alerts/${alertId}/ack`, farToken, { method: 'POST' })).status).toBe(403);

    const operator = await t.token('operator');
    const confirm = await t.api(`/alerts/${alertId}/disposition`, operator, {
      method: 'POST',
      body: JSON.stringify({ verdict: 'confirm', reason: 'plate and car match the photo' }),
    });
    expect(dispositionAnswerSchema.strict().parse(confirm.body)).toMatchObject({
      status: 'confirmed',
      disposedBy: expect.any(String),
    });
    const again = await t.api(`/alerts/${alertId}/disposition`, operator, {
      method: 'POST',
      body: JSON.stringify({ verdict: 'dismiss', reason: 'second try' }),
    });
    expect(again.status).toBe(409);

    const detail = await t.api(`/alerts/${alertId}`, admin);
    const parsed = alertDetailSchema.parse(detail.body);
    expect(parsed.assignments.map((a) => [a.unitId, a.state])).toEqual([
      ['near', 'timed_out'],
      ['far', 'acknowledged'],
    ]);
    expect(alertListSchema.parse((await t.api('/alerts', admin)).body).alerts.map((a) => a.id)).toContain(alertId);
    const deliveries = parsed.deliveries ?? [];
    // Once per recipient and channel, whatever the retries.
    const keys = deliveries.map((d) => `${d.recipient}/${d.channel}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining([
        'unit:near/sse',
        'unit:near/webhook',
        'unit:near/mqtt',
        'unit:far/sse',
        'checkpoint:gate-1/sse',
      ]),
    );
    expect(keys.some((k) => k.startsWith('unit:stale'))).toBe(false);

    const actions = ((await t.api('/admin/audit?limit=1000', admin)).body.entries as { action: string }[]).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['hotlist.create', 'dispatch.escalated', 'unit.acknowledged', 'alert.confirmed']),
    );
    expect((await t.api('/admin/audit/verify', admin)).body).toMatchObject({ brokenAt: null });
    for (const c of [near, far, gate]) c.close();
  });

  it('runs a retried dispatch job without delivering twice', async () => {
    const { dispatchAlert } = await import('../src/jobs/dispatch-alert.js');
    const [alert] = await t.node.infra.repos.alerts.list({ limit: 1 });
    const before = (await t.node.infra.repos.assignments.deliveries(alert.id)).length;
    const hooksBefore = hooks.length;
    const repos = t.node.infra.repos;
    await dispatchAlert(
      { alertId: alert.id, attempt: 1 },
      {
        ...repos,
        queues: t.node.queues,
        bus: t.node.bus,
        channels: [],
        policy: { ackTimeoutSeconds: 60, staleAfterSeconds: 600, maxAttempts: 3 },
      },
    );
    expect((await repos.assignments.deliveries(alert.id)).length).toBe(before);
    expect(hooks.length).toBe(hooksBefore);
  });
});
