// Investigation cases (number, title, who opened it) and what was gathered under them: searches, alerts,
// bookmarks of footage, exports.
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../lib/errors.js';
import type { CaseItem, CaseItemKind, CaseRecord, NewCaseItem } from '../domain/footage.js';
import type { Scope } from '../domain/scope.js';
import type { Db } from './db.js';

export type { CaseItem, CaseItemKind, CaseRecord, NewCaseItem };

interface CaseRow {
  id: string;
  number: string;
  title: string;
  created_by: string;
  created_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
  grant_districts: string[] | null;
  grant_cameras: string[] | null;
}

interface ItemRow {
  id: string;
  case_id: string;
  kind: CaseItemKind;
  ref: string | null;
  camera_id: string | null;
  from_at: Date | null;
  to_at: Date | null;
  note: string | null;
  details: Record<string, unknown>;
  added_by: string;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toCase = (r: CaseRow): CaseRecord => ({
  id: r.id,
  number: r.number,
  title: r.title,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  closedAt: r.closed_at ? new Date(r.closed_at) : null,
  closedBy: r.closed_by,
  grants: { districts: r.grant_districts ?? [], cameras: r.grant_cameras ?? [] },
});

export class CaseRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): CaseRepo {
    return new CaseRepo(db);
  }

  /** Throws ConflictError when the number is taken. */
  async create(c: { number: string; title: string; createdBy: string }): Promise<CaseRecord> {
    const [row] = await this.db.query<CaseRow>(
      'insert into cases (id, number, title, created_by) values ($1,$2,$3,$4) on conflict (number) do nothing returning *',
      [randomUUID(), c.number, c.title, c.createdBy],
    );
    if (!row) throw new ConflictError(`case number ${c.number} already exists`);
    return toCase(row);
  }

  /** By id (uuid) or by case number, which is what investigators type. */
  async find(idOrNumber: string): Promise<CaseRecord | null> {
    const [row] = UUID.test(idOrNumber)
      ? await this.db.query<CaseRow>('select * from cases where id = $1 or number = $1::text', [idOrNumber])
      : await this.db.query<CaseRow>('select * from cases where number = $1', [idOrNumber]);
    return row ? toCase(row) : null;
  }

  async close(id: string, by: string): Promise<boolean> {
    return (
      (
        await this.db.query(
          'update cases set closed_at = now(), closed_by = $2 where id = $1 and closed_at is null returning id',
          [id, by],
        )
      ).length > 0
    );
  }

  /** Replaces what the case grants beyond its searchers' scopes; null when no open case has that id. */
  async setGrants(id: string, grants: Scope): Promise<CaseRecord | null> {
    const [row] = await this.db.query<CaseRow>(
      'update cases set grant_districts = $2, grant_cameras = $3 where id = $1 and closed_at is null returning *',
      [id, [...new Set(grants.districts)], [...new Set(grants.cameras)]],
    );
    return row ? toCase(row) : null;
  }

  async addItem(i: NewCaseItem): Promise<CaseItem> {
    const [row] = await this.db.query<ItemRow>(
      `insert into case_items (id, case_id, kind, ref, camera_id, from_at, to_at, note, details, added_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) returning *`,
      [
        randomUUID(),
        i.caseId,
        i.kind,
        i.ref ?? null,
        i.cameraId ?? null,
        i.from?.toISOString() ?? null,
        i.to?.toISOString() ?? null,
        i.note ?? null,
        JSON.stringify(i.details ?? {}),
        i.addedBy,
      ],
    );
    return toItem(row);
  }

  async items(caseId: string): Promise<CaseItem[]> {
    const rows = await this.db.query<ItemRow>('select * from case_items where case_id = $1 order by created_at, id', [
      caseId,
    ]);
    return rows.map(toItem);
  }
}

function toItem(r: ItemRow): CaseItem {
  return {
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    ref: r.ref,
    cameraId: r.camera_id,
    from: r.from_at ? new Date(r.from_at) : null,
    to: r.to_at ? new Date(r.to_at) : null,
    note: r.note,
    details: r.details,
    addedBy: r.added_by,
    createdAt: new Date(r.created_at),
  };
}
