// GET /nodes: the nodes of the system (roles, capacity, cameras held, heartbeat), and what the cluster routes need beyond ApiDeps.
import { Hono } from 'hono';
import { z } from 'zod';
import type { CameraInventoryService } from '../../cluster/inventory-service.js';
import type { LeaseStore } from '../../cluster/lease-store.js';
import type { NodeRecord, NodeRegistry } from '../../cluster/node-registry.js';
import { requireRole } from '../auth.js';
import { isoTime } from '../contract/route-doc.js';
import type { ApiEnv } from '../deps.js';

/** ApiDeps lives in deps.ts (not this feature's file); the camera inventory and cluster routes' needs are declared here. */
export interface ClusterApiDeps {
  inventory: CameraInventoryService;
  leases: Pick<LeaseStore, 'holders'>;
  nodes: Pick<NodeRegistry, 'list'>;
}

/** One node as GET /nodes shows it (the wire shape; cluster-docs.ts documents it). */
export const nodeViewSchema = z.object({
  id: z.string().describe("The node's name (cluster.nodeId, VIGIL_NODE_ID, or host name and process id)"),
  instance: z.string().describe("This process's run of the node; a restarted node is a new instance"),
  roles: z.array(z.string()).describe('Roles this process runs: api, cameras, pipeline, dispatch'),
  capacity: z.number().int().describe('Most cameras the node takes (0 without the cameras role)'),
  cameras: z.array(z.string()).describe('Ids of the cameras whose lease the node held at its last heartbeat'),
  camerasHeld: z.number().int(),
  lastHeartbeat: isoTime.describe(
    "The node's last heartbeat; a node silent for cluster.heartbeatMs is gone from the list",
  ),
  version: z.string().describe('Vigil version the node runs'),
  host: z.string(),
  pid: z.number().int(),
  startedAt: isoTime,
  stopping: z.boolean().describe('Shutting down: handing its cameras back'),
});

export type NodeView = z.infer<typeof nodeViewSchema>;

export const nodesResponse = z.object({ nodes: z.array(nodeViewSchema).describe('Live nodes, by id') });

export function nodeView(n: NodeRecord): NodeView {
  return {
    id: n.nodeId,
    instance: n.instance,
    roles: n.roles,
    capacity: n.capacity,
    cameras: n.cameras,
    camerasHeld: n.cameras.length,
    lastHeartbeat: new Date(n.heartbeatAt).toISOString(),
    version: n.version,
    host: n.host,
    pid: n.pid,
    startedAt: new Date(n.startedAt).toISOString(),
    stopping: n.stopping,
  };
}

export function nodeRoutes(deps: Pick<ClusterApiDeps, 'nodes'>) {
  return new Hono<ApiEnv>().get('/', requireRole('admin', 'operator'), async (c) => {
    const nodes = await deps.nodes.list();
    return c.json({ nodes: nodes.map(nodeView) });
  });
}
