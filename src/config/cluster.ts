// The `cluster:` block of the YAML config: node identity, capacity, heartbeat and camera lease timing.
import os from 'node:os';
import { z } from 'zod';

/**
 * Cameras one core carries by default. An idle machine measured about 0.32 of a core per 5-fps checkpoint camera;
 * `npm run bench cameras-per-node` on a machine already loaded 1.5-1.8 of 2 cores measured 0.8-1.1 (README sizing).
 * The default follows the idle figure so that one node alone analyses the demo's three cameras on two cores;
 * set `capacity` from the sizing table, better from the bench run on the node's own hardware.
 */
const CAMERAS_PER_CORE = 3;

export const clusterSchema = z
  .strictObject({
    /** This node's name in GET /nodes and in the leases. Default: VIGIL_NODE_ID, else host name and process id. */
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ., - and _')
      .max(100)
      .optional(),
    /** Most cameras this node analyses and records at once. Default: 3 per CPU core (at least 1). */
    capacity: z.number().int().min(0).max(10_000).optional(),
    /**
     * A node's heartbeat key lives this long unless rewritten: once it is gone the node counts as dead, and the
     * others take its cameras at once rather than waiting for each lease to run out. The node itself writes as a
     * camera's owner only within this time of its last heartbeat. Default 2,000 ms.
     */
    heartbeatMs: z.number().int().min(500).max(60_000).default(2000),
    /** A camera lease lasts this long unless renewed: the fallback for a lease its live node no longer renews. Default 5,000 ms. */
    leaseMs: z.number().int().min(1000).max(120_000).default(5000),
    /** The keep-alive thread writes the heartbeat and renews the leases this often; the node plans as often. Default 500 ms (a quarter of the heartbeat). */
    renewMs: z.number().int().min(100).max(60_000).default(500),
    /** A node above its fair share hands one camera to a node below it at most this often: nothing churns. Default 10,000 ms. */
    rebalanceMs: z.number().int().min(500).max(3_600_000).default(10_000),
    /** How often the node re-reads the camera inventory even without a change event (a missed event heals). Default 30,000 ms. */
    inventoryRefreshMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  })
  .refine((c) => c.renewMs * 2 < c.heartbeatMs, {
    message: 'renewMs must be under half of heartbeatMs, so one missed heartbeat does not lose the cameras',
    path: ['renewMs'],
  })
  .refine((c) => c.heartbeatMs <= c.leaseMs, { message: 'heartbeatMs must not exceed leaseMs', path: ['heartbeatMs'] });

export type ClusterConfig = z.infer<typeof clusterSchema>;

export function defaultCapacity(cores = os.cpus().length): number {
  return Math.max(1, cores * CAMERAS_PER_CORE);
}
