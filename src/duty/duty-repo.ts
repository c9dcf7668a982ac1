// The duty level's history in the database (duty_changes): the latest row is the level in force.
import type { Db } from '../store/db.js';
import type { DutyChange, DutyLevel } from '../domain/duty.js';

export type { DutyChange } from '../domain/duty.js';

interface Row {
  id: string | number;
  level: DutyLevel;
  previous: DutyLevel;
  changed_by: string;
  role: string;
  reason: string;
  at: Date | string;
}

// Serialises switches across processes sharing one PostgreSQL, so `previous` is always the row before.
const LOCK_KEY = 7_311_005;

const toChange = (r: Row): DutyChange => ({
  id: Number(r.id),
  level: r.level,
  previous: r.previous,
  changedBy: r.changed_by,
  role: r.role,
  reason: r.reason,
  at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
});

export class DutyRepo {
  constructor(readonly db: Db) {}

  /** This repository on a transaction's connection (db.tx): the switch commits with its audit entry. */
  on(db: Db): DutyRepo {
    return new DutyRepo(db);
  }

  async latest(): Promise<DutyChange | null> {
    const [row] = await this.db.query<Row>('select * from duty_changes order by id desc limit 1');
    return row ? toChange(row) : null;
  }

  /** Records a switch; `previous` is the level in force in the database (else `initial`), not a cached one. */
  async record(
    c: { level: DutyLevel; changedBy: string; role: string; reason: string },
    initial: DutyLevel,
  ): Promise<DutyChange> {
    return this.db.tx(async (t) => {
      await t.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const [row] = await t.query<Row>(
        `insert into duty_changes (level, previous, changed_by, role, reason)
         values ($1, coalesce((select level from duty_changes order by id desc limit 1), $2), $3, $4, $5) returning *`,
        [c.level, initial, c.changedBy, c.role, c.reason],
      );
      return toChange(row);
    });
  }

  /** Newest first. */
  async history(limit = 100): Promise<DutyChange[]> {
    const rows = await this.db.query<Row>('select * from duty_changes order by id desc limit $1', [
      Math.min(Math.max(limit, 1), 1000),
    ]);
    return rows.map(toChange);
  }
}
