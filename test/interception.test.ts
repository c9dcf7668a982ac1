// Integration: a confirmed plate hit orders the checkpoints ahead of the vehicle; a checkpoint acknowledges on its
// own stream; a later read of the plate at another checkpoint closes the loop and tells the command room. Real
// Redis/BullMQ and the embedded database; the cameras are not started (plate reads are queued as the pipeline would).
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interceptionListSchema, interceptionViewSchema } from '../src/views/interception.js';
import { InterceptionService } from '../src/services/interception-service.js';
import { InterceptionRepo } from '../src/store/interception-repo.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient, type SseEvent } from './helpers/sse.js';
import { plateReadOf } from '../src/jobs/match-plate-read.js';

const PLATE = '粤B4E7K2';
// A street camera facing traffic going north; checkpoints 1 km and 2.5 km north, and 1 km south (behind).
const yaml = `
dispatch: { ackTimeoutSeconds: 600 }
interception: { radiusM: 3000, aheadHalfAngleDeg: 40, maxCheckpoints: 3 }
cameras:
  - { id: street-1, name: Street 1, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.54, lon: 114.05, heading: 0, district: futian, enabled: false }
  - { id: street-2, name: Street 2, source: "rtsp://127.0.0.1:1/none", kind: street, lat: 22.54, lon: 114.05, facing: 0, district: futian, enabled: false }
  - { id: gate-n, name: North gate 北卡口, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.549, lon: 114.05, district: futian, enabled: false }
  - { id: gate-n2, name: Far north gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 2, lat: 22.5625, lon: 114.0502, district: futian, enabled: false }
  - { id: gate-s, name: South gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.531, lon: 114.05, district: futian, enabled: false }
units:
  - { id: car-1, callsign: C1, type: car, homeGrid: g1 }
`;

type Order = {
  id: string;
  status: string;
  plate: string;
  reason: string;
  mode: string;
  photoUrl: string;
  alertId: string | null;
  hit: { cameraId: string; at: string; direction: string | null; headingDeg: number | null };
  targets: { cameraId: string; distanceM: number; acknowledgedBy: string | null }[];
  closed: { cameraId: string; readId: string } | null;
};
const orderOf = (e: SseEvent) => e.data.data as Order;
const isOrder = (state: string, id?: string) => (e: SseEvent) =>
  e.event === 'interception' && e.data.state === state && (!id || e.data.orderId === id);

