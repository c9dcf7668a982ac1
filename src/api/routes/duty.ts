// Duty level routes: the level in force and its policy (anyone signed in), switching it (duty.switchRoles), its history.
import { Hono } from 'hono';
import { z } from 'zod';
import { DUTY_LEVELS } from '../../domain/duty.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, parseOr400 } from '../errors.js';
import { dutyChangeView, dutyView } from '../../views/duty.js';

export const switchBody = z.strictObject({
  level: z.enum(DUTY_LEVELS, { error: `level must be one of ${DUTY_LEVELS.join(', ')}` }),
  reason: z
    .string({ error: 'reason is required: say why the level changes' })
    .trim()
    .min(3, 'give a reason (at least 3 characters)')
    .max(1000),
});

export const historyQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });

export function dutyRoutes(deps: Pick<ApiDeps, 'duty'>) {
  const { duty } = deps;
  return new Hono<ApiEnv>()
    .get('/', (c) => c.json(dutyView(duty.status(), duty.canSwitch(c.get('principal').role))))
    .put('/', async (c) => {
      const principal = c.get('principal');
      // The role first, so a caller who may not switch learns that before anything about the body.
      duty.checkRole(principal.role);
      const body = await jsonBody(c, switchBody);
      const status = await duty.switch(body.level, body.reason, principal);
      return c.json(dutyView(status, true));
    })
    .get('/history', requireRole('admin', 'operator'), async (c) => {
      const q = parseOr400(historyQuery, c.req.query(), 'query');
      return c.json({ changes: (await duty.history(q.limit ?? 100)).map(dutyChangeView) });
    });
}
