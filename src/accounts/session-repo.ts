// The user_sessions table: a cookie's secret is stored as its sha256 only; one shape out (SessionRecord).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';

export interface SessionRecord {
  id: string;
  userId: string;
  csrfToken: string;
  method: 'password' | 'oidc';
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  ip: string | null;
  userAgent: string | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  csrf_token: string;
  method: 'password' | 'oidc';
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  revoked_by: string | null;
  ip: string | null;
  user_agent: string | null;
}

const COLUMNS =
  'id, user_id, csrf_token, method, created_at, last_seen_at, expires_at, revoked_at, revoked_by, ip, user_agent';

function toRecord(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    method: r.method,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    expiresAt: new Date(r.expires_at),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
    revokedBy: r.revoked_by,
    ip: r.ip,
    userAgent: r.user_agent,
  };
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export class SessionRepo {
  constructor(readonly db: Db) {}

  on(db: Db): SessionRepo {
    return new SessionRepo(db);
  }

  /** A new session; returns the cookie secret, which only the browser keeps. */
  async create(s: {
    userId: string;
    method: 'password' | 'oidc';
    now: Date;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
    /** The provider's ID token (OIDC sessions), kept for the sign-out's id_token_hint only. */
    idToken?: string | null;
  }): Promise<{ secret: string; session: SessionRecord }> {
    const secret = randomBytes(32).toString('base64url');
    const [row] = await this.db.query<SessionRow>(
      `insert into user_sessions (id, user_id, secret_hash, csrf_token, method, created_at, last_seen_at, expires_at, ip, user_agent, id_token)
       values ($1,$2,$3,$4,$5,$6,$6,$7,$8,$9,$10) returning ${COLUMNS}`,
      [
        randomUUID(),
        s.userId,
        hashSecret(secret),
        randomBytes(24).toString('base64url'),
        s.method,
        s.now,
        s.expiresAt,
        s.ip,
        s.userAgent?.slice(0, 300) ?? null,
        s.idToken ?? null,
      ],
    );
    return { secret, session: toRecord(row) };
  }

  async bySecret(secret: string): Promise<SessionRecord | null> {
    const [row] = await this.db.query<SessionRow>(`select ${COLUMNS} from user_sessions where secret_hash = $1`, [
      hashSecret(secret),
    ]);
    return row ? toRecord(row) : null;
  }

  async byId(id: string): Promise<SessionRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<SessionRow>(`select ${COLUMNS} from user_sessions where id = $1`, [id]);
    return row ? toRecord(row) : null;
  }

  /** The provider's ID token of a live session (null for a password session or an ended one). */
  async idToken(id: string): Promise<string | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<{ id_token: string | null }>('select id_token from user_sessions where id = $1', [
      id,
    ]);
    return row?.id_token ?? null;
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.db.query('update user_sessions set last_seen_at = $2 where id = $1 and last_seen_at < $2', [id, now]);
  }

  /** Live sessions: not revoked, not past their absolute end, used since `seenSince` (the idle rule). */
  async list(opts: { userId?: string; now: Date; seenSince: Date; limit?: number }): Promise<SessionRecord[]> {
    const rows = await this.db.query<SessionRow>(
      `select ${COLUMNS} from user_sessions where ($1::uuid is null or user_id = $1) and revoked_at is null and expires_at > $2
         and last_seen_at >= $3 order by created_at desc limit $4`,
      [opts.userId ?? null, opts.now, opts.seenSince, Math.min(opts.limit ?? 200, 10_000)],
    );
    return rows.map(toRecord);
  }

  async revoke(id: string, by: string): Promise<SessionRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<SessionRow>(
      `update user_sessions set revoked_at = now(), revoked_by = $2, id_token = null where id = $1 and revoked_at is null returning ${COLUMNS}`,
      [id, by],
    );
    return row ? toRecord(row) : null;
  }

  /** Ends every live session of a user (password changed, roles changed, account disabled); returns their ids. */
  async revokeAllOf(userId: string, by: string, except: string | null = null): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      'update user_sessions set revoked_at = now(), revoked_by = $2, id_token = null where user_id = $1 and revoked_at is null and ($3::uuid is null or id <> $3) returning id',
      [userId, by, except],
    );
    return rows.map((r) => r.id);
  }
}
