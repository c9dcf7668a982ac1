// GET /nodes: the nodes of the system (roles, capacity, cameras held, heartbeat), and what the cluster routes need beyond ApiDeps.
import { Hono } from 'hono';
import type { CameraInventoryService } from '../../cluster/inventory-service.js';
import type { LeaseStore } from '../../cluster/lease-store.js';
import type { NodeRecord, NodeRegistry } from '../../cluster/node-registry.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';

/** ApiDeps lives in deps.ts (not this feature's file); the camera inventory and cluster routes' needs are declared here. */
export interface ClusterApiDeps {
  inventory: CameraInventoryService;
  leases: Pick<LeaseStore, 'holders'>;
  nodes: Pick<NodeRegistry, 'list'>;
}

export interface NodeView {
  id: string;
  instance: string;
  roles: string[];
  capacity: number;
  cameras: string[];
  camerasHeld: number;
  lastHeartbeat: string;
  version: string;
  host: string;
  pid: number;
  startedAt: string;
  stopping: boolean;
}

export function nodeView(n: NodeRecord): NodeView {
  return {
    id: n.nodeId, instance: n.instance, roles: n.roles, capacity: n.capacity, cameras: n.cameras, camerasHeld: n.cameras.length,
    lastHeartbeat: new Date(n.heartbeatAt).toISOString(), version: n.version, host: n.host, pid: n.pid, startedAt: new Date(n.startedAt).toISOString(), stopping: n.stopping,
  };
}

export function nodeRoutes(deps: Pick<ClusterApiDeps, 'nodes'>) {
  return new Hono<ApiEnv>().get('/', requireRole('admin', 'operator'), async (c) => {
    const nodes = await deps.nodes.list();
    return c.json({ nodes: nodes.map(nodeView) });
  });
}
