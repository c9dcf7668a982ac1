// Authorisations for live face matching (domain/face-authorisation.ts): their rows, private here, and the one mapping to the record.
import { randomUUID } from 'node:crypto';
import type { Authorisation, AuthorisationChange, AuthorisationInput } from '../domain/face-authorisation.js';
import type { Db } from './db.js';
import { isUuid } from './subject-repo.js';

interface Row {
  id: string;
  approved_by: string;
  legal_reference: string;
  cameras: string[];
  districts: string[];
  starts_at: Date | string;
  ends_at: Date | string;
  created_by: string;
  snapshot_subjects: string[] | null;
  snapshot_hash: string | null;
  snapshot_at: Date | string | null;
  ended_at: Date | string | null;
  ended_by: string | null;
  end_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const isoOrNull = (v: Date | string | null) => (v === null ? null : iso(v));

/** Open ones (not ended, window not closed) unless $1 asks for all. */
const LISTED = '($1 or (ended_at is null and ends_at > now()))';

function toAuthorisation(r: Row): Authorisation {
  return {
    id: r.id,
    approvedBy: r.approved_by,
    legalReference: r.legal_reference,
    cameras: r.cameras,
    districts: r.districts,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    createdBy: r.created_by,
    snapshotSubjects: r.snapshot_subjects,
    snapshotHash: r.snapshot_hash,
    snapshotAt: isoOrNull(r.snapshot_at),
    endedAt: isoOrNull(r.ended_at),
    endedBy: r.ended_by,
    endReason: r.end_reason,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
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
      [
        id,
        input.approvedBy,
        input.legalReference,
        input.cameras,
        input.districts,
        input.startsAt,
        input.endsAt,
        createdBy,
      ],
    );
    return (await this.get(id)) as Authorisation;
  }

  async get(id: string): Promise<Authorisation | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.query<Row>('select * from face_authorisations where id = $1', [id]);
    return row ? toAuthorisation(row) : null;
  }

  async list(opts: { includeEnded?: boolean; limit?: number; offset?: number } = {}): Promise<Authorisation[]> {
    const rows = await this.db.query<Row>(
      `select * from face_authorisations where ${LISTED} order by starts_at desc, id limit $2 offset $3`,
      [opts.includeEnded ?? false, Math.min(opts.limit ?? 100, 1000), opts.offset ?? 0],
    );
    return rows.map(toAuthorisation);
  }

  /** How many the list shows (the page's total). */
  async count(opts: { includeEnded?: boolean } = {}): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number | string }>(
      `select count(*) as n from face_authorisations where ${LISTED}`,
      [opts.includeEnded ?? false],
    );
    return Number(n);
  }

  /** Authorisations not ended by hand whose window has not closed by `at` (current and future ones). */
  async openAt(at: Date): Promise<Authorisation[]> {
    const rows = await this.db.query<Row>(
      'select * from face_authorisations where ended_at is null and ends_at > $1 order by starts_at',
      [at.toISOString()],
    );
    return rows.map(toAuthorisation);
  }

  async change(id: string, c: AuthorisationChange): Promise<Authorisation | null> {
    const rows = await this.db.query(
      `update face_authorisations set legal_reference = coalesce($2, legal_reference), cameras = coalesce($3, cameras),
         districts = coalesce($4, districts), ends_at = coalesce($5::timestamptz, ends_at), updated_at = now()
       where id = $1 and ended_at is null returning id`,
      [id, c.legalReference ?? null, c.cameras ?? null, c.districts ?? null, c.endsAt ?? null],
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
