// Alerts (candidate hits awaiting a human) of both kinds, plate and face, and the people's verdicts on them.
// The rows stay here: every method answers Alert records (src/domain/alert.ts), mapped in toAlert.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type {
  Alert,
  AlertKind,
  AlertMatch,
  AlertStatus,
  Disposition,
  FaceHit,
  PlateHit,
  VerdictOutcome,
} from '../domain/alert.js';
import type { DutyLevel } from '../domain/duty.js';

interface AlertRow {
  id: string;
  kind: AlertKind;
  plate_read_id: string | null;
  hotlist_id: string | null;
  camera_id: string;
  plate: string;
  match: AlertMatch;
  priority: number;
  status: AlertStatus;
  captured_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
  disposed_by: string | null;
  disposed_at: Date | string | null;
  disposition_reason: string | null;
  subject_id: string | null;
  face_sighting_id: string | null;
  authorisation_id: string | null;
  score: number | null;
  confirmations_required: number;
  duty_level: DutyLevel | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    cameraId: r.camera_id,
    plate: r.plate,
    match: r.match,
    priority: r.priority,
    capturedAt: date(r.captured_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    plateReadId: r.plate_read_id,
    hotlistId: r.hotlist_id,
    subjectId: r.subject_id,
    faceSightingId: r.face_sighting_id,
    authorisationId: r.authorisation_id,
    score: r.score,
    disposedBy: r.disposed_by,
    disposedAt: r.disposed_at === null ? null : date(r.disposed_at),
    dispositionReason: r.disposition_reason,
    confirmationsRequired: r.confirmations_required,
    dutyLevel: r.duty_level,
  };
}

export interface AlertFilter {
  status?: AlertStatus;
  cameraIds?: string[];
  kinds?: string[];
  since?: Date;
  limit?: number;
  /** Rows to skip, newest first (paging). */
  offset?: number;
}

const LIST_WHERE = `($1::text is null or status = $1) and ($2::text[] is null or camera_id = any($2))
  and ($3::timestamptz is null or created_at >= $3) and ($4::text[] is null or kind = any($4))`;
const listParams = (f: AlertFilter) => [
  f.status ?? null,
  f.cameraIds ?? null,
  f.since?.toISOString() ?? null,
  f.kinds ?? null,
];

export class AlertRepo {
  constructor(readonly db: Db) {}

  /** This repository on another connection, a transaction's (db.tx): its writes commit or roll back with the rest. */
  on(db: Db): AlertRepo {
    return new AlertRepo(db);
  }

  /**
   * Creates the alert for (plate read, hotlist entry), or updates its plate and match when a better
   * reading of the same pass arrives; `created` says which, so only a new alert is dispatched. The
   * duty level and confirmations are those of its creation: a later reading does not change them.
   */
  async upsert(
    p: PlateHit,
    raised: { dutyLevel?: DutyLevel | null; confirmationsRequired?: number } = {},
  ): Promise<{ alert: Alert; created: boolean }> {
    const [row] = await this.db.query<AlertRow & { created: boolean }>(
      `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at, duty_level, confirmations_required)
       values ($1,$2,$3,$4,$5,$6,$7,to_timestamp($8/1000.0),$9,$10)
       on conflict (plate_read_id, hotlist_id) do update set plate = excluded.plate, match = excluded.match, updated_at = now()
       returning *, (xmax = 0) as created`,
      [
        randomUUID(),
        p.plateReadId,
        p.hotlistId,
        p.cameraId,
        p.plate,
        JSON.stringify(p.match),
        p.priority,
        p.capturedAt,
        raised.dutyLevel ?? null,
        raised.confirmationsRequired ?? 0,
      ],
    );
    return { alert: toAlert(row), created: row.created };
  }

  /**
   * Creates the face alert for (face sighting, subject), or raises its score when a better frame of
   * the same track matches closer; `created` says which. Always a candidate until people confirm it.
   */
  async upsertFace(
    p: FaceHit,
    confirmationsRequired: number,
    dutyLevel: DutyLevel | null = null,
  ): Promise<{ alert: Alert; created: boolean }> {
    const match = {
      cosine: p.cosine,
      score: p.score,
      scoring: p.scoring,
      threshold: p.threshold,
      category: p.category,
    };
    const [row] = await this.db.query<AlertRow & { created: boolean }>(
      `insert into alerts (id, kind, subject_id, face_sighting_id, authorisation_id, camera_id, plate, match, score, priority, captured_at, confirmations_required, duty_level)
       values ($1,'face',$2,$3,$4,$5,'',$6,$7,$8,to_timestamp($9/1000.0),$10,$11)
       on conflict (face_sighting_id, subject_id) where kind = 'face' do update
         set score = greatest(alerts.score, excluded.score),
             match = case when excluded.score > alerts.score then excluded.match else alerts.match end, updated_at = now()
       returning *, (xmax = 0) as created`,
      [
        randomUUID(),
        p.subjectId,
        p.faceSightingId,
        p.authorisationId,
        p.cameraId,
        JSON.stringify(match),
        p.score,
        p.priority,
        p.capturedAt,
        confirmationsRequired,
        dutyLevel,
      ],
    );
    return { alert: toAlert(row), created: row.created };
  }

