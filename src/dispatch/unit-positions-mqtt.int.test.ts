// Unit positions over MQTT against the machine's Mosquitto and the embedded database: stored, history
// kept, out-of-order fixes kept in history only, malformed and unknown-unit messages dropped and counted.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { UnitRepo } from '../store/unit-repo.js';
import { UnitPositionsMqtt } from './unit-positions-mqtt.js';

const MQTT_URL = 'mqtt://127.0.0.1:1883';

describe('UnitPositionsMqtt', () => {
  let db: Db;
  let units: UnitRepo;
  let publisher: mqtt.MqttClient;
  const prefix = `vigil-test-positions-${process.pid}-${Date.now().toString(36)}`;
  const warnings: string[] = [];
  const log = { ...createLogger('test', true), warn: (m: string) => void warnings.push(m) };

  beforeAll(async () => {
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    units = new UnitRepo(db);
    await units.upsertAll([
      { id: 'car-1', callsign: 'C1', type: 'car', homeGrid: 'g1' },
      { id: 'foot-1', callsign: 'F1', type: 'foot', homeGrid: 'g1' },
    ]);
    publisher = await mqtt.connectAsync(MQTT_URL);
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await db?.close();
  });

  /** Publishes every message, then waits until the listener has handled as many as it was sent. */
  async function send(listener: UnitPositionsMqtt, messages: { unit: string; body: unknown }[]) {
    const before = listener.counts.received;
    for (const m of messages) {
      await publisher.publishAsync(
        `${prefix}/units/${m.unit}/position`,
        typeof m.body === 'string' ? m.body : JSON.stringify(m.body),
        { qos: 1 },
      );
    }
    while (listener.counts.received < before + messages.length) await new Promise((r) => setTimeout(r, 20));
  }

  it('stores valid fixes with heading and speed, keeps history, drops and counts the rest', async () => {
    const listener = new UnitPositionsMqtt(MQTT_URL, prefix, units, log);
    await listener.start();
    try {
      await send(listener, [
        { unit: 'car-1', body: { lat: 22.54, lon: 114.05, at: '2026-11-24T10:00:00Z', heading: 90, speedKmh: 42 } },
        { unit: 'car-1', body: { lat: 22.55, lon: 114.06, at: Date.parse('2026-11-24T10:00:10Z') } },
        // Late and out of order: kept in the history, but the current position stays the newer one.
        { unit: 'car-1', body: { lat: 22.5, lon: 114.0, at: '2026-11-24T09:59:50Z' } },
        { unit: 'foot-1', body: { lat: 22.53, lon: 114.04 } },
        { unit: 'car-1', body: 'not json' },
        { unit: 'car-1', body: { lat: 22.54 } },
        { unit: 'car-1', body: { lat: 95, lon: 114 } },
        { unit: 'car-1', body: { lat: 22.54, lon: 114.05, extra: 1 } },
        { unit: 'ghost', body: { lat: 22.54, lon: 114.05 } },
      ]);
    } finally {
      await listener.stop();
    }
    expect(listener.counts).toEqual({ received: 9, stored: 4, malformed: 4, unknownUnit: 1, failed: 0 });
    // One warning per kind within the throttle window, each saying what was wrong.
    expect(warnings.some((w) => /malformed.*not JSON/.test(w))).toBe(true);
    expect(warnings.some((w) => /unknown unit 'ghost'/.test(w))).toBe(true);
    expect(warnings.filter((w) => /malformed/.test(w))).toHaveLength(1);

    const car = await units.get('car-1');
    expect(car).toMatchObject({ lat: 22.55, lon: 114.06, heading: null, speedKmh: null });
    expect(car!.positionAt!.toISOString()).toBe('2026-11-24T10:00:10.000Z');
    const history = await units.history('car-1', new Date('2026-11-24T00:00:00Z'), new Date('2026-11-25T00:00:00Z'));
    expect(history.map((h) => h.lat)).toEqual([22.5, 22.54, 22.55]);
    expect(history[1]).toMatchObject({ heading: 90, speedKmh: 42 });
    const walker = await units.get('foot-1');
    expect(walker?.lat).toBe(22.53);
    expect(Date.now() - walker!.positionAt!.getTime()).toBeLessThan(3_600_000);
  });

  it('stops cleanly and receives nothing after stop', async () => {
    const listener = new UnitPositionsMqtt(MQTT_URL, prefix, units, log);
    await listener.start();
    await listener.stop();
    await publisher.publishAsync(`${prefix}/units/car-1/position`, JSON.stringify({ lat: 1, lon: 1 }), { qos: 1 });
    expect(listener.counts.received).toBe(0);
    expect((await units.get('car-1'))?.lat).toBe(22.55);
  });
});
