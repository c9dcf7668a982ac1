// RouteDocs of this group (see route-doc.ts). Owned by the group's routes.
import type { RouteDoc } from './route-doc.js';

export const docs: RouteDoc[] = [];
