// PUT /cases/:id/grants: an admin widens what searches under one case may see (districts, cameras), with a reason.
import { Hono } from 'hono';
import { setCaseGrants } from '../../services/case-grants.js';
import { requireRole } from '../auth.js';
import { caseGrantsBody, caseGrantsView } from '../contract/scope-docs.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody } from '../errors.js';

export function caseGrantRoutes(deps: Pick<ApiDeps, 'cases' | 'audit'>) {
  return new Hono<ApiEnv>().put('/:id/grants', requireRole('admin'), async (c) => {
    const b = await jsonBody(c, caseGrantsBody);
    const updated = await setCaseGrants(
      deps,
      c.req.param('id'),
      { districts: b.districts, cameras: b.cameras },
      b.reason,
      c.get('principal'),
    );
    return c.json(caseGrantsView.parse({ id: updated.id, number: updated.number, grants: updated.grants }));
  });
}
