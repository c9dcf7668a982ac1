// Every route's RouteDoc, gathered from the group files; document.ts turns them into OpenAPI 3.1.
import { docs as accounts } from './accounts-docs.js';
import { docs as admin } from './admin-docs.js';
import { docs as cluster } from './cluster-docs.js';
import { docs as dispatch } from './dispatch-docs.js';
import { docs as facesFootage } from './faces-footage-docs.js';
import { docs as ingest } from './ingest-docs.js';
import { docs as patrol } from './patrol-docs.js';
import { docs as plans } from './plans-docs.js';
import { docs as reads } from './reads-docs.js';
import { docs as tours } from './tours-docs.js';
import type { RouteDoc } from './route-doc.js';
import { docs as scope } from './scope-docs.js';

export const routeDocs: RouteDoc[] = [
  ...dispatch,
  ...reads,
  ...facesFootage,
  ...accounts,
  ...admin,
  ...patrol,
  ...tours,
  ...plans,
  ...cluster,
  ...ingest,
  ...scope,
];
