// This node in the cluster: its heartbeat record and, with the cameras role, the camera leases it holds and the cameras it runs.
import { randomUUID } from 'node:crypto';
import type { CameraConfig } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import type { Fence } from '../queues/payloads.js';
import { planAssignment } from './assignment.js';
import type { CameraInventory } from './inventory.js';
import type { Lease, LeaseStore } from './lease-store.js';
import type { Keepalive } from './keepalive.js';
import type { NodeRecord, NodeRegistry } from './node-registry.js';

/** Something that runs a camera while this node holds its lease: analysis (CameraWorkers), recording. */
export interface CameraRunner {
  readonly name: string;
  start(camera: CameraConfig): Promise<void>;
  stop(cameraId: string): Promise<void>;
}

/** Answers whether this node may write as a camera's owner now, and with which token. */
export interface FenceSource {
  fenceFor(cameraId: string): Fence | null;
}

export interface ClusterNodeOptions {
  nodeId: string;
  roles: string[];
  /** Most cameras to hold; 0 without the cameras role. */
  capacity: number;
  version: string;
  host: string;
  pid: number;
  /** The heartbeat key's lifetime: a dead node's cameras are taken this long after its last heartbeat. */
  heartbeatMs: number;
  leaseMs: number;
  renewMs: number;
  rebalanceMs: number;
}

export interface ClusterNodeDeps {
  store: LeaseStore;
  registry: NodeRegistry;
  inventory: CameraInventory;
  runners: CameraRunner[];
  log: Logger;
  /** Cameras this node runs that are not well (offline, faulted): moved first when rebalancing. */
  unwell?: () => Set<string>;
  /** Told the number of cameras held after every tick (the leases gauge). */
  onHeld?: (count: number) => void;
  /**
   * Renews the leases and writes the node record on a thread of its own (a node whose inference holds the
   * main thread for seconds keeps its cameras); without it, the ticks of this thread do both.
   */
  keepalive?: Keepalive;
}

interface Held {
  lease: Lease;
  /** Until when the lease is surely ours (the last renewal's start + lease time); after it, no writes. */
  validUntil: number;
  /** The inventory version the runners were started with. */
  version: number;
  /** Being handed back: stopping, then released. */
  leaving: boolean;
}

export class ClusterNode implements FenceSource {
  readonly instance = randomUUID();
  readonly startedAt = Date.now();
  private readonly held = new Map<string, Held>();
  /** Per camera, the last of its queued starts and stops. */
  private readonly chains = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopping = false;
  private failing: string | null = null;
  private lastGoodTick = Date.now();
  /** Without the keep-alive thread: until when this node's last heartbeat surely lives. */
  private beatValidUntil = 0;
  private lastMove = 0;
  private unwatch: (() => void) | null = null;

  constructor(
    private readonly o: ClusterNodeOptions,
    private readonly d: ClusterNodeDeps,
  ) {}

  get leasing(): boolean {
    return this.o.capacity > 0 && this.o.roles.includes('cameras');
  }

  /** Registers the node, then renews, beats and plans every renewMs; the first plan waits one beat so peers starting alongside are seen. */
  async start(): Promise<void> {
    const beatAt = Date.now();
    await this.d.registry.beat(this.record());
    this.beatValidUntil = beatAt + this.o.heartbeatMs;
    this.d.keepalive?.start(this.record(), beatAt);
    this.timer = setInterval(() => this.onTimer(), this.o.renewMs);
    if (this.leasing) this.unwatch = this.d.inventory.onChange(() => setImmediate(() => this.onTimer()));
    this.d.log.info(
      `node ${this.o.nodeId} (${this.instance.slice(0, 8)}): roles ${this.o.roles.join(',')}, capacity ${this.o.capacity} cameras`,
    );
  }

  /** Hands every camera back at once (stops it, then releases the lease) and leaves the registry. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.unwatch?.();
    await this.ticking;
    // The keep-alive thread beats with the record it was last given: it says stopping too from now on.
    this.d.keepalive?.record(this.record());
    await this.d.registry.beat(this.record()).catch(() => {});
    await Promise.all([...this.held.keys()].map((id) => this.handBack(id, 'node stopping')));
    await Promise.all([...this.chains.values()]);
    await this.d.keepalive?.stop();
    await this.d.registry
      .remove(this.instance)
      .catch((err: Error) => this.d.log.warn(`leaving the node registry: ${err.message}`));
  }

  fenceFor(cameraId: string): Fence | null {
    const h = this.held.get(cameraId);
    return h && Date.now() < this.until(h) ? { nodeId: this.o.nodeId, token: h.lease.token } : null;
  }

  /** Cameras held now, with their leases. */
  leases(): Lease[] {
    return [...this.held.values()].map((h) => h.lease);
  }

