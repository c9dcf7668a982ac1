// What an admin does to accounts: create (with a one-time first password), change roles/scope/name, reset a
// password, unlock, disable, clear TOTP. Each change and its audit entry commit together.
import { z } from 'zod';
import { BadInputError, ConflictError, NotFoundError } from '../lib/errors.js';
import { ROLES } from '../store/token-repo.js';
import { type AccountsContext, type Actor, sameScope, sortRoles } from './accounts-context.js';
import { hashPassword } from './password-hash.js';
import { oneTimePassword } from './password-policy.js';
import type { UserRecord, UserRepo } from './user-repo.js';

type UserRepoIn = Pick<UserRepo, 'lockActiveAdmins'>;

export const scopeSchema = z.strictObject({
  districts: z.array(z.string().trim().min(1).max(100)).max(500).default([]),
  cameras: z.array(z.string().trim().min(1).max(100)).max(5000).default([]),
});

const rolesSchema = z.array(z.enum(ROLES)).min(1, 'at least one role').max(ROLES.length);
const needsSubject = (roles: readonly string[]) => roles.includes('unit') || roles.includes('checkpoint');
const subjectRule = {
  path: ['subject'],
  message: 'a unit account needs the unit id, a checkpoint account the checkpoint camera id',
};

/** The body of POST /users and the options of `vigil users create`. */
export const userCreateSchema = z
  .strictObject({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, '2-64 of a-z, 0-9, . _ @ - (starting with a letter or digit)'),
    displayName: z.string().trim().min(1).max(200),
    roles: rolesSchema,
    /** The unit id (role unit) or checkpoint camera id (role checkpoint). */
    subject: z.string().trim().min(1).max(200).nullish(),
    /** Districts and/or cameras; null or absent: everywhere. */
    scope: scopeSchema.nullish(),
  })
  .refine((b) => !needsSubject(b.roles) || b.subject, subjectRule);
export type UserCreate = z.output<typeof userCreateSchema>;

export const userChangeSchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(200).optional(),
    roles: rolesSchema.optional(),
    subject: z.string().trim().min(1).max(200).nullable().optional(),
    scope: scopeSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: 'nothing to change: give displayName, roles, subject or scope',
  });
export type UserChange = z.output<typeof userChangeSchema>;

