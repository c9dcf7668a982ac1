// User accounts, for admins: list, create (one-time first password), change roles/scope/name, reset the
// password, unlock, disable/enable, clear TOTP. Each change is audited with it (src/accounts/user-admin.ts).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Accounts } from '../../accounts/accounts.js';
import {
  changeUser,
  clearTotp,
  createUser,
  resetPassword,
  setDisabled,
  unlockUser,
  userChangeSchema,
  userCreateSchema,
} from '../../accounts/user-admin.js';
import { toUserView } from '../../accounts/views.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';

export const usersQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).optional() });

export function userRoutes(deps: { accounts: Accounts }) {
  const { ctx } = deps.accounts;
  const by = (p: { name: string; role: string }) => ({ name: p.name, role: p.role });
  const view = (u: Parameters<typeof toUserView>[0]) => toUserView(u, ctx.now());
  return (
    new Hono<ApiEnv>()
      .use(requireRole('admin'))
      .get('/', async (c) => {
        const q = parseOr400(usersQuery, c.req.query(), 'query');
        return c.json({ users: (await ctx.users.list({ limit: q.limit })).map(view) });
      })
      // The first password is in this answer only: the user must change it at first sign-in.
      .post('/', async (c) => {
        const body = await jsonBody(c, userCreateSchema);
        const { user, oneTimePassword } = await createUser(ctx, body, by(c.get('principal')));
        return c.json({ user: view(user), oneTimePassword }, 201);
      })
      .get('/:id', async (c) => {
        const user = await ctx.users.byId(uuidParam(c, 'id', 'user'));
        if (!user) throw notFound('user');
        return c.json(view(user));
      })
      .patch('/:id', async (c) => {
        const id = uuidParam(c, 'id', 'user');
        const body = await jsonBody(c, userChangeSchema);
        return c.json(view(await changeUser(ctx, id, body, by(c.get('principal')))));
      })
      .post('/:id/password-reset', async (c) => {
        const { user, oneTimePassword } = await resetPassword(ctx, uuidParam(c, 'id', 'user'), by(c.get('principal')));
        return c.json({ user: view(user), oneTimePassword });
      })
      .post('/:id/unlock', async (c) =>
        c.json(view(await unlockUser(ctx, uuidParam(c, 'id', 'user'), by(c.get('principal'))))),
      )
      .post('/:id/disable', async (c) =>
        c.json(view(await setDisabled(ctx, uuidParam(c, 'id', 'user'), true, by(c.get('principal'))))),
      )
      .post('/:id/enable', async (c) =>
        c.json(view(await setDisabled(ctx, uuidParam(c, 'id', 'user'), false, by(c.get('principal'))))),
      )
      .delete('/:id/totp', async (c) =>
        c.json(view(await clearTotp(ctx, uuidParam(c, 'id', 'user'), by(c.get('principal'))))),
      )
  );
}
