// What every account operation works with: the repositories, the config, the clock, and audit-in-one-transaction.
import type { AccountsConfig } from '../config/accounts.js';
import { AuditRepo, type AuditInput } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import { ROLES, type Principal, type Role } from '../store/token-repo.js';
import { UnavailableError } from '../lib/errors.js';
import { SessionRepo, type SessionRecord } from './session-repo.js';
import { TotpSeal } from './totp-seal.js';
import { UserRepo, type UserRecord } from './user-repo.js';

/** Who made a change, as the audit log records it. */
export interface Actor {
  name: string;
  role: string;
}

/** An audit entry whose actor is given as the audit log names it (actor) or as an Actor (name). */
export type AuditEntryInput = Omit<AuditInput, 'actor'> & ({ actor: string } | { name: string });

export class AccountsContext {
  readonly users: UserRepo;
  readonly sessions: SessionRepo;

  constructor(
    readonly db: Db,
    readonly config: AccountsConfig,
    /** The clock (tests move it to expire sessions and locks). */
    readonly now: () => Date = () => new Date(),
    /** VIGIL_TOTP_KEY: seals TOTP secrets at rest; without it no one can enrol TOTP. */
    totpKey?: string,
  ) {
    this.users = new UserRepo(db);
    this.sessions = new SessionRepo(db);
    this.totpSeal = totpKey ? new TotpSeal(totpKey) : null;
  }

  private readonly totpSeal: TotpSeal | null;

  /** A TOTP secret as stored (sealed); refuses when no key is configured, rather than store it in the clear. */
  sealTotp(base32: string): string {
    if (!this.totpSeal)
      throw new UnavailableError(
        'TOTP enrolment is off on this node: an administrator must set VIGIL_TOTP_KEY (or VIGIL_TOTP_KEY_FILE), at least 32 random characters, the same on every API node',
      );
    return this.totpSeal.seal(base32);
  }

  /** The base32 secret of a stored one (sealed, or plain from before sealing). */
  openTotp(stored: string): string {
    if (!stored.startsWith('v1$')) return stored;
    if (!this.totpSeal)
      throw new UnavailableError(
        "this account's TOTP secret is sealed, but VIGIL_TOTP_KEY is not set on this node: an administrator must set it",
      );
    return this.totpSeal.open(stored);
  }

  /** Live sessions (of one user when given), newest first. */
  liveSessions(opts: { userId?: string; limit?: number } = {}) {
    const now = this.now();
    return this.sessions.list({
      ...opts,
      now,
      seenSince: new Date(now.getTime() - this.config.session.idleMinutes * 60_000),
    });
  }

  /** Runs the change and its audit entries in one transaction: both commit or neither. */
  tx<T>(
    fn: (r: { users: UserRepo; sessions: SessionRepo; audit: (e: AuditEntryInput) => Promise<void> }) => Promise<T>,
  ): Promise<T> {
    return this.db.tx(async (t) => {
      const audit = new AuditRepo(t);
      const append = async (e: AuditEntryInput) => {
        const { name, actor, ...rest } = e as AuditEntryInput & { name?: string; actor?: string };
        await audit.append({ ...rest, actor: actor ?? name ?? 'unknown' });
      };
      return fn({ users: this.users.on(t), sessions: this.sessions.on(t), audit: append });
    });
  }
}

/** Highest first: a user's `role` (what role-specific views read) is the first of these the user has. */
const RANK: readonly Role[] = ['admin', 'operator', 'investigator', 'maintenance', 'checkpoint', 'unit'];
export const primaryRole = (roles: readonly Role[]): Role => RANK.find((r) => roles.includes(r)) ?? roles[0];
export const sortRoles = (roles: readonly Role[]): Role[] => ROLES.filter((r) => roles.includes(r));

/** A signed-in user's principal: the person is the user, the scope the user's, tokenId the session's id. */
export function userPrincipal(user: UserRecord, session: SessionRecord): Principal {
  return {
    tokenId: session.id,
    sessionId: session.id,
    name: user.username,
    role: primaryRole(user.roles),
    roles: user.roles,
    subject: user.subject,
    personId: user.id,
    scope: user.scope,
  };
}

export const actorOf = (user: UserRecord): Actor => ({ name: user.username, role: primaryRole(user.roles) });

/** Why this user must do something before anything else: set a first password, or enrol TOTP that a role requires. */
export type Restriction = 'password-change' | 'totp-setup' | null;

export function restrictionOf(user: UserRecord, config: AccountsConfig): Restriction {
  if (user.mustChangePassword && user.hasPassword) return 'password-change';
  if (!user.totpEnabled && totpRequired(user, config)) return 'totp-setup';
  return null;
}

/** Scopes compared as sets (jsonb reorders keys; lists may come in any order). */
export function sameScope(
  a: { districts: string[]; cameras: string[] } | null,
  b: { districts: string[]; cameras: string[] } | null,
): boolean {
  const norm = (s: typeof a) =>
    s === null ? 'null' : JSON.stringify([[...s.districts].sort(), [...s.cameras].sort()]);
  return norm(a) === norm(b);
}

export const totpRequired = (user: Pick<UserRecord, 'roles'>, config: AccountsConfig) =>
  user.roles.some((r) => config.totp.requiredFor.includes(r));
