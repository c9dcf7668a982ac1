// Authorisations for live face matching: who approved it, on what legal basis, where, when, and the watchlist it froze.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { isUuid } from './subject-repo.js';

export interface Authorisation {
  id: string;
  approved_by: string;
  legal_reference: string;
  cameras: string[];
  districts: string[];
  starts_at: string;
  ends_at: string;
  created_by: string;
  snapshot_subjects: string[] | null;
  snapshot_hash: string | null;
  snapshot_at: string | null;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuthorisationInput {
  approved_by: string;
  legal_reference: string;
  cameras: string[];
  districts: string[];
  starts_at: string;
  ends_at: string;
}

export type AuthorisationChange = Partial<Pick<AuthorisationInput, 'legal_reference' | 'cameras' | 'districts' | 'ends_at'>>;

type Row = Record<keyof Authorisation, unknown>;
const DATES = ['starts_at', 'ends_at', 'snapshot_at', 'ended_at', 'created_at', 'updated_at'] as const;

function toAuthorisation(r: Row): Authorisation {
  const out = { ...r } as Record<string, unknown>;
  for (const k of DATES) out[k] = r[k] === null ? null : new Date(r[k] as string).toISOString();
  return out as unknown as Authorisation;
}

export class AuthorisationRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): AuthorisationRepo {
    return new AuthorisationRepo(db);
  }

  async create(input: AuthorisationInput, createdBy: string): Promise<Authorisation> {
    const id = randomUUID();
    await this.db.query(
      `insert into face_authorisations (id, approved_by, legal_reference, cameras, districts, starts_at, ends_at, created_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [id, input.approved_by, input.legal_reference, input.cameras, input.districts, input.starts_at, input.ends_at, createdBy],
    );
    return (await this.get(id)) as Authorisation;
  }

  async get(id: string): Promise<Authorisation | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.query<Row>('select * from face_authorisations where id = $1', [id]);
    return row ? toAuthorisation(row) : null;
  }

  async list(opts: { includeEnded?: boolean; limit?: number } = {}): Promise<Authorisation[]> {
    const rows = await this.db.query<Row>(
      `select * from face_authorisations where $1 or (ended_at is null and ends_at > now()) order by starts_at desc limit $2`,
      [opts.includeEnded ?? false, Math.min(opts.limit ?? 100, 1000)],
    );
    return rows.map(toAuthorisation);
  }

  /** Authorisations not ended by hand whose window has not closed by `at` (current and future ones). */
  async openAt(at: Date): Promise<Authorisation[]> {
    const rows = await this.db.query<Row>('select * from face_authorisations where ended_at is null and ends_at > $1 order by starts_at', [at.toISOString()]);
    return rows.map(toAuthorisation);
  }

  async change(id: string, c: AuthorisationChange): Promise<Authorisation | null> {
    const rows = await this.db.query(
      `update face_authorisations set legal_reference = coalesce($2, legal_reference), cameras = coalesce($3, cameras),
         districts = coalesce($4, districts), ends_at = coalesce($5::timestamptz, ends_at), updated_at = now()
       where id = $1 and ended_at is null returning id`,
      [id, c.legal_reference ?? null, c.cameras ?? null, c.districts ?? null, c.ends_at ?? null],
    );
    return rows.length ? this.get(id) : null;
  }

  async end(id: string, by: string, reason: string): Promise<Authorisation | null> {
    const rows = await this.db.query(
      `update face_authorisations set ended_at = now(), ended_by = $2, end_reason = $3, updated_at = now()
       where id = $1 and ended_at is null returning id`,
      [id, by, reason],
    );
    return rows.length ? this.get(id) : null;
  }

  /**
   * Freezes the watchlist snapshot once: a second call (another process got there first) changes
   * nothing, unless `replace` (an admin's audited refreeze, to bring in subjects listed since).
   */
  async freezeSnapshot(id: string, subjects: string[], hash: string, replace = false): Promise<Authorisation | null> {
    await this.db.query(
      `update face_authorisations set snapshot_subjects = $2, snapshot_hash = $3, snapshot_at = now(), updated_at = now()
       where id = $1 and (snapshot_hash is null or $4)`,
      [id, subjects, hash, replace],
    );
    return this.get(id);
  }
}
