// The node's keep-alive, on a thread of its own: writes the node record (its heartbeat) and renews the camera leases
// every renewMs, even while inference holds the main thread (onnxruntime-node runs a model synchronously on the calling
// thread). A lease counts as ours until a round's start + heartbeatMs, and only from a round whose heartbeat landed
// before its renewal: others may take a camera only once the heartbeat is gone, which is never before that time.
// Plain JavaScript so it loads in a worker without the TypeScript loader; its partner is keepalive.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';

/** @type {{ connection: object, prefix: string, heartbeatMs: number, leaseMs: number, renewMs: number, slots: SharedArrayBuffer, heartbeatSlot: number, renewLua: string }} */
const cfg = workerData;
const validUntil = new BigInt64Array(cfg.slots);
const heldFor = Math.min(cfg.heartbeatMs, cfg.leaseMs);
// Commands wait for the connection (validity counts from a round's start, so a late answer never over-promises).
const redis = new Redis({ ...cfg.connection, maxRetriesPerRequest: 1 });
redis.on('error', () => {}); // reported through the main thread's own connection and the leases readiness check

/** cameraId -> { instance, token, slot } */
const held = new Map();
let record = null;
let timer = null;
let busy = false;

async function round() {
  if (busy) return; // a slow round is not overlapped by the next
  busy = true;
  try {
    await renew();
  } finally {
    busy = false;
  }
}

async function renew() {
  const started = Date.now();
  const leases = [...held.entries()];
  try {
    // The heartbeat first: a renewal answered after it is covered by it (commands of one connection run in order).
    const pipe = redis.pipeline();
    if (record) {
      const beat = { ...record, heartbeatAt: started };
      pipe
        .set(`${cfg.prefix}:node:${record.instance}`, JSON.stringify(beat), 'PX', cfg.heartbeatMs)
        .sadd(`${cfg.prefix}:nodes`, record.instance);
    }
    for (const [cameraId, l] of leases)
      pipe.eval(cfg.renewLua, 1, `${cfg.prefix}:lease:${cameraId}`, l.instance, l.token, cfg.leaseMs);
    const results = (await pipe.exec()) ?? [];
    const beaten = record !== null && results[0]?.[0] === null && results[0]?.[1] === 'OK';
    const first = record ? 2 : 0;
    const lost = [];
    leases.forEach(([cameraId, l], i) => {
      const [err, ok] = results[first + i] ?? [new Error('no reply'), 0];
      if (held.get(cameraId) !== l) return; // dropped or replaced meanwhile
      if (err === null && ok === 1 && beaten) Atomics.store(validUntil, l.slot, BigInt(started + heldFor));
      else if (err === null && ok !== 1) lost.push(cameraId);
    });
    if (beaten) Atomics.store(validUntil, cfg.heartbeatSlot, BigInt(started + cfg.heartbeatMs));
    parentPort.postMessage(
      beaten || !record
        ? { type: 'round', ok: true, at: started, lost }
        : { type: 'round', ok: false, at: started, error: 'heartbeat not written', lost },
    );
  } catch (err) {
    parentPort.postMessage({ type: 'round', ok: false, at: started, error: err.message, lost: [] });
  }
}

parentPort.on('message', (m) => {
  if (m.type === 'hold') held.set(m.cameraId, { instance: m.instance, token: m.token, slot: m.slot });
  else if (m.type === 'drop') held.delete(m.cameraId);
  else if (m.type === 'record') record = m.record;
  else if (m.type === 'start') {
    timer ??= setInterval(() => void round(), cfg.renewMs);
    void round();
  } else if (m.type === 'stop') {
    if (timer) clearInterval(timer);
    held.clear();
    redis.disconnect();
    parentPort.close();
  }
});
