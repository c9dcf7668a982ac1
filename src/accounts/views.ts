// What the API shows of accounts and sessions (camelCase), with the zod schemas the contract documents.
import { z } from 'zod';
import { ROLES, type Principal } from '../store/token-repo.js';
import type { AccountsConfig } from '../config/accounts.js';
import type { SessionRecord } from './session-repo.js';
import type { UserRecord } from './user-repo.js';
import type { Restriction } from './accounts-context.js';

const iso = z.string().describe('ISO 8601 time, UTC');
const scopeView = z
  .object({ districts: z.array(z.string()), cameras: z.array(z.string()) })
  .nullable()
  .describe('Districts and cameras this account may see; null: everywhere');

export const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  subject: z.string().nullable().describe('Unit id (role unit) or checkpoint camera id (role checkpoint)'),
  scope: scopeView,
  hasPassword: z.boolean().describe('False for an account that signs in through the identity provider only'),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  lockedUntil: iso.nullable(),
  failedAttempts: z.number().int(),
  oidcIssuer: z.string().nullable(),
  createdAt: iso,
  disabledAt: iso.nullable(),
});
export type UserView = z.infer<typeof userView>;

export function toUserView(u: UserRecord, now: Date): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    subject: u.subject,
    scope: u.scope,
    hasPassword: u.hasPassword,
    mustChangePassword: u.mustChangePassword,
    totpEnabled: u.totpEnabled,
    lockedUntil: u.lockedUntil && u.lockedUntil > now ? u.lockedUntil.toISOString() : null,
    failedAttempts: u.failedAttempts,
    oidcIssuer: u.oidc?.issuer ?? null,
    createdAt: u.createdAt.toISOString(),
    disabledAt: u.disabledAt?.toISOString() ?? null,
  };
}

export const sessionView = z.object({
  id: z.string(),
  userId: z.string(),
  method: z.enum(['password', 'oidc']),
  createdAt: iso,
  lastSeenAt: iso,
  expiresAt: iso.describe('The absolute end'),
  idleExpiresAt: iso.describe('When it ends unless used before'),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean().describe('The session this request came with'),
});
export type SessionView = z.infer<typeof sessionView>;

export function toSessionView(s: SessionRecord, cfg: AccountsConfig, currentId: string | undefined): SessionView {
  return {
    id: s.id,
    userId: s.userId,
    method: s.method,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    idleExpiresAt: new Date(
      Math.min(s.expiresAt.getTime(), s.lastSeenAt.getTime() + cfg.session.idleMinutes * 60_000),
    ).toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === currentId,
  };
}

/** GET /session: who the caller is, how they came, and what the page needs. */
export const whoView = z.object({
  name: z.string().describe('Username, or the token name'),
  displayName: z.string(),
  role: z.enum(ROLES).describe('The highest of `roles`'),
  roles: z.array(z.enum(ROLES)),
  subject: z.string().nullable(),
  personId: z.string(),
  scope: scopeView,
  via: z.enum(['session', 'token']),
  timezone: z.string(),
  restriction: z
    .enum(['password-change', 'totp-setup'])
    .nullable()
    .describe('What the user must do before anything else'),
  totpEnabled: z.boolean().nullable(),
  csrfToken: z.string().nullable().describe('Echo in X-CSRF-Token on every write made with the session cookie'),
  sessionId: z.string().nullable(),
  expiresAt: iso.nullable(),
});
export type WhoView = z.infer<typeof whoView>;

export function toWhoView(
  p: Principal,
  timezone: string,
  s?: { user: UserRecord; session: SessionRecord; restriction: Restriction },
): WhoView {
  return {
    name: p.name,
    displayName: s?.user.displayName ?? p.name,
    role: p.role,
    roles: [...(p.roles ?? [p.role])],
    subject: p.subject,
    personId: p.personId,
    scope: p.scope,
    via: s ? 'session' : 'token',
    timezone,
    restriction: s?.restriction ?? null,
    totpEnabled: s ? s.user.totpEnabled : null,
    csrfToken: s?.session.csrfToken ?? null,
    sessionId: s?.session.id ?? null,
    expiresAt: s?.session.expiresAt.toISOString() ?? null,
  };
}
