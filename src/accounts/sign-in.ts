// Password sign-in (with TOTP when enrolled), lockout, and the sessions it opens: resolved per request,
// ended by sign-out, idle time, the absolute limit, or revocation. Every outcome is audited with its change.
import { UnauthenticatedError } from '../lib/errors.js';
import {
  type AccountsContext,
  actorOf,
  primaryRole,
  restrictionOf,
  userPrincipal,
  type Restriction,
} from './accounts-context.js';
import { afterFailure, lockedMessage, lockedUntil } from './lockout.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import type { SessionRecord } from './session-repo.js';
import { acceptTotp } from './totp.js';
import type { UserRecord } from './user-repo.js';
import type { Principal } from '../store/token-repo.js';

export interface SignInInput {
  username: string;
  password: string;
  totp?: string;
  ip: string | null;
  userAgent: string | null;
}

export interface Opened {
  secret: string;
  session: SessionRecord;
  user: UserRecord;
}

const WRONG = 'wrong username or password';

/** Refusals a sign-in can end in: the page reads `reason` (and shows the code field on totp-required). */
function refused(
  message: string,
  reason: 'wrong' | 'locked' | 'totp-required' | 'totp-wrong' | 'disabled' | 'no-password',
): UnauthenticatedError {
  return new UnauthenticatedError(message, { extra: { reason } });
}

export async function signIn(ctx: AccountsContext, input: SignInInput): Promise<Opened> {
  const username = input.username.trim().toLowerCase();
  const found = await ctx.users.byUsername(username);
  const now = ctx.now();
  if (!found) {
    // As slow as a real check, so the answer's time does not tell which usernames exist.
    await verifyPassword(input.password, await decoyHash(ctx.config.scrypt));
    await ctx.tx(({ audit }) =>
      audit({
        actor: username,
        role: 'none',
        action: 'signin.failure',
        target: null,
        details: { reason: 'unknown user', ip: input.ip },
      }),
    );
    throw refused(WRONG, 'wrong');
  }
  const until = lockedUntil(found, now);
  if (until) {
    await ctx.tx(({ audit }) =>
      audit({
        ...actorOf(found),
        action: 'signin.failure',
        target: found.id,
        details: { reason: 'locked', ip: input.ip },
      }),
    );
    throw refused(lockedMessage(until, now), 'locked');
  }
  const creds = (await ctx.users.forUpdate(found.id))!.credentials;
  // scrypt runs outside the transaction: the embedded database has one connection, which must not wait on it.
  const passwordOk = creds.passwordHash !== null && (await verifyPassword(input.password, creds.passwordHash));
  if (!passwordOk)
    return failure(
      ctx,
      found,
      input,
      creds.passwordHash === null ? 'no password (signs in through the identity provider)' : 'wrong password',
    );
  if (found.disabledAt) {
    await ctx.tx(({ audit }) =>
      audit({
        ...actorOf(found),
        action: 'signin.failure',
        target: found.id,
        details: { reason: 'disabled', ip: input.ip },
      }),
    );
    throw refused('this account is disabled: ask an administrator', 'disabled');
  }
  let totpStep: number | null = null;
  if (creds.totpSecret) {
    if (!input.totp) throw refused('enter the 6-digit code from your authenticator app', 'totp-required');
    totpStep = acceptTotp(ctx.openTotp(creds.totpSecret), input.totp.trim(), creds.totpLastStep, now.getTime());
    if (totpStep === null) return failure(ctx, found, input, 'wrong or reused one-time code');
  }
  const rehash = needsRehash(creds.passwordHash!, ctx.config.scrypt)
    ? await hashPassword(input.password, ctx.config.scrypt)
    : null;
  return ctx.tx(async ({ users, sessions, audit }) => {
    await users.setLock(found.id, 0, null);
    if (totpStep !== null) await users.useTotpStep(found.id, totpStep);
    if (rehash) await users.rehash(found.id, rehash);
    const opened = await openSession(ctx, sessions, found, 'password', input);
    await audit({
      ...actorOf(found),
      action: 'signin',
      target: found.id,
      details: { session: opened.session.id, method: 'password', totp: totpStep !== null, ip: input.ip },
    });
    return { ...opened, user: found };
  });
}