export async function createUser(
  ctx: AccountsContext,
  input: UserCreate,
  by: Actor,
): Promise<{ user: UserRecord; oneTimePassword: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password, ctx.config.scrypt);
  return ctx.tx(async ({ users, audit }) => {
    if (await users.byUsername(input.username)) throw new ConflictError(`username ${input.username} is taken`);
    const user = await users.create({
      username: input.username,
      displayName: input.displayName,
      roles: sortRoles(input.roles),
      subject: input.subject ?? null,
      scope: input.scope ?? null,
      passwordHash,
      mustChangePassword: true,
    });
    await audit({
      ...by,
      action: 'user.create',
      target: user.id,
      details: { username: user.username, roles: user.roles, subject: user.subject, scope: user.scope },
    });
    return { user, oneTimePassword: password };
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Refuses (409) to take the admin role from, or disable, the last enabled admin account: nobody could then
 * manage accounts from the page. Runs inside the change's transaction, with the admins' rows locked.
 */
async function keepAnAdmin(users: UserRepoIn, user: UserRecord, what: string): Promise<void> {
  if (!user.roles.includes('admin') || user.disabledAt) return;
  const admins = await users.lockActiveAdmins();
  if (admins.length === 1 && admins[0] === user.id)
    throw new ConflictError(
      `${user.username} is the last enabled admin: ${what} would leave no one to manage accounts; make another admin first`,
    );
}

/** Applies a change; role and scope changes each get their own audit entry (before and after). */
export async function changeUser(ctx: AccountsContext, id: string, change: UserChange, by: Actor): Promise<UserRecord> {
  return ctx.tx(async ({ users, audit }) => {
    const before = await users.byId(id);
    if (!before) throw new NotFoundError(`user ${id} not found`);
    const roles = change.roles ? sortRoles(change.roles) : before.roles;
    if (!roles.includes('admin')) await keepAnAdmin(users, before, 'removing the admin role');
    const subject = change.subject === undefined ? before.subject : change.subject;
    if (needsSubject(roles) && !subject) throw BadInputError.field('subject', subjectRule.message);
    const after = (await users.update(id, { ...change, roles: change.roles ? roles : undefined }))!;
    if (change.roles && !same(before.roles, after.roles)) {
      await audit({
        ...by,
        action: 'user.roles-change',
        target: id,
        details: { username: after.username, before: before.roles, after: after.roles },
      });
    }
    if (change.scope !== undefined && !sameScope(before.scope, after.scope)) {
      await audit({
        ...by,
        action: 'user.scope-change',
        target: id,
        details: { username: after.username, before: before.scope, after: after.scope },
      });
    }
    if (
      (change.displayName !== undefined && before.displayName !== after.displayName) ||
      (change.subject !== undefined && before.subject !== after.subject)
    ) {
      await audit({
        ...by,
        action: 'user.update',
        target: id,
        details: { username: after.username, displayName: after.displayName, subject: after.subject },
      });
    }
    return after;
  });
}

/** A new one-time password (the user must change it at sign-in); every session of the user ends. */
export async function resetPassword(
  ctx: AccountsContext,
  id: string,
  by: Actor,
): Promise<{ user: UserRecord; oneTimePassword: string }> {
  const password = oneTimePassword();
  const hash = await hashPassword(password, ctx.config.scrypt);
  return ctx.tx(async ({ users, sessions, audit }) => {
    const user = await users.byId(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    if (user.oidc)
      throw new ConflictError(
        `${user.username} signs in through the identity provider (${user.oidc.issuer}): its password is kept there`,
      );
    await users.setPassword(id, hash, true);
    await users.setLock(id, 0, null);
    const ended = await sessions.revokeAllOf(id, by.name);
    await audit({
      ...by,
      action: 'user.password-reset',
      target: id,
      details: { username: user.username, sessionsEnded: ended.length },
    });
    return { user: (await users.byId(id))!, oneTimePassword: password };
  });
}

export async function unlockUser(ctx: AccountsContext, id: string, by: Actor): Promise<UserRecord> {
  return ctx.tx(async ({ users, audit }) => {
    const user = await users.byId(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    await users.setLock(id, 0, null);
    await audit({ ...by, action: 'account.unlock', target: id, details: { username: user.username } });
    return (await users.byId(id))!;
  });
}

/** Disabling ends every session at once; enabling lets the user sign in again. */
export async function setDisabled(ctx: AccountsContext, id: string, disabled: boolean, by: Actor): Promise<UserRecord> {
  return ctx.tx(async ({ users, sessions, audit }) => {
    const current = await users.byId(id);
    if (!current) throw new NotFoundError(`user ${id} not found`);
    if (disabled) await keepAnAdmin(users, current, 'disabling it');
    const user = await users.setDisabled(id, disabled);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    const ended = disabled ? await sessions.revokeAllOf(id, by.name) : [];
    await audit({
      ...by,
      action: disabled ? 'user.disable' : 'user.enable',
      target: id,
      details: { username: user.username, sessionsEnded: ended.length },
    });
    return user;
  });
}

/** Clears a user's TOTP (a lost phone): the user enrols again at next sign-in if a role requires it. */
export async function clearTotp(ctx: AccountsContext, id: string, by: Actor): Promise<UserRecord> {
  return ctx.tx(async ({ users, audit }) => {
    const user = await users.byId(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    await users.setTotp(id, null, null);
    await audit({ ...by, action: 'user.totp-clear', target: id, details: { username: user.username } });
    return (await users.byId(id))!;
  });
}
