// The `cluster:` block of the YAML config (node identity, capacity, camera lease timing), ready to add to configSchema.
import os from 'node:os';
import { z } from 'zod';

/** A checkpoint camera at 5 fps costs about 0.32 of a core here (README sizing): cameras one core carries, rounded down. */
const CAMERAS_PER_CORE = 3;

export const clusterSchema = z
  .strictObject({
    /** This node's name in GET /nodes and in the leases. Default: VIGIL_NODE_ID, else host name and process id. */
    nodeId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ., - and _').max(100).optional(),
    /** Most cameras this node analyses and records at once. Default: 3 per CPU core (at least 1). */
    capacity: z.number().int().min(0).max(10_000).optional(),
    /** A camera lease lasts this long unless renewed: a node that dies loses its cameras after it. Default 5,000 ms. */
    leaseMs: z.number().int().min(1000).max(120_000).default(5000),
    /** Leases are renewed, and the node's heartbeat written, this often. Default 1,500 ms (a third of the lease, less a margin). */
    renewMs: z.number().int().min(200).max(60_000).default(1500),
    /** A node above its fair share hands one camera to a node below it at most this often: nothing churns. Default 10,000 ms. */
    rebalanceMs: z.number().int().min(500).max(3_600_000).default(10_000),
    /** How often the node re-reads the camera inventory even without a change event (a missed event heals). Default 30,000 ms. */
    inventoryRefreshMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  })
  .refine((c) => c.renewMs * 2 < c.leaseMs, { message: 'renewMs must be under half of leaseMs, so one missed renewal does not lose the cameras', path: ['renewMs'] });

export type ClusterConfig = z.infer<typeof clusterSchema>;

export function defaultCapacity(cores = os.cpus().length): number {
  return Math.max(1, cores * CAMERAS_PER_CORE);
}