async function failure(ctx: AccountsContext, user: UserRecord, input: SignInInput, reason: string): Promise<never> {
  const now = ctx.now();
  const locked = await ctx.tx(async ({ users, audit }) => {
    // Counted on the row as it is now (locked for update): failures racing each other all count.
    const fresh = (await users.forUpdate(user.id))!.user;
    const next = afterFailure(fresh, ctx.config.lockout, now);
    await users.setLock(user.id, next.failedAttempts, next.lockedUntil);
    await audit({
      ...actorOf(user),
      action: 'signin.failure',
      target: user.id,
      details: {
        reason,
        ip: input.ip,
        failedAttempts: next.locked ? ctx.config.lockout.maxFailures : next.failedAttempts,
      },
    });
    if (next.locked) {
      await audit({
        ...actorOf(user),
        action: 'account.lock',
        target: user.id,
        details: { until: next.lockedUntil!.toISOString(), after: ctx.config.lockout.maxFailures },
      });
    }
    return next.locked ? next.lockedUntil : null;
  });
  if (locked) throw refused(`${reason === 'wrong password' ? WRONG : reason}; ${lockedMessage(locked, now)}`, 'locked');
  throw refused(
    reason.includes('code') ? 'wrong or reused one-time code' : WRONG,
    reason.includes('code') ? 'totp-wrong' : 'wrong',
  );
}

export async function openSession(
  ctx: AccountsContext,
  sessions: AccountsContext['sessions'],
  user: UserRecord,
  method: 'password' | 'oidc',
  from: { ip: string | null; userAgent: string | null },
  idToken: string | null = null,
): Promise<{ secret: string; session: SessionRecord }> {
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.config.session.absoluteHours * 3_600_000);
  return sessions.create({ userId: user.id, method, now, expiresAt, ip: from.ip, userAgent: from.userAgent, idToken });
}

export type Resolved =
  | { ok: true; principal: Principal; session: SessionRecord; user: UserRecord; restriction: Restriction }
  | { ok: false; reason: string };

/** Touch last_seen at most this often: the idle clock is this coarse, and a page's polling does not write each time. */
const TOUCH_EVERY_MS = 15_000;

/** The session a cookie names, if it is live: not revoked, not idle too long, not past its end, its user enabled. */
export async function resolveSession(ctx: AccountsContext, secret: string): Promise<Resolved> {
  const session = await ctx.sessions.bySecret(secret);
  return session ? live(ctx, session, true) : { ok: false, reason: 'unknown session: sign in again' };
}

/** The same checks for a session named by id (a signed media URL names its session by id, never by secret). */
export async function resolveSessionId(ctx: AccountsContext, id: string): Promise<Resolved> {
  const session = await ctx.sessions.byId(id);
  return session ? live(ctx, session, false) : { ok: false, reason: 'unknown session' };
}

async function live(ctx: AccountsContext, session: SessionRecord, touch: boolean): Promise<Resolved> {
  const now = ctx.now();
  if (session.revokedAt)
    return {
      ok: false,
      reason: `this session was ${session.revokedBy === 'signout' ? 'signed out' : 'revoked'}: sign in again`,
    };
  if (session.expiresAt <= now) return { ok: false, reason: 'this session has reached its time limit: sign in again' };
  const idleMs = ctx.config.session.idleMinutes * 60_000;
  if (now.getTime() - session.lastSeenAt.getTime() > idleMs)
    return { ok: false, reason: 'this session expired after inactivity: sign in again' };
  const user = await ctx.users.byId(session.userId);
  if (!user || user.disabledAt) return { ok: false, reason: 'this account is disabled' };
  if (touch && now.getTime() - session.lastSeenAt.getTime() > Math.min(TOUCH_EVERY_MS, idleMs / 4))
    await ctx.sessions.touch(session.id, now);
  return {
    ok: true,
    principal: userPrincipal(user, session),
    session,
    user,
    restriction: restrictionOf(user, ctx.config),
  };
}

/** Ends a session: the owner's sign-out, or a revocation by its owner or an admin; audited either way. */
export async function endSession(
  ctx: AccountsContext,
  id: string,
  by: { name: string; role: string; signOut?: boolean },
): Promise<SessionRecord | null> {
  return ctx.tx(async ({ sessions, audit }) => {
    const ended = await sessions.revoke(id, by.signOut ? 'signout' : by.name);
    if (ended)
      await audit({
        actor: by.name,
        role: by.role,
        action: by.signOut ? 'session.signout' : 'session.revoke',
        target: ended.id,
        details: { user: ended.userId },
      });
    return ended;
  });
}

export { primaryRole };
