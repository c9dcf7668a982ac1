// RouteDocs of the cluster routes (routes/nodes.ts): the nodes of the system and what each holds.
import { nodesResponse } from '../routes/nodes.js';
import type { RouteDoc } from './route-doc.js';

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/nodes',
    tags: ['cluster'],
    roles: ['admin', 'operator'],
    summary: 'Live nodes: roles, capacity, cameras held, last heartbeat, version',
    description:
      'Every process of the system that beats in Redis (API, camera and pipeline nodes). A node that stops leaves at once; one that dies leaves when its heartbeat key runs out (cluster.heartbeatMs), and the others take its cameras then.',
    responses: { 200: { description: 'The nodes', schema: nodesResponse } },
  },
];