describe('checkpoint interception', () => {
  let t: TestNode;
  let admin: string;
  let operator: string;
  let gateN: string;
  let gateS: string;
  let crop: string;
  const read = async (cameraId: string, capturedAt: number, eventId = randomUUID()) => {
    await t.node.queues.add('plate-reads', {
      eventId,
      cameraId,
      plate: PLATE,
      confidence: 0.95,
      format: 'cn-ordinary',
      firstSeen: capturedAt,
      lastSeen: capturedAt,
      capturedAt,
      readCount: 1,
      box: [1, 2, 3, 4],
      cropJpeg: crop,
      update: false,
    });
    return eventId;
  };

  beforeAll(async () => {
    t = await startTestNode('interception', yaml);
    [admin, operator, gateN, gateS] = await Promise.all([
      t.token('admin'),
      t.token('operator'),
      t.token('checkpoint', 'gate-n'),
      t.token('checkpoint', 'gate-s'),
    ]);
    crop = (
      await sharp({ create: { width: 96, height: 32, channels: 3, background: '#1040c0' } })
        .jpeg()
        .toBuffer()
    ).toString('base64');
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('orders the checkpoints ahead on confirmation, takes the acknowledgement, and closes on a later checkpoint read', async () => {
    const created = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate: PLATE,
        category: 'stolen_vehicle',
        reason: 'stolen 2026-11-20',
        source: 'case 2026-118',
        priority: 1,
        expires_at: '2030-01-01T00:00:00Z',
        why: 'case 2026-118',
      }),
    });
    expect(created.status).toBe(201);
    const ops = new SseClient(`${t.url}/api/v1/stream`, operator);
    const north = new SseClient(`${t.url}/api/v1/stream`, gateN);
    const south = new SseClient(`${t.url}/api/v1/stream`, gateS);
    await Promise.all([ops.ready, north.ready, south.ready]);

    const hitAt = Date.now() - 60_000;
    const hitRead = await read('street-1', hitAt);
    const hit = await ops.waitFor(
      (e) => e.event === 'alert' && e.data.cameraId === 'street-1',
      15_000,
      'the hit at street-1',
    );
    const alertId = hit.data.alertId as string;
    const confirm = await t.api(`/alerts/${alertId}/disposition`, operator, {
      method: 'POST',
      body: JSON.stringify({ verdict: 'confirm', reason: 'plate and car match the photo' }),
    });
    expect(confirm.status).toBe(200);
    const orderId = confirm.body.interceptionId as string;
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

    // The north checkpoint gets the order on its own stream: plate, photo, reason, where and which way.
    const ordered = orderOf(await north.waitFor(isOrder('ordered', orderId), 10_000, 'the order at gate-n'));
    expect(ordered).toMatchObject({
      plate: PLATE,
      reason: 'stolen 2026-11-20',
      mode: 'ahead',
      alertId,
      photoUrl: `/api/v1/plate-reads/${hitRead}/crop.jpg`,
    });
    expect(ordered.hit).toMatchObject({
      cameraId: 'street-1',
      direction: 'N',
      headingDeg: 0,
      at: new Date(hitAt).toISOString(),
    });
    // Ahead only, nearest first: the south gate (behind) is not ordered.
    expect(ordered.targets.map((x) => x.cameraId)).toEqual(['gate-n', 'gate-n2']);
    expect(ordered.targets[0].distanceM).toBeGreaterThan(900);
    const photo = await fetch(`${t.url}${ordered.photoUrl}`, { headers: { authorization: `Bearer ${gateN}` } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');

    // A checkpoint not ordered can neither acknowledge nor read it; the one ordered can, once.
    expect((await t.api(`/interceptions/${orderId}/ack`, gateS, { method: 'POST' })).status).toBe(403);
    expect((await t.api(`/interceptions/${orderId}`, gateS)).status).toBe(404);
    expect((await t.api('/interceptions', gateS)).body.orders).toEqual([]);
    expect(
      (
        await t.api(`/interceptions/${orderId}/ack`, gateN, {
          method: 'POST',
          body: JSON.stringify({ cameraId: 'gate-n2' }),
        })
      ).status,
    ).toBe(403);
    const ack = await t.api(`/interceptions/${orderId}/ack`, gateN, { method: 'POST' });
    expect(ack.status).toBe(200);
    // The stream's order, the answer and the list are one view.
    interceptionViewSchema.strict().parse(ordered);
    interceptionViewSchema.strict().parse(ack.body);
    expect(interceptionListSchema.parse((await t.api('/interceptions', gateN)).body).orders.map((o) => o.id)).toContain(
      orderId,
    );
    expect((ack.body as unknown as Order).targets.find((x) => x.cameraId === 'gate-n')?.acknowledgedBy).toBe(
      'checkpoint-3',
    );
    expect((await t.api(`/interceptions/${orderId}/ack`, gateN, { method: 'POST' })).status).toBe(409);
    const acked = await ops.waitFor(
      isOrder('acknowledged', orderId),
      10_000,
      'the acknowledgement at the command room',
    );
    expect(acked.data.targets).toEqual(['gate-n', 'gate-n2']);
    // The command room acknowledges for the far gate (by radio), and must say which.
    expect((await t.api(`/interceptions/${orderId}/ack`, operator, { method: 'POST' })).status).toBe(400);
    expect(
      (
        await t.api(`/interceptions/${orderId}/ack`, operator, {
          method: 'POST',
          body: JSON.stringify({ cameraId: 'gate-n2' }),
        })
      ).status,
    ).toBe(200);
    expect(((await t.api('/interceptions?status=open', gateN)).body.orders as Order[]).map((o) => o.id)).toEqual([
      orderId,
    ]);

    // The vehicle turns up at the south gate: the loop closes with that read, and the command room hears of it.
    const closingRead = await read('gate-s', Date.now());
    const closed = orderOf(
      await ops.waitFor(isOrder('closed', orderId), 15_000, 'the closed order at the command room'),
    );
    expect(closed.status).toBe('closed');
    expect(closed.closed).toMatchObject({ cameraId: 'gate-s', readId: closingRead });
    await north.waitFor(isOrder('closed', orderId), 10_000, 'the closed order at gate-n');
    // gate-s sees its own hit (published after the order closed) but never the order it was not sent.
    await south.waitFor((e) => e.event === 'alert' && e.data.cameraId === 'gate-s', 15_000, 'the hit at gate-s');
    expect(south.events.filter((e) => e.event === 'interception')).toEqual([]);
    expect((await t.api(`/interceptions/${orderId}`, operator)).body.status).toBe('closed');

    const audit = (await t.api('/admin/audit?limit=1000', admin)).body.entries as {
      action: string;
      target: string;
      actor: string;
    }[];
    const mine = audit.filter((e) => e.target === orderId).map((e) => `${e.action} ${e.actor}`);
    expect(mine).toEqual([
      'interception.ordered operator-2',
      'interception.acknowledged checkpoint-3',
      'interception.acknowledged operator-2',
      'interception.closed system',
    ]);
    expect((await t.api('/admin/audit/verify', admin)).body).toMatchObject({ brokenAt: null });
    for (const c of [ops, north, south]) c.close();
  });

  it("takes an operator's order for a plate with named checkpoints, and its cancellation", async () => {
    const south = new SseClient(`${t.url}/api/v1/stream`, gateS);
    await south.ready;
    const bad = await t.api('/interceptions', operator, {
      method: 'POST',
      body: JSON.stringify({ reason: 'no plate given' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/alertId or plate/);
    expect(
      (
        await t.api('/interceptions', operator, {
          method: 'POST',
          body: JSON.stringify({ plate: PLATE, reason: 'seen by a patrol', cameraIds: ['street-1'] }),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.api('/interceptions', gateS, {
          method: 'POST',
          body: JSON.stringify({ plate: PLATE, reason: 'not mine to order' }),
        })
      ).status,
    ).toBe(403);

    const made = await t.api('/interceptions', operator, {
      method: 'POST',
      body: JSON.stringify({ plate: '粤b 4e7-k2', reason: 'seen by a patrol heading south', cameraIds: ['gate-s'] }),
    });
    expect(made.status).toBe(201);
    const order = made.body as unknown as Order;
    // Placed by the plate's latest read (at gate-s, which closed the first order); the plate is normalised.
    expect(order).toMatchObject({ plate: PLATE, mode: 'explicit', alertId: null, status: 'open' });
    expect(order.hit.cameraId).toBe('gate-s');
    expect(order.targets.map((x) => x.cameraId)).toEqual(['gate-s']);
    await south.waitFor(isOrder('ordered', order.id), 10_000, 'the order at gate-s');

    expect(
      (
        await t.api(`/interceptions/${order.id}/cancel`, gateS, {
          method: 'POST',
          body: JSON.stringify({ reason: 'not mine' }),
        })
      ).status,
    ).toBe(403);
    expect(
      (await t.api(`/interceptions/${order.id}/cancel`, operator, { method: 'POST', body: JSON.stringify({}) })).status,
    ).toBe(400);
    const cancelled = await t.api(`/interceptions/${order.id}/cancel`, operator, {
      method: 'POST',
      body: JSON.stringify({ reason: 'vehicle stopped by a patrol' }),
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled: { reason: 'vehicle stopped by a patrol' } });
    await south.waitFor(isOrder('cancelled', order.id), 10_000, 'the cancellation at gate-s');
    expect(
      (
        await t.api(`/interceptions/${order.id}/cancel`, operator, {
          method: 'POST',
          body: JSON.stringify({ reason: 'again' }),
        })
      ).status,
    ).toBe(409);
    expect((await t.api(`/interceptions/${order.id}/ack`, gateS, { method: 'POST' })).status).toBe(409);
    expect((await t.api('/interceptions/not-an-id', operator)).status).toBe(404);
    south.close();
  });

  it('closes only on a later read at a checkpoint within the window, never on the read behind the order', async () => {
    // The service as the node builds it, called directly: each read's effect is known when the call returns.
    const repos = t.node.infra.repos;
    const config = {
      ...(await import('../src/config/interception.js')).interceptionSchema.parse({}),
      closeWindowHours: 24,
    };
    const svc = new InterceptionService({
      ...repos,
      orders: new InterceptionRepo(t.node.infra.db),
      bus: t.node.bus,
      config,
    });
    const plate = '粤A7K3P9';
    const hitAt = Date.now() - 10_000;
    const stored = async (cameraId: string, capturedAt: number, eventId = randomUUID(), readCount = 1) => {
      const e = {
        eventId,
        cameraId,
        plate,
        confidence: 0.9,
        format: 'cn-ordinary',
        firstSeen: capturedAt,
        lastSeen: capturedAt,
        capturedAt,
        readCount,
        box: [1, 2, 3, 4] as [number, number, number, number],
        update: readCount > 1,
      };
      await repos.plateReads.upsert(plateReadOf(e));
      return { e, closed: await svc.onPlateRead(e) };
    };
    const hit = await stored('gate-n', hitAt);
    const by = {
      tokenId: 'x',
      name: 'operator-test',
      role: 'operator' as const,
      subject: null,
      personId: 'x',
      scope: null,
    };
    const order = await svc.orderFromPlate(plate, 'seen leaving a robbery', by, ['gate-n2']);
    expect(order?.photoReadId).toBe(hit.e.eventId);

    expect((await stored('gate-n', hitAt + 2000, hit.e.eventId, 2)).closed).toBe(0); // a better version of the hit's own pass
    expect((await stored('gate-s', hitAt - 5000)).closed).toBe(0); // before the hit
    expect((await stored('street-1', hitAt + 3000)).closed).toBe(0); // not a checkpoint
    expect((await stored('gate-s', Date.now() + 25 * 3600_000)).closed).toBe(0); // after the window
    expect((await stored('gate-n', hitAt + 30_000)).closed).toBe(0); // the hit camera within the grace: the same pass split in two
    expect((await repos.plateReads.get(hit.e.eventId))?.readCount).toBe(2);
    expect((await svc.describe(order?.id as string, by)).status).toBe('open');
    const closing = await stored('gate-s', hitAt + 5000);
    expect(closing.closed).toBe(1);
    expect(await svc.describe(order?.id as string, by)).toMatchObject({
      status: 'closed',
      closed: { cameraId: 'gate-s', readId: closing.e.eventId },
    });
    expect((await stored('gate-n2', hitAt + 6000)).closed).toBe(0); // closed once
  });

  it("aims at the read's own direction of travel: a car coming towards a north-facing camera goes south", async () => {
    const repos = t.node.infra.repos;
    const config = (await import('../src/config/interception.js')).interceptionSchema.parse({
      radiusM: 3000,
      aheadHalfAngleDeg: 40,
    });
    const svc = new InterceptionService({
      ...repos,
      orders: new InterceptionRepo(t.node.infra.db),
      bus: t.node.bus,
      config,
    });
    const plate = '粤C5M2X8';
    const at = Date.now() - 5000;
    await repos.plateReads.upsert(
      plateReadOf({
        eventId: randomUUID(),
        cameraId: 'street-2',
        plate,
        confidence: 0.9,
        format: 'cn-ordinary',
        firstSeen: at,
        lastSeen: at,
        capturedAt: at,
        readCount: 3,
        box: [1, 2, 3, 4],
        update: false,
        motion: 'approaching',
      }),
    );
    const by = {
      tokenId: 'x',
      name: 'operator-test',
      role: 'operator' as const,
      subject: null,
      personId: 'x',
      scope: null,
    };
    const order = await svc.orderFromPlate(plate, 'fled a robbery', by);
    expect(order).toMatchObject({ mode: 'ahead', heading: 180 });
    expect(order?.targets.map((x) => x.cameraId)).toEqual(['gate-s']);
  });
});
