// Integration: hotlist entries with a plate colour, or a vehicle description with a pattern, listed and changed
// through the API (audited), alert only on reads that do not contradict them. ANPR pushes carry the colours;
// real Redis/BullMQ and the embedded database; no video.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './helpers/node.js';

const yaml = `
cameras:
  - { id: gate-1, name: Gate 1, source: "rtsp://127.0.0.1:1/none", kind: checkpoint, checkpointLevel: 1, lat: 22.54, lon: 114.05, district: futian, enabled: false }
units:
  - { id: car-1, callsign: C1, type: car, homeGrid: g1 }
`;

describe('hotlist plate colours and vehicle descriptions', () => {
  let t: TestNode;
  let admin: string;
  let operator: string;
  let gate1: string;
  let pushes = 0;
  const entry = { category: 'wanted', reason: 'robbery 2026-12-02', source: 'case 2026-318', priority: 1 };
  const list = (fields: object) =>
    t.api('/hotlist', admin, {
      method: 'POST',
      body: JSON.stringify({ ...entry, expiresAt: '2030-01-01T00:00:00Z', why: 'case 2026-318', ...fields }),
    });
  const push = (plate: string, attributes: object = {}) =>
    t.api('/anpr/reads', gate1, {
      method: 'POST',
      body: JSON.stringify({
        plate,
        capturedAt: new Date(Date.now() - 5000 + pushes++ * 10).toISOString(),
        ...attributes,
      }),
    });
  const alerted = async () => {
    const res = await t.api('/alerts?limit=100', operator);
    return (res.body.alerts as { plate: string }[]).map((a) => a.plate).sort();
  };

  beforeAll(async () => {
    t = await startTestNode('hotlist-descriptions', yaml);
    [admin, operator, gate1] = await Promise.all([
      t.token('admin'),
      t.token('operator'),
      t.token('checkpoint', 'gate-1'),
    ]);
  });
  afterAll(async () => t?.stop());

  it('lists a yellow plate and a red truck with a partial plate, refusing a description on a whole plate', async () => {
    const yellow = await list({ plate: '粤B11111', plateColour: 'yellow' });
    expect([yellow.status, yellow.body.plateColour]).toEqual([201, 'yellow']);
    const truck = await list({ pattern: '粤B*77', vehicleType: 'truck', vehicleColour: 'red' });
    expect(truck.status).toBe(201);
    expect(truck.body).toMatchObject({
      pattern: '粤B*77',
      plateColour: null,
      vehicleType: 'truck',
      vehicleColour: 'red',
    });
    const onPlate = await list({ plate: '粤B22222', vehicleColour: 'red' });
    expect([onPlate.status, onPlate.body.error]).toEqual([400, expect.stringMatching(/goes with a pattern/)]);
    const badWord = await list({ plate: '粤B22222', plateColour: 'purple' });
    expect([badWord.status, badWord.body.error]).toEqual([400, expect.stringMatching(/blue, yellow, green, white/)]);
    // The same pattern on a white car is another listing; the same one twice is a 409.
    expect((await list({ pattern: '粤B*77', vehicleType: 'truck', vehicleColour: 'red' })).status).toBe(409);
    expect((await list({ pattern: '粤B*77', vehicleType: 'car', vehicleColour: 'white' })).status).toBe(201);
    const audit = await t.api('/admin/audit?action=hotlist.create', admin);
    const created = (audit.body.entries as { details: { entry: { vehicleColour?: string } } }[]).map(
      (e) => e.details.entry.vehicleColour ?? null,
    );
    expect(created).toEqual([null, 'red', 'white']);
  });

  it('alerts on reads of the listed colour or of none known, never on a read that tells otherwise', async () => {
    for (const [plate, attributes] of [
      ['粤B11111', { plateColour: 'blue' }], // another plate colour: not this vehicle
      ['粤B12377', { vehicleType: 'bus', vehicleColour: 'green' }], // neither description
      ['粤B11111', { plateColour: '黄色' }], // the listed colour, in the camera's words
      ['粤B45677', { vehicleType: 'lorry', vehicleColour: 'red' }], // the red truck
      ['粤B99977', {}], // the camera tells nothing: the pattern alone decides
    ] as const)
      expect((await push(plate, attributes)).status).toBe(202);
    await expect.poll(alerted, { timeout: 15_000 }).toEqual(['粤B11111', '粤B45677', '粤B99977', '粤B99977']);
    // Every push was matched by now (one queue, in order): the contradicting reads stayed silent.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await alerted()).toEqual(['粤B11111', '粤B45677', '粤B99977', '粤B99977']);
  });

  it('changes and clears a plate colour by PATCH (audited); a description stays off whole plates', async () => {
    const [yellow] = (await t.api(`/hotlist?plate=${encodeURIComponent('粤B11111')}`, admin)).body.entries as {
      id: string;
    }[];
    const refused = await t.api(`/hotlist/${yellow!.id}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ vehicleType: 'car', why: 'seen on a car' }),
    });
    expect([refused.status, refused.body.error]).toEqual([400, expect.stringMatching(/goes with a pattern/)]);
    const cleared = await t.api(`/hotlist/${yellow!.id}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ plateColour: null, why: 'colour was a guess' }),
    });
    expect([cleared.status, cleared.body.plateColour]).toEqual([200, null]);
    const updates = (await t.api('/admin/audit?action=hotlist.update', admin)).body.entries as {
      details: { after: { plateColour?: string } };
    }[];
    expect(updates.at(-1)!.details).toMatchObject({
      before: { plateColour: 'yellow' },
      why: 'colour was a guess',
    });
    expect(updates.at(-1)!.details.after.plateColour).toBeUndefined();
    // Now any colour of the plate matches.
    expect((await push('粤B11111', { plateColour: 'blue' })).status).toBe(202);
    await expect
      .poll(async () => (await alerted()).filter((p) => p === '粤B11111').length, { timeout: 15_000 })
      .toBe(2);
  });
});