  async get(id: string): Promise<Alert | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<AlertRow>('select * from alerts where id = $1', [id]);
    return row ? toAlert(row) : null;
  }

  async list(f: AlertFilter = {}): Promise<Alert[]> {
    const rows = await this.db.query<AlertRow>(
      `select * from alerts where ${LIST_WHERE} order by created_at desc, id desc limit $5 offset $6`,
      [...listParams(f), Math.min(f.limit ?? 100, 500), f.offset ?? 0],
    );
    return rows.map(toAlert);
  }

  /** How many alerts the filter matches in all (limit and offset aside): the badge's number, not the page's. */
  async count(f: AlertFilter = {}): Promise<number> {
    const [{ n }] = await this.db.query<{ n: string | number }>(
      `select count(*) as n from alerts where ${LIST_WHERE}`,
      listParams(f),
    );
    return Number(n);
  }

  /** Records a human's verdict once; a second disposition of the same alert is refused (returns null). */
  async dispose(
    id: string,
    verdict: 'confirmed' | 'dismissed',
    by: string,
    reason: string,
    role = 'operator',
    personId = by,
  ): Promise<Alert | null> {
    return this.db.tx(async (t) => {
      const [row] = await t.query<AlertRow>(
        `update alerts set status = $2, disposed_by = $3, disposed_at = now(), disposition_reason = $4, updated_at = now()
         where id = $1 and status = 'candidate' returning *`,
        [id, verdict, by, reason],
      );
      if (row) {
        await t.query(
          'insert into alert_dispositions (alert_id, actor, role, verdict, reason, person_id) values ($1,$2,$3,$4,$5,$6) on conflict do nothing',
          [id, by, role, verdict === 'confirmed' ? 'confirm' : 'dismiss', reason, personId],
        );
      }
      return row ? toAlert(row) : null;
    });
  }

  /**
   * One person's verdict on a face alert. A dismissal closes it; a confirmation counts, and the
   * alert is confirmed when `confirmationsRequired` distinct people (personIds) have confirmed. The row lock
   * keeps two simultaneous confirmations from both missing (or both making) the last one.
   */
  async recordVerdict(id: string, d: Omit<Disposition, 'at'>): Promise<VerdictOutcome> {
    return this.db.tx(async (t) => {
      const [row] = await t.query<AlertRow>('select * from alerts where id = $1 for update', [id]);
      if (!row) return { kind: 'missing' };
      const alert = toAlert(row);
      if (alert.status !== 'candidate') return { kind: 'closed', alert };
      const inserted = await t.query(
        'insert into alert_dispositions (alert_id, actor, role, verdict, reason, person_id) values ($1,$2,$3,$4,$5,$6) on conflict do nothing returning actor',
        [id, d.actor, d.role, d.verdict, d.reason, d.personId],
      );
      if (!inserted.length) return { kind: 'already_voted' };
      const [{ n }] = await t.query<{ n: string | number }>(
        `select count(*) as n from alert_dispositions where alert_id = $1 and verdict = 'confirm'`,
        [id],
      );
      const confirmations = Number(n);
      const status =
        d.verdict === 'dismiss' ? 'dismissed' : confirmations >= alert.confirmationsRequired ? 'confirmed' : null;
      if (!status) return { kind: 'recorded', alert: { ...alert, updatedAt: new Date() }, confirmations };
      const [closed] = await t.query<AlertRow>(
        `update alerts set status = $2, disposed_by = $3, disposed_at = now(), disposition_reason = $4, updated_at = now() where id = $1 returning *`,
        [id, status, d.actor, d.reason],
      );
      return { kind: 'recorded', alert: toAlert(closed), confirmations };
    });
  }

  async dispositions(id: string): Promise<Disposition[]> {
    const rows = await this.db.query<{
      actor: string;
      person_id: string;
      role: string;
      verdict: Disposition['verdict'];
      reason: string;
      at: Date | string;
    }>('select actor, person_id, role, verdict, reason, at from alert_dispositions where alert_id = $1 order by at', [
      id,
    ]);
    return rows.map((r) => ({
      actor: r.actor,
      personId: r.person_id,
      role: r.role,
      verdict: r.verdict,
      reason: r.reason,
      at: date(r.at),
    }));
  }
}