  private onTimer(): void {
    // Runs even while a tick hangs on Redis. A lease past its time writes nothing (fenceFor) but keeps its camera
    // running: a stall of a few seconds (a loaded machine, a slow Redis) must not cost a restart, a model load and a
    // relearnt picture. The next renewal that lands resumes it under the same token; one that finds the lease gone
    // stops it (lost()). Only a lease lapsed for a whole lease time, so surely expired in Redis, stops here.
    const now = Date.now();
    for (const [id, h] of this.held) {
      const lapsed = now - this.until(h);
      if (lapsed >= this.o.leaseMs) void this.drop(id, `lease not renewed for ${Math.round(lapsed / 1000)} s`);
    }
    if (this.ticking || this.stopping) return;
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
    });
  }

  private async tick(): Promise<void> {
    const began = Date.now();
    try {
      if (this.d.keepalive) this.d.keepalive.record(this.record());
      else await this.beatAndRenew();
      if (this.leasing && !this.stopping) await this.plan();
      if (this.failing) this.d.log.info('cluster: Redis answers again');
      this.failing = null;
      this.lastGoodTick = Date.now();
    } catch (err) {
      // Once per outage, not once per tick.
      if (!this.failing)
        this.d.log.warn(
          `cluster: cannot renew leases or beat (${(err as Error).message}); cameras stop when their leases run out`,
        );
      this.failing = (err as Error).message;
    }
    this.d.onHeld?.(this.held.size);
    const took = Date.now() - began;
    // Only a round as long as the heartbeat is news: with the keep-alive thread, a slow main thread plans late but keeps its cameras.
    if (took > this.o.heartbeatMs)
      this.d.log.warn(
        `cluster: a round took ${took} ms (heartbeat ${this.o.heartbeatMs} ms, every ${this.o.renewMs} ms): this node is overloaded or Redis is slow`,
      );
  }

  /** Why this node cannot hold camera leases now (the readiness check), or null when it can. */
  readyProblem(now = Date.now()): string | null {
    if (!this.leasing) return null;
    if (this.d.keepalive) return this.d.keepalive.problem(now);
    if (this.failing) return `cannot renew camera leases: ${this.failing}`;
    const since = now - this.lastGoodTick;
    return since > this.o.heartbeatMs ? `no heartbeat for ${since} ms (heartbeat ${this.o.heartbeatMs} ms)` : null;
  }

  /** This thread's keep-alive (no keep-alive thread): the heartbeat first, then renewals it covers (see keepalive.worker.mjs). */
  private async beatAndRenew(): Promise<void> {
    const started = Date.now();
    await this.d.registry.beat(this.record());
    this.beatValidUntil = started + this.o.heartbeatMs;
    if (!this.leasing) return;
    const held = [...this.held.values()];
    const lost = new Set(await this.d.store.renew(held.map((h) => h.lease)));
    for (const h of held) {
      // Not awaited: the stop queues behind a start that may still be loading models.
      if (lost.has(h.lease.cameraId)) void this.drop(h.lease.cameraId, 'lease lost (expired or taken over)');
      else if (this.held.get(h.lease.cameraId) === h)
        h.validUntil = started + Math.min(this.o.heartbeatMs, this.o.leaseMs);
    }
  }

  private async plan(): Promise<void> {
    const nodes = (await this.d.registry.list()).filter((n) => n.roles.includes('cameras'));
    if (!nodes.some((n) => n.instance === this.instance)) nodes.push(this.record());
    const cameras = this.d.inventory.enabled().map((c) => c.config.id);
    const holders = await this.d.store.holders([...new Set([...cameras, ...this.held.keys()])]);
    // A lease whose holder has no heartbeat any more is a dead node's: free to take, without waiting for it to expire.
    const live = new Set(nodes.map((n) => n.instance));
    const dead = new Map([...holders].filter(([, l]) => !live.has(l.instance)).map(([id, l]) => [id, l.instance]));
    const now = Date.now();
    const plan = planAssignment({
      self: this.instance,
      nodes: nodes.map((n) => ({ instance: n.instance, capacity: n.capacity, stopping: n.stopping })),
      cameras,
      holders: new Map(
        [...holders].filter(([id]) => !dead.has(id)).map(([id, l]) => [id, { instance: l.instance, since: l.since }]),
      ),
      unwell: this.d.unwell?.() ?? new Set(),
      mayRebalance: now - this.lastMove >= this.o.rebalanceMs,
    });
    const enabled = new Set(cameras);
    for (const id of plan.release) {
      if (enabled.has(id)) this.lastMove = now;
      void this.handBack(id, enabled.has(id) ? 'handed to a node below its share' : 'disabled or removed');
    }
    for (const id of plan.acquire) await this.take(id, dead.get(id));
    this.restartChanged();
  }

  /** Leases a free camera, or one whose holder `deadHolder` has no heartbeat any more (a takeover). */
  private async take(cameraId: string, deadHolder?: string): Promise<void> {
    const camera = this.d.inventory.get(cameraId);
    if (!camera || this.held.has(cameraId)) return;
    const started = Date.now();
    const lease = await this.d.store.acquire(
      cameraId,
      { nodeId: this.o.nodeId, instance: this.instance },
      started,
      deadHolder,
    );
    if (!lease) return; // another node was first (or this node's heartbeat lapsed)
    // Ours no longer than our heartbeat surely lives: others may take the camera once it is gone.
    const validUntil = Math.min(
      started + this.o.leaseMs,
      this.d.keepalive?.heartbeatValidUntil() ?? this.beatValidUntil,
    );
    this.held.set(cameraId, { lease, validUntil, version: camera.version, leaving: false });
    this.d.keepalive?.hold(lease, validUntil);
    this.d.log.info(
      `camera ${cameraId}: leased (token ${lease.token}${deadHolder ? `, taken from dead instance ${deadHolder.slice(0, 8)}` : ''})`,
    );
    // Not awaited: loading models can take longer than a lease, and the ticks must go on renewing meanwhile.
    void this.queue(cameraId, () => this.runAll((r) => r.start(camera.config), cameraId));
  }

  /** A camera going to another node: stopped while still ours (its last writes count), then released; queued behind its start. */
  private handBack(cameraId: string, why: string): Promise<void> {
    const h = this.held.get(cameraId);
    if (!h || h.leaving) return this.chains.get(cameraId) ?? Promise.resolve();
    h.leaving = true;
    return this.queue(cameraId, async () => {
      await this.runAll((r) => r.stop(cameraId), cameraId);
      if (this.held.get(cameraId) !== h) return; // lost meanwhile: nothing of ours to release
      this.held.delete(cameraId);
      this.d.keepalive?.drop(cameraId);
      await this.d.store
        .release(h.lease)
        .catch((err: Error) =>
          this.d.log.warn(`camera ${cameraId}: release failed (${err.message}); it frees when the lease runs out`),
        );
      this.d.log.info(`camera ${cameraId}: handed back (${why})`);
    });
  }

  /** A lease lost: writes stop at once (no fence), then the camera stops. */
  private drop(cameraId: string, why: string): Promise<void> {
    if (!this.held.delete(cameraId)) return Promise.resolve();
    this.d.keepalive?.drop(cameraId);
    this.d.log.warn(`camera ${cameraId}: ${why}; stopping it`);
    return this.queue(cameraId, () => this.runAll((r) => r.stop(cameraId), cameraId));
  }

  /** A camera changed in the inventory while held: its runners restart with the new configuration, the lease kept. */
  private restartChanged(): void {
    for (const [id, h] of this.held) {
      const camera = this.d.inventory.get(id);
      if (!camera || camera.version === h.version || h.leaving) continue;
      h.version = camera.version;
      this.d.log.info(`camera ${id}: changed (version ${camera.version}); restarting it`);
      void this.queue(id, async () => {
        await this.runAll((r) => r.stop(id), id);
        if (this.held.get(id) === h && !h.leaving) await this.runAll((r) => r.start(camera.config), id);
      });
    }
  }

  /** Runs a camera's starts and stops one after another, in the order asked. */
  private queue(cameraId: string, step: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(cameraId) ?? Promise.resolve()).then(step);
    this.chains.set(cameraId, next);
    void next.finally(() => {
      if (this.chains.get(cameraId) === next) this.chains.delete(cameraId);
    });
    return next;
  }

  private async runAll(step: (r: CameraRunner) => Promise<void>, cameraId: string): Promise<void> {
    await Promise.all(
      this.d.runners.map((r) =>
        step(r).catch((err: Error) => this.d.log.error(`camera ${cameraId}: ${r.name}: ${err.message}`)),
      ),
    );
  }

  /** Called by the keep-alive thread's owner with the leases it found gone. */
  lost(cameraIds: string[]): void {
    for (const id of cameraIds) void this.drop(id, 'lease lost (expired or taken over)');
  }

  /** Until when the lease is surely ours: from the keep-alive thread's shared memory, else from this thread's renewals. */
  private until(h: Held): number {
    return this.d.keepalive ? this.d.keepalive.validUntil(h.lease.cameraId) : h.validUntil;
  }

  private record(): NodeRecord {
    const { nodeId, roles, capacity, version, host, pid } = this.o;
    return {
      nodeId,
      instance: this.instance,
      roles,
      capacity,
      version,
      host,
      pid,
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
      cameras: [...this.held.keys()].sort(),
      stopping: this.stopping,
    };
  }
}
