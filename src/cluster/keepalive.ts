// The main thread's side of the keep-alive thread (keepalive.worker.mjs): which leases to renew, and until when each is ours.
import { Worker } from 'node:worker_threads';
import type { RedisOptions } from 'ioredis';
import type { Lease } from './lease-store.js';
import { RENEW_LUA } from './lease-store.js';
import type { NodeRecord } from './node-registry.js';

export interface KeepaliveOptions {
  /** How the thread reaches Redis: the plain (cloneable) options of the node's connection, Sentinel included. */
  connection: Partial<RedisOptions>;
  /** Cluster key prefix, e.g. `vigil:cluster`. */
  prefix: string;
  /** The heartbeat key's lifetime: leases count as ours only this long after a round's start. */
  heartbeatMs: number;
  leaseMs: number;
  renewMs: number;
  /** Most leases held at once (the node's capacity); one shared slot each. */
  maxLeases: number;
  /** Leases the thread found gone or someone else's. */
  onLost: (cameraIds: string[]) => void;
}

/** What a round of renewals last did, for the readiness check. */
export interface KeepaliveRound {
  ok: boolean;
  at: number;
  error?: string;
}

/** The plain fields of a connection's options: functions (retry strategies) cannot cross to a thread. */
export function cloneableConnection(options: RedisOptions): Partial<RedisOptions> {
  const keys = [
    'host',
    'port',
    'path',
    'username',
    'password',
    'db',
    'tls',
    'sentinels',
    'name',
    'role',
    'sentinelUsername',
    'sentinelPassword',
    'family',
  ] as const;
  return Object.fromEntries(
    keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]),
  ) as Partial<RedisOptions>;
}

export class Keepalive {
  private readonly worker: Worker;
  private readonly until: BigInt64Array;
  private readonly slots = new Map<string, number>();
  private readonly free: number[];
  private last: KeepaliveRound = { ok: true, at: Date.now() };
  private lastOk = Date.now();

  /** The last slot: until when the node's heartbeat surely lives (the last written heartbeat's round start + heartbeatMs). */
  private readonly heartbeatSlot: number;

  constructor(private readonly o: KeepaliveOptions) {
    const slots = new SharedArrayBuffer(8 * (o.maxLeases + 1));
    this.until = new BigInt64Array(slots);
    this.heartbeatSlot = o.maxLeases;
    this.free = Array.from({ length: o.maxLeases }, (_, i) => i);
    const { connection, prefix, heartbeatMs, leaseMs, renewMs } = o;
    this.worker = new Worker(new URL('./keepalive.worker.mjs', import.meta.url), {
      workerData: {
        connection,
        prefix,
        heartbeatMs,
        leaseMs,
        renewMs,
        slots,
        heartbeatSlot: this.heartbeatSlot,
        renewLua: RENEW_LUA,
      },
    });
    this.worker.on('message', (m: { type: 'round'; ok: boolean; at: number; error?: string; lost: string[] }) => {
      this.last = { ok: m.ok, at: m.at, error: m.error };
      if (m.ok) this.lastOk = m.at;
      if (m.lost.length) o.onLost(m.lost);
    });
    this.worker.unref();
  }

  /** Starts the rounds; `beatAt` is when the node's first heartbeat (written by the caller) was sent. */
  start(record: NodeRecord, beatAt: number): void {
    Atomics.store(this.until, this.heartbeatSlot, BigInt(beatAt + this.o.heartbeatMs));
    this.record(record);
    this.worker.postMessage({ type: 'start' });
  }

  /** Until when this node's heartbeat surely lives: a lease taken now is ours no longer than that. */
  heartbeatValidUntil(): number {
    return Number(Atomics.load(this.until, this.heartbeatSlot));
  }

  /** The node record the thread rewrites (with a fresh heartbeat) every round. */
  record(record: NodeRecord): void {
    this.worker.postMessage({ type: 'record', record });
  }

  hold(lease: Lease, validUntil: number): void {
    const slot = this.slots.get(lease.cameraId) ?? this.free.pop();
    if (slot === undefined) throw new Error(`keep-alive: more than ${this.o.maxLeases} leases`);
    this.slots.set(lease.cameraId, slot);
    Atomics.store(this.until, slot, BigInt(validUntil));
    this.worker.postMessage({
      type: 'hold',
      cameraId: lease.cameraId,
      instance: lease.instance,
      token: lease.token,
      slot,
    });
  }

  drop(cameraId: string): void {
    const slot = this.slots.get(cameraId);
    if (slot === undefined) return;
    this.slots.delete(cameraId);
    Atomics.store(this.until, slot, 0n);
    this.free.push(slot);
    this.worker.postMessage({ type: 'drop', cameraId });
  }

  /** Until when the camera's lease is surely ours (0 when not held): read from memory the thread writes. */
  validUntil(cameraId: string): number {
    const slot = this.slots.get(cameraId);
    return slot === undefined ? 0 : Number(Atomics.load(this.until, slot));
  }

  /** Why renewals are failing, or null while they succeed. */
  problem(now = Date.now()): string | null {
    if (!this.last.ok) return `cannot renew camera leases: ${this.last.error ?? 'unknown error'}`;
    const since = now - this.lastOk;
    return since > this.o.heartbeatMs ? `no heartbeat for ${since} ms (heartbeat ${this.o.heartbeatMs} ms)` : null;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate().catch(() => {});
  }
}
