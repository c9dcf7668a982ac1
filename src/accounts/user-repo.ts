// The users table: one shape out (UserRecord), secrets only through credentials(); rows stay private here.
import { randomUUID } from 'node:crypto';
import type { Scope } from '../domain/scope.js';
import type { Db } from '../store/db.js';
import type { Role } from '../store/token-repo.js';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  subject: string | null;
  scope: Scope | null;
  hasPassword: boolean;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  failedAttempts: number;
  lockedUntil: Date | null;
  oidc: { issuer: string; subject: string } | null;
  createdAt: Date;
  disabledAt: Date | null;
}

/** What sign-in checks: never leaves the accounts module. */
export interface Credentials {
  passwordHash: string | null;
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpLastStep: number | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  subject: string | null;
  scope: Scope | null;
  password_hash: string | null;
  must_change_password: boolean;
  failed_attempts: number;
  locked_until: Date | string | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | number | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: Date | string;
  disabled_at: Date | string | null;
}

const date = (d: Date | string | null) => (d === null ? null : new Date(d));

function toRecord(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    subject: r.subject,
    scope: r.scope,
    hasPassword: r.password_hash !== null,
    mustChangePassword: r.must_change_password,
    totpEnabled: r.totp_secret !== null,
    failedAttempts: r.failed_attempts,
    lockedUntil: date(r.locked_until),
    oidc: r.oidc_issuer && r.oidc_subject ? { issuer: r.oidc_issuer, subject: r.oidc_subject } : null,
    createdAt: new Date(r.created_at),
    disabledAt: date(r.disabled_at),
  };
}

export interface NewUser {
  username: string;
  displayName: string;
  roles: Role[];
  subject: string | null;
  scope: Scope | null;
  passwordHash: string | null;
  mustChangePassword: boolean;
  oidc?: { issuer: string; subject: string };
}

export type UserChange = Partial<Pick<UserRecord, 'displayName' | 'roles' | 'subject' | 'scope'>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UserRepo {
  constructor(readonly db: Db) {}

  on(db: Db): UserRepo {
    return new UserRepo(db);
  }

  async create(u: NewUser): Promise<UserRecord> {
    const [row] = await this.db.query<UserRow>(
      `insert into users (id, username, display_name, roles, subject, scope, password_hash, must_change_password, oidc_issuer, oidc_subject)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) returning *`,
      [
        randomUUID(),
        u.username,
        u.displayName,
        u.roles,
        u.subject,
        u.scope === null ? null : JSON.stringify(u.scope),
        u.passwordHash,
        u.mustChangePassword,
        u.oidc?.issuer ?? null,
        u.oidc?.subject ?? null,
      ],
    );
    return toRecord(row);
  }

  async byId(id: string): Promise<UserRecord | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.db.query<UserRow>('select * from users where id = $1', [id]);
    return row ? toRecord(row) : null;
  }

  async byUsername(username: string): Promise<UserRecord | null> {
    const [row] = await this.db.query<UserRow>('select * from users where username = $1', [username.toLowerCase()]);
    return row ? toRecord(row) : null;
  }

  async byOidc(issuer: string, subject: string): Promise<UserRecord | null> {
    const [row] = await this.db.query<UserRow>('select * from users where oidc_issuer = $1 and oidc_subject = $2', [
      issuer,
      subject,
    ]);
    return row ? toRecord(row) : null;
  }

  /** The row locked for update (sign-in counts failures on it: two wrong passwords at once both count). */
  async forUpdate(id: string): Promise<{ user: UserRecord; credentials: Credentials } | null> {
    const [row] = await this.db.query<UserRow>('select * from users where id = $1 for update', [id]);
    if (!row) return null;
    const step = row.totp_last_step;
    return {
      user: toRecord(row),
      credentials: {
        passwordHash: row.password_hash,
        totpSecret: row.totp_secret,
        totpPendingSecret: row.totp_pending_secret,
        totpLastStep: step === null ? null : Number(step),
      },
    };
  }

  async list(opts: { limit?: number } = {}): Promise<UserRecord[]> {
    const rows = await this.db.query<UserRow>('select * from users order by username limit $1', [
      Math.min(opts.limit ?? 1000, 10_000),
    ]);
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db.query<{ n: string | number }>('select count(*) as n from users');
    return Number(n);
  }

  /**
   * The ids of the enabled accounts holding the admin role, their rows locked until the transaction ends:
   * two admins demoting each other at the same moment cannot both pass the last-admin check.
   */
  async lockActiveAdmins(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select id from users where disabled_at is null and 'admin' = any(roles) order by id for update`,
    );
    return rows.map((r) => r.id);
  }

  async update(id: string, change: UserChange): Promise<UserRecord | null> {
    const [row] = await this.db.query<UserRow>(
      `update users set display_name = coalesce($2, display_name), roles = coalesce($3, roles),
         subject = case when $4::boolean then $5 else subject end, scope = case when $6::boolean then $7::jsonb else scope end
       where id = $1 returning *`,
      [
        id,
        change.displayName ?? null,
        change.roles ?? null,
        change.subject !== undefined,
        change.subject ?? null,
        change.scope !== undefined,
        change.scope ? JSON.stringify(change.scope) : null,
      ],
    );
    return row ? toRecord(row) : null;
  }

  async setPassword(id: string, passwordHash: string, mustChange: boolean): Promise<void> {
    await this.db.query(
      'update users set password_hash = $2, must_change_password = $3, password_changed_at = now() where id = $1',
      [id, passwordHash, mustChange],
    );
  }

  /** A re-hash with stronger parameters: the same password, so nothing else changes. */
  async rehash(id: string, passwordHash: string): Promise<void> {
    await this.db.query('update users set password_hash = $2 where id = $1', [id, passwordHash]);
  }

  async setLock(id: string, failedAttempts: number, lockedUntil: Date | null): Promise<void> {
    await this.db.query('update users set failed_attempts = $2, locked_until = $3 where id = $1', [
      id,
      failedAttempts,
      lockedUntil,
    ]);
  }

  async setTotpPending(id: string, secret: string | null): Promise<void> {
    await this.db.query('update users set totp_pending_secret = $2 where id = $1', [id, secret]);
  }

  /** Confirms the pending secret (or clears TOTP with null); lastStep is the step of the code just used. */
  async setTotp(id: string, secret: string | null, lastStep: number | null): Promise<void> {
    await this.db.query(
      'update users set totp_secret = $2, totp_pending_secret = null, totp_last_step = $3 where id = $1',
      [id, secret, lastStep],
    );
  }

  async useTotpStep(id: string, step: number): Promise<void> {
    await this.db.query('update users set totp_last_step = $2 where id = $1', [id, step]);
  }

  async setDisabled(id: string, disabled: boolean): Promise<UserRecord | null> {
    const [row] = await this.db.query<UserRow>(
      'update users set disabled_at = case when $2 then now() else null end where id = $1 returning *',
      [id, disabled],
    );
    return row ? toRecord(row) : null;
  }
}
