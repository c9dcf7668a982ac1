// Integration: alerts that find every unit busy wait (seen by the command room, listed by GET /alerts), then
// go to the first unit that comes free (status by hand, or a first fresh position), priority first; each
// offered once, the wait audited and counted in the response-time report. Real Redis/BullMQ, embedded database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient, type SseEvent } from './helpers/sse.js';

const yaml = `
dispatch: { ackTimeoutSeconds: 600, staleAfterSeconds: 600, maxAttempts: 3 }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: futian, grid: g1, enabled: false }
units:
  - { id: busy, callsign: B1, type: car, homeGrid: g1 }
  - { id: resting, callsign: R1, type: car, homeGrid: g1 }
  - { id: late, callsign: L1, type: car, homeGrid: g1 }
`;

const offersOf = (s: SseClient) => s.events.filter((e) => e.event === 'offer').map((e) => e.data.alertId as string);
const isWaiting = (alertId: string) => (e: SseEvent) =>
  e.event === 'alert' &&
  e.data.alertId === alertId &&
  (e.data.data as { dispatch?: { state: string } }).dispatch?.state === 'waiting';

describe('dispatch when no unit is free', () => {
  let t: TestNode;
  let admin: string;
  let operator: SseClient;
  const units: Record<string, SseClient> = {};

  beforeAll(async () => {
    t = await startTestNode('waiting', yaml);
    admin = await t.token('admin');
    const repos = t.node.infra.repos;
    // busy is on scene elsewhere, resting is off duty, late has never reported a position.
    await repos.units.reportPosition('busy', 22.5441, 114.0579);
    await repos.units.setStatus('busy', 'on_scene');
    await repos.units.reportPosition('resting', 22.5531, 114.0579);
    await repos.units.setStatus('resting', 'off_duty');
    operator = new SseClient(`${t.url}/api/v1/stream`, await t.token('operator'));
    for (const id of ['busy', 'resting', 'late'])
      units[id] = new SseClient(`${t.url}/api/v1/stream`, await t.token('unit', id));
    await Promise.all([operator.ready, ...Object.values(units).map((u) => u.ready)]);
  });

  afterAll(async () => {
    operator?.close();
    for (const u of Object.values(units)) u.close();
    await t?.stop();
  });

  async function raise(plate: string, priority: number): Promise<string> {
    const entry = await t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({
        plate,
        category: 'stolen_vehicle',
        reason: 'stolen (test)',
        source: 'test',
        priority,
        expires_at: '2030-01-01T00:00:00Z',
        why: 'test',
      }),
    });
    expect(entry.status).toBe(201);
    const now = Date.now();
    await t.node.queues.add('plate-reads', {
      eventId: randomUUID(),
      cameraId: 'gate-1',
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
    const created = await operator.waitFor(
      (e) => e.event === 'alert' && (e.data.data as { plate?: string }).plate === plate,
      15_000,
      `alert for ${plate}`,
    );
    return created.data.alertId as string;
  }

  it('waits, then offers each alert once to the first unit that comes free, priority first', async () => {
    const low = await raise('粤B11111', 3);
    await operator.waitFor(isWaiting(low), 15_000, 'the low-priority alert waiting');
    const high = await raise('粤B22222', 1);
    await operator.waitFor(isWaiting(high), 15_000, 'the high-priority alert waiting');

    const listed = (await t.api('/alerts', admin)).body.alerts as {
      id: string;
      dispatch: { state: string; since: string } | null;
    }[];
    expect(
      listed
        .filter((a) => a.dispatch?.state === 'waiting')
        .map((a) => a.id)
        .sort(),
    ).toEqual([low, high].sort());

    // resting comes on duty: the high-priority alert is offered to it, though the other waited longer.
    expect(
      (
        await t.api('/units/resting/status', admin, {
          method: 'POST',
          body: JSON.stringify({ status: 'available', reason: 'shift start' }),
        })
      ).status,
    ).toBe(200);
    await units.resting.waitFor((e) => e.event === 'offer', 15_000, 'the offer to resting');
    // late reports its first fresh position: the remaining alert is offered to it.
    expect(
      (
        await t.api('/units/late/position', await t.token('unit', 'late'), {
          method: 'POST',
          body: JSON.stringify({ lat: 22.5461, lon: 114.0579 }),
        })
      ).status,
    ).toBe(200);
    await units.late.waitFor((e) => e.event === 'offer', 15_000, 'the offer to late');

    // A sweep runs after the offers (as the periodic one would): nothing is offered again.
    await t.node.queues.add('offer-waiting', { trigger: 'sweep' });
    const pending = async () =>
      Object.values(await t.node.queues.queue('offer-waiting').getJobCounts('waiting', 'active', 'prioritized')).reduce(
        (s, n) => s + n,
        0,
      );
    await expect.poll(pending, { timeout: 15_000 }).toBe(0);
    expect(offersOf(units.resting)).toEqual([high]);
    expect(offersOf(units.late)).toEqual([low]);
    expect(offersOf(units.busy)).toEqual([]);

    const listedAfter = (await t.api('/alerts', admin)).body.alerts as { id: string; dispatch: unknown }[];
    expect(listedAfter.filter((a) => a.id === low || a.id === high).map((a) => a.dispatch)).toEqual([null, null]);
    const waiting = (await t.api('/admin/audit?action=dispatch.waiting', admin)).body.entries as { target: string }[];
    expect(waiting.map((e) => e.target).sort()).toEqual([low, high].sort());
    const offered = (await t.api('/admin/audit?action=dispatch.offered', admin)).body.entries as {
      target: string;
      details: { unitId: string; afterWait?: boolean; waitedS?: number };
    }[];
    expect(offered.map((e) => [e.target, e.details.unitId, e.details.afterWait]).sort()).toEqual(
      [
        [high, 'resting', true],
        [low, 'late', true],
      ].sort(),
    );
    for (const e of offered) expect(e.details.waitedS).toBeGreaterThanOrEqual(0);
    expect((await t.api('/admin/audit?action=unit.status', admin)).body.entries).toHaveLength(1);

    const report = (await t.api('/reports/response-times', admin)).body.rows as {
      grid: string;
      shift: string;
      dispatched: number;
      waited: number;
      waitS: { total: number | null };
    }[];
    const all = report.find((r) => r.grid === '*' && r.shift === '*');
    expect(all).toMatchObject({ dispatched: 2, waited: 2 });
    expect(all?.waitS.total).toBeGreaterThanOrEqual(0);
    expect(report.find((r) => r.grid === 'g1' && r.shift === '*')).toMatchObject({ waited: 2 });
  });
});
