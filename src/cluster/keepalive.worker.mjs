// The node's keep-alive, on a thread of its own: renews the camera leases and writes the node record every renewMs,
// even while inference holds the main thread (onnxruntime-node runs a model synchronously on the calling thread).
// Plain JavaScript so it loads in a worker without the TypeScript loader; its partner is keepalive.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';

/** @type {{ connection: object, prefix: string, leaseMs: number, renewMs: number, slots: SharedArrayBuffer, renewLua: string }} */
const cfg = workerData;
const validUntil = new BigInt64Array(cfg.slots);
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
    const pipe = redis.pipeline();
    for (const [cameraId, l] of leases) pipe.eval(cfg.renewLua, 1, `${cfg.prefix}:lease:${cameraId}`, l.instance, l.token, cfg.leaseMs);
    if (record) {
      const beat = { ...record, heartbeatAt: started };
      pipe.set(`${cfg.prefix}:node:${record.instance}`, JSON.stringify(beat), 'PX', cfg.leaseMs).sadd(`${cfg.prefix}:nodes`, record.instance);
    }
    const results = (await pipe.exec()) ?? [];
    const lost = [];
    leases.forEach(([cameraId, l], i) => {
      const [err, ok] = results[i] ?? [new Error('no reply'), 0];
      if (held.get(cameraId) !== l) return; // dropped or replaced meanwhile
      if (err === null && ok === 1) Atomics.store(validUntil, l.slot, BigInt(started + cfg.leaseMs));
      else if (err === null) lost.push(cameraId);
    });
    parentPort.postMessage({ type: 'round', ok: true, at: started, lost });
  } catch (err) {
    parentPort.postMessage({ type: 'round', ok: false, at: started, error: err.message, lost: [] });
  }
}

parentPort.on('message', (m) => {
  if (m.type === 'hold') held.set(m.cameraId, { instance: m.instance, token: m.token, slot: m.slot });
  else if (m.type === 'drop') held.delete(m.cameraId);
  else if (m.type === 'record') record = m.record;
  else if (m.type === 'start') timer ??= setInterval(() => void round(), cfg.renewMs);
  else if (m.type === 'stop') {
    if (timer) clearInterval(timer);
    held.clear();
    redis.disconnect();
    parentPort.close();
  }
});
