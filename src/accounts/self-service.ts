// What a signed-in user does to their own account: change the password (a first one must be changed), enrol
// or remove TOTP. Each change and its audit entry commit together.
import { BadInputError, ConflictError, ForbiddenError } from '../lib/errors.js';
import { type AccountsContext, actorOf, totpRequired } from './accounts-context.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { passwordProblem } from './password-policy.js';
import { acceptTotp, newTotpSecret, totpUri } from './totp.js';
import { totpQrSvg } from './totp-qr.js';

/** Sets a new password after checking the current one; ends the user's other sessions. */
export async function changePassword(
  ctx: AccountsContext,
  userId: string,
  current: string,
  next: string,
  sessionId: string | null,
): Promise<void> {
  const row = await ctx.users.forUpdate(userId);
  if (!row) throw new ForbiddenError('no such account');
  const { user, credentials } = row;
  if (!credentials.passwordHash)
    throw new ConflictError('this account signs in through the identity provider: its password is kept there');
  if (!(await verifyPassword(current, credentials.passwordHash)))
    throw BadInputError.field('currentPassword', 'is not the current password');
  if (current === next) throw BadInputError.field('newPassword', 'must differ from the current password');
  const problem = passwordProblem(next, ctx.config.password, user);
  if (problem) throw BadInputError.field('newPassword', problem);
  const hash = await hashPassword(next, ctx.config.scrypt);
  await ctx.tx(async ({ users, sessions, audit }) => {
    await users.setPassword(userId, hash, false);
    const ended = await sessions.revokeAllOf(userId, 'password change', sessionId);
    await audit({
      ...actorOf(user),
      action: 'user.password-change',
      target: userId,
      details: { first: user.mustChangePassword, otherSessionsEnded: ended.length },
    });
  });
}

/** Starts TOTP enrolment: a new secret, pending until a code from it is confirmed. */
export async function beginTotp(
  ctx: AccountsContext,
  userId: string,
): Promise<{ secret: string; uri: string; qrSvg: string }> {
  const user = await ctx.users.byId(userId);
  if (!user) throw new ForbiddenError('no such account');
  if (user.totpEnabled)
    throw new ConflictError('TOTP is already on for this account: remove it first to enrol another device');
  const secret = newTotpSecret();
  await ctx.users.setTotpPending(userId, ctx.sealTotp(secret));
  const uri = totpUri(secret, user.username, ctx.config.totp.issuer);
  return { secret, uri, qrSvg: await totpQrSvg(uri) };
}

export async function confirmTotp(ctx: AccountsContext, userId: string, code: string): Promise<void> {
  const row = await ctx.users.forUpdate(userId);
  if (!row?.credentials.totpPendingSecret)
    throw new ConflictError('no TOTP enrolment in progress: POST /session/totp first');
  const step = acceptTotp(ctx.openTotp(row.credentials.totpPendingSecret), code.trim(), null, ctx.now().getTime());
  if (step === null)
    throw BadInputError.field('code', 'is not the current code of the new secret (check the device clock)');
  await ctx.tx(async ({ users, audit }) => {
    await users.setTotp(userId, row.credentials.totpPendingSecret, step);
    await audit({ ...actorOf(row.user), action: 'user.totp-enable', target: userId, details: {} });
  });
}

/** Removes TOTP with a current code, unless one of the user's roles requires it. */
export async function removeTotp(ctx: AccountsContext, userId: string, code: string): Promise<void> {
  const row = await ctx.users.forUpdate(userId);
  if (!row?.credentials.totpSecret) throw new ConflictError('TOTP is not on for this account');
  if (totpRequired(row.user, ctx.config))
    throw new ForbiddenError(
      `TOTP is required for role ${row.user.roles.filter((r) => ctx.config.totp.requiredFor.includes(r)).join(', ')}: it cannot be removed (an admin can reset it)`,
    );
  const step = acceptTotp(
    ctx.openTotp(row.credentials.totpSecret),
    code.trim(),
    row.credentials.totpLastStep,
    ctx.now().getTime(),
  );
  if (step === null) throw BadInputError.field('code', 'wrong or reused one-time code');
  await ctx.tx(async ({ users, audit }) => {
    await users.setTotp(userId, null, null);
    await audit({ ...actorOf(row.user), action: 'user.totp-disable', target: userId, details: {} });
  });
}
