// API bearer tokens: random secrets shown once, stored only as sha256 hashes, each with a role and scope.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Scope } from '../domain/scope.js';
import type { Db } from './db.js';

export const ROLES = ['admin', 'operator', 'investigator', 'checkpoint', 'unit', 'maintenance'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** The unit id for a unit token, the checkpoint camera id for a checkpoint token. */
  subject: string | null;
  /** Who acts, counted as one person (four eyes means two personIds): the user id, or the token id for a device token. */
  personId: string;
  /** Where this principal may look; null is everywhere. */
  scope: Scope | null;
  /** Every role of a user account (requireRole admits any of them); `role` is the highest of them. Tokens: [role]. */
  roles?: readonly Role[];
  /** The sign-in session (cookie) this principal came with; absent for tokens. `tokenId` is then the session id. */
  sessionId?: string;
}

/** A token as an administrator lists it: never its secret or hash. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  subject: string | null;
  createdAt: string;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  subject: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const toView = (r: TokenRow): TokenView => ({
  id: r.id,
  name: r.name,
  role: r.role,
  subject: r.subject,
  createdAt: iso(r.created_at),
  revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
});

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class TokenRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): TokenRepo {
    return new TokenRepo(db);
  }

  /** Creates a token and returns its secret; only the hash is kept, so it cannot be shown again. */
  async create(
    name: string,
    role: Role,
    subject: string | null = null,
  ): Promise<{ token: string; principal: Principal }> {
    if ((role === 'unit' || role === 'checkpoint') && !subject) {
      throw new Error(`a ${role} token needs a subject (the ${role === 'unit' ? 'unit id' : 'checkpoint camera id'})`);
    }
    const token = `vgl_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    await this.db.query('insert into api_tokens (id, name, role, subject, token_hash) values ($1,$2,$3,$4,$5)', [
      id,
      name,
      role,
      subject,
      hashToken(token),
    ]);
    return { token, principal: { tokenId: id, name, role, subject, personId: id, scope: null } };
  }

  async resolve(token: string): Promise<Principal | null> {
    const [row] = await this.db.query<{ id: string; name: string; role: Role; subject: string | null }>(
      'select id, name, role, subject from api_tokens where token_hash = $1 and revoked_at is null',
      [hashToken(token)],
    );
    return row
      ? { tokenId: row.id, name: row.name, role: row.role, subject: row.subject, personId: row.id, scope: null }
      : null;
  }

  /** The principal of a live token by its id (signed media URLs name the token by id, never by secret). */
  async byId(id: string): Promise<Principal | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<{ id: string; name: string; role: Role; subject: string | null }>(
      'select id, name, role, subject from api_tokens where id = $1 and revoked_at is null',
      [id],
    );
    return row
      ? { tokenId: row.id, name: row.name, role: row.role, subject: row.subject, personId: row.id, scope: null }
      : null;
  }

  /** Every token, newest first, revoked ones included (with when). */
  async list(opts: { includeRevoked?: boolean; limit?: number } = {}): Promise<TokenView[]> {
    const rows = await this.db.query<TokenRow>(
      'select id, name, role, subject, created_at, revoked_at from api_tokens where ($1 or revoked_at is null) order by created_at desc limit $2',
      [opts.includeRevoked ?? false, Math.min(opts.limit ?? 1000, 10_000)],
    );
    return rows.map(toView);
  }

  /** Revokes one token; null when no live token has that id. */
  async revoke(id: string): Promise<TokenView | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<TokenRow>(
      'update api_tokens set revoked_at = now() where id = $1 and revoked_at is null returning id, name, role, subject, created_at, revoked_at',
      [id],
    );
    return row ? toView(row) : null;
  }

  /** Revokes every live token whose name starts with prefix; returns how many. */
  async revokeByPrefix(prefix: string): Promise<number> {
    const rows = await this.db.query(
      `update api_tokens set revoked_at = now() where revoked_at is null and name like $1 || '%' returning id`,
      [prefix],
    );
    return rows.length;
  }
}
