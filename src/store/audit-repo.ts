// The append-only, hash-chained audit log: who did what, when and why; verify() re-walks the chain.
import { createHash } from 'node:crypto';
import type { Db } from './db.js';

export interface AuditInput {
  actor: string;
  role: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends Required<AuditInput> {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: string | number;
  at: Date | string;
  actor: string;
  role: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
// Serialises appenders across processes sharing one PostgreSQL; PGlite has one connection anyway.
const LOCK_KEY = 7_311_001;

export function hashEntry(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  const body = JSON.stringify([e.seq, e.at, e.actor, e.role, e.action, e.target, canonical(e.details)]);
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** JSON with sorted keys, so a jsonb round trip (which reorders keys) hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export class AuditRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): AuditRepo {
    return new AuditRepo(db);
  }

  async append(input: AuditInput): Promise<AuditEntry> {
    return this.db.tx(async (t) => {
      await t.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const [last] = await t.query<{ seq: string; hash: string }>(
        'select seq, hash from audit_log order by seq desc limit 1',
      );
      const base = {
        seq: last ? Number(last.seq) + 1 : 1,
        at: new Date().toISOString(),
        actor: input.actor,
        role: input.role,
        action: input.action,
        target: input.target ?? null,
        details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
      };
      const prevHash = last?.hash ?? GENESIS;
      const hash = hashEntry(prevHash, base);
      await t.query(
        'insert into audit_log (seq, at, actor, role, action, target, details, prev_hash, hash) values ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [
          base.seq,
          base.at,
          base.actor,
          base.role,
          base.action,
          base.target,
          JSON.stringify(base.details),
          prevHash,
          hash,
        ],
      );
      return { ...base, prevHash, hash };
    });
  }

  async list(opts: { limit?: number; afterSeq?: number; action?: string } = {}): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditRow>(
      `select * from audit_log where seq > $1 and ($2::text is null or action = $2) order by seq limit $3`,
      [opts.afterSeq ?? 0, opts.action ?? null, Math.min(opts.limit ?? 100, 1000)],
    );
    return rows.map(toEntry);
  }

  /** How many entries there are (of one action, when given). */
  async count(opts: { action?: string } = {}): Promise<number> {
    const [{ n }] = await this.db.query<{ n: string | number }>(
      'select count(*) as n from audit_log where ($1::text is null or action = $1)',
      [opts.action ?? null],
    );
    return Number(n);
  }

  /** Re-computes every hash; returns the first broken sequence number, or null when intact. */
  async verify(): Promise<{ entries: number; brokenAt: number | null }> {
    let prev = GENESIS;
    let count = 0;
    for (let after = 0; ;) {
      const page = await this.list({ afterSeq: after, limit: 1000 });
      if (!page.length) break;
      for (const e of page) {
        if (e.prevHash !== prev || hashEntry(prev, e) !== e.hash) return { entries: count, brokenAt: e.seq };
        prev = e.hash;
        count++;
      }
      after = page[page.length - 1].seq;
    }
    return { entries: count, brokenAt: null };
  }
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString(),
    actor: r.actor,
    role: r.role,
    action: r.action,
    target: r.target,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
