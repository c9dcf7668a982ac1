// Builds a node's cluster parts (inventory, leases, registry, fencing) and joins the node once its camera runners exist.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { Fence } from '../queues/payloads.js';
import type { SegmentFencing } from '../recording/recording-service.js';
import type { CameraRepo } from '../store/camera-repo.js';
import { ClusterNode, type CameraRunner } from './cluster-node.js';
import { defaultCapacity } from '../config/cluster.js';
import { FenceGuard, StaleFenceError } from './fence-guard.js';
import { cloneableConnection, Keepalive } from './keepalive.js';
import { CameraInventory } from './inventory.js';
import { CameraInventoryService } from './inventory-service.js';
import { LeaseStore } from './lease-store.js';
import { NodeRegistry } from './node-registry.js';

/** package.json's version, read once (npm_package_version exists only under npm run). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface ClusterOptions {
  config: Config;
  redis: Redis;
  /** The queue prefix: every node of one system shares it, so they share leases too. */
  prefix: string;
  cameras: CameraRepo;
  bus: EventBus;
  nodeId: string;
  roles: string[];
  log: Logger;
}

export interface Cluster {
  inventory: CameraInventory;
  inventoryService: CameraInventoryService;
  leases: LeaseStore;
  registry: NodeRegistry;
  fenceGuard: FenceGuard;
  node: ClusterNode;
  /** For recording: a segment is filed only under a lease still current. */
  segmentFencing: SegmentFencing;
  /** Starts heartbeats and, with the cameras role, leasing; cameras start through the runners from then on. */
  join(
    runners: CameraRunner[],
    extra?: { unwell?: () => Set<string>; onHeld?: (count: number) => void },
  ): Promise<void>;
  stop(): Promise<void>;
}

export function clusterKeyPrefix(queuePrefix: string): string {
  return `${queuePrefix}:cluster`;
}

export async function openCluster(o: ClusterOptions): Promise<Cluster> {
  const { cluster: c } = o.config;
  const log = o.log.child('cluster');
  const keys = clusterKeyPrefix(o.prefix);
  const leases = new LeaseStore(o.redis, keys, c.leaseMs);
  const registry = new NodeRegistry(o.redis, keys, c.heartbeatMs);
  const inventory = new CameraInventory({ cameras: o.cameras, bus: o.bus, log, refreshMs: c.inventoryRefreshMs });
  await inventory.start();
  const fenceGuard = new FenceGuard(leases);
  const capacity = o.roles.includes('cameras') ? (c.capacity ?? defaultCapacity()) : 0;
  let node: ClusterNode | null = null;
  const segmentFencing: SegmentFencing = {
    fenceFor: (id) => node?.fenceFor(id) ?? null,
    allows: (id, fence) => segmentAllowed(fenceGuard, id, fence, log),
  };
  return {
    inventory,
    inventoryService: new CameraInventoryService({ cameras: o.cameras, bus: o.bus, log }),
    leases,
    registry,
    fenceGuard,
    get node() {
      if (!node) throw new Error('the cluster node is made by join()');
      return node;
    },
    segmentFencing,
    async join(runners, extra = {}) {
      // Leases are renewed off the main thread, where inference runs synchronously for whole seconds.
      const keepalive =
        capacity > 0
          ? new Keepalive({
              connection: cloneableConnection(o.redis.options),
              prefix: keys,
              heartbeatMs: c.heartbeatMs,
              leaseMs: c.leaseMs,
              renewMs: c.renewMs,
              maxLeases: capacity,
              onLost: (ids) => node?.lost(ids),
            })
          : undefined;
      node = new ClusterNode(
        {
          nodeId: o.nodeId,
          roles: o.roles,
          capacity,
          version: VERSION,
          host: os.hostname(),
          pid: process.pid,
          heartbeatMs: c.heartbeatMs,
          leaseMs: c.leaseMs,
          renewMs: c.renewMs,
          rebalanceMs: c.rebalanceMs,
        },
        { store: leases, registry, inventory, runners, log, keepalive, ...extra },
      );
      await node.start();
    },
    async stop() {
      await node?.stop();
      inventory.stop();
    },
  };
}

async function segmentAllowed(
  guard: FenceGuard,
  cameraId: string,
  fence: Fence | undefined,
  log: Logger,
): Promise<boolean> {
  try {
    await guard.check(cameraId, fence);
    return true;
  } catch (err) {
    if (!(err instanceof StaleFenceError)) throw err;
    log.warn(`camera ${cameraId}: segment refused: ${err.message}`);
    return false;
  }
}
