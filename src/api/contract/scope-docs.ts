// RouteDocs of the scope routes (see route-doc.ts): what a case grants beyond its investigators' own scopes.
import { z } from 'zod';
import type { RouteDoc } from './route-doc.js';

const ids = (what: string) => z.array(z.string().trim().min(1)).max(1000).default([]).describe(what);

export const caseGrantsBody = z.strictObject({
  districts: ids("Districts searches under this case may see beyond the searcher's scope"),
  cameras: ids("Cameras searches under this case may see beyond the searcher's scope"),
  reason: z.string().trim().min(3, 'reason: say why this case needs more (at least 3 characters)').max(2000),
});

export const caseGrantsView = z.object({
  id: z.string().describe('Case id (UUID)'),
  number: z.string(),
  grants: z.object({ districts: z.array(z.string()), cameras: z.array(z.string()) }),
});

export const docs: RouteDoc[] = [
  {
    method: 'put',
    path: '/cases/{id}/grants',
    summary: "Set what searches under a case may see beyond the searcher's scope",
    description:
      'Replaces the grant (empty lists take it back). Plate-read, sighting and footage searches, playback and exports that name this open case see the granted districts and cameras too; audited as case.grants.',
    tags: ['cases', 'scope'],
    roles: ['admin'],
    params: z.object({ id: z.string().describe('Case id (UUID) or case number') }),
    body: { schema: caseGrantsBody },
    responses: { 200: { description: 'The case with its grant', schema: caseGrantsView } },
    errors: [400, 401, 403, 404],
  },
];
