// Alerts (candidate hits awaiting a human) of both kinds, plate and face, and the people's verdicts on them.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { FaceAlertPayload, PlateAlertPayload } from '../queues/payloads.js';
import type { DutyLevel } from '../domain/face-watchlist.js';

/** What matched: the plate match (level, substitutions) or, for a face, the score and its threshold. */
export type AlertMatch = PlateAlertPayload['match'] | { cosine: number; score: number; scoring: string; threshold: number; category: string };

export interface AlertRow {
  id: string;
  kind: 'plate' | 'face';
  /** Plate alerts only (null on face alerts). */
  plate_read_id: string | null;
  hotlist_id: string | null;
  camera_id: string;
  /** The plate read; '' on face alerts. */
  plate: string;
  match: AlertMatch;
  priority: number;
  status: 'candidate' | 'confirmed' | 'dismissed';
  captured_at: Date;
  created_at: Date;
  updated_at: Date;
  disposed_by: string | null;
  disposed_at: Date | null;
  disposition_reason: string | null;
  /** Face alerts only (null on plate alerts). */
  subject_id: string | null;
  face_sighting_id: string | null;
  authorisation_id: string | null;
  score: number | null;
  /** Distinct people who must confirm before dispatch: 1 or 2 on face alerts; 0 (dispatched at once) or 1 on plate alerts. */
  confirmations_required: number;
  /** The duty level the alert was raised under; null on alerts from before levels were recorded. */
  duty_level: DutyLevel | null;
}

export interface Disposition {
  actor: string;
  role: string;
  verdict: 'confirm' | 'dismiss';
  reason: string;
  at: Date;
}

/** The outcome of one person's verdict on a face alert. */
export type VerdictOutcome =
  | { kind: 'recorded'; alert: AlertRow; confirmations: number }
  | { kind: 'already_voted' }
  | { kind: 'closed'; alert: AlertRow }
  | { kind: 'missing' };

export interface AlertFilter {
  status?: AlertRow['status'];
  cameraIds?: string[];
  kinds?: string[];
  since?: Date;
  limit?: number;
  /** Rows to skip, newest first (paging). */
  offset?: number;
}

const LIST_WHERE = `($1::text is null or status = $1) and ($2::text[] is null or camera_id = any($2))
  and ($3::timestamptz is null or created_at >= $3) and ($4::text[] is null or kind = any($4))`;
const listParams = (f: AlertFilter) => [f.status ?? null, f.cameraIds ?? null, f.since?.toISOString() ?? null, f.kinds ?? null];

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
  async upsert(p: PlateAlertPayload, raised: { dutyLevel?: DutyLevel | null; confirmationsRequired?: number } = {}): Promise<{ alert: AlertRow; created: boolean }> {
    const [row] = await this.db.query<AlertRow & { created: boolean }>(
      `insert into alerts (id, plate_read_id, hotlist_id, camera_id, plate, match, priority, captured_at, duty_level, confirmations_required)
       values ($1,$2,$3,$4,$5,$6,$7,to_timestamp($8/1000.0),$9,$10)
       on conflict (plate_read_id, hotlist_id) do update set plate = excluded.plate, match = excluded.match, updated_at = now()
       returning *, (xmax = 0) as created`,
      [randomUUID(), p.plateReadId, p.hotlistId, p.cameraId, p.plate, JSON.stringify(p.match), p.priority, p.capturedAt, raised.dutyLevel ?? null, raised.confirmationsRequired ?? 0],
    );
    const { created, ...alert } = row;
    return { alert, created };
  }

  /**
   * Creates the face alert for (face sighting, subject), or raises its score when a better frame of
   * the same track matches closer; `created` says which. Always a candidate until people confirm it.
   */
  async upsertFace(p: FaceAlertPayload, confirmationsRequired: number, dutyLevel: DutyLevel | null = null): Promise<{ alert: AlertRow; created: boolean }> {
    const match = { cosine: p.cosine, score: p.score, scoring: p.scoring, threshold: p.threshold, category: p.category };
    const [row] = await this.db.query<AlertRow & { created: boolean }>(
      `insert into alerts (id, kind, subject_id, face_sighting_id, authorisation_id, camera_id, plate, match, score, priority, captured_at, confirmations_required, duty_level)
       values ($1,'face',$2,$3,$4,$5,'',$6,$7,$8,to_timestamp($9/1000.0),$10,$11)
       on conflict (face_sighting_id, subject_id) where kind = 'face' do update
         set score = greatest(alerts.score, excluded.score),
             match = case when excluded.score > alerts.score then excluded.match else alerts.match end, updated_at = now()
       returning *, (xmax = 0) as created`,
      [randomUUID(), p.subjectId, p.faceSightingId, p.authorisationId, p.cameraId, JSON.stringify(match), p.score, p.priority, p.capturedAt, confirmationsRequired, dutyLevel],
    );
    const { created, ...alert } = row;
    return { alert, created };
  }

  async get(id: string): Promise<AlertRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.query<AlertRow>('select * from alerts where id = $1', [id]);
    return row ?? null;
  }

  async list(f: AlertFilter = {}): Promise<AlertRow[]> {
    return this.db.query<AlertRow>(
      `select * from alerts where ${LIST_WHERE} order by created_at desc, id desc limit $5 offset $6`,
      [...listParams(f), Math.min(f.limit ?? 100, 500), f.offset ?? 0],
    );
  }

  /** How many alerts the filter matches in all (limit and offset aside): the badge's number, not the page's. */
  async count(f: AlertFilter = {}): Promise<number> {
    const [{ n }] = await this.db.query<{ n: string | number }>(`select count(*) as n from alerts where ${LIST_WHERE}`, listParams(f));
    return Number(n);
  }

  /** Records a human's verdict once; a second disposition of the same alert is refused (returns null). */
  async dispose(id: string, verdict: 'confirmed' | 'dismissed', by: string, reason: string, role = 'operator'): Promise<AlertRow | null> {
    return this.db.tx(async (t) => {
      const [row] = await t.query<AlertRow>(
        `update alerts set status = $2, disposed_by = $3, disposed_at = now(), disposition_reason = $4, updated_at = now()
         where id = $1 and status = 'candidate' returning *`,
        [id, verdict, by, reason],
      );
      if (row) {
        await t.query('insert into alert_dispositions (alert_id, actor, role, verdict, reason) values ($1,$2,$3,$4,$5) on conflict do nothing', [
          id, by, role, verdict === 'confirmed' ? 'confirm' : 'dismiss', reason,
        ]);
      }
      return row ?? null;
    });
  }

  /**
   * One person's verdict on a face alert. A dismissal closes it; a confirmation counts, and the
   * alert is confirmed when `confirmations_required` distinct people have confirmed. The row lock
   * keeps two simultaneous confirmations from both missing (or both making) the last one.
   */
  async recordVerdict(id: string, d: Omit<Disposition, 'at'>): Promise<VerdictOutcome> {
    return this.db.tx(async (t) => {
      const [alert] = await t.query<AlertRow>('select * from alerts where id = $1 for update', [id]);
      if (!alert) return { kind: 'missing' };
      if (alert.status !== 'candidate') return { kind: 'closed', alert };
      const inserted = await t.query(
        'insert into alert_dispositions (alert_id, actor, role, verdict, reason) values ($1,$2,$3,$4,$5) on conflict do nothing returning actor',
        [id, d.actor, d.role, d.verdict, d.reason],
      );
      if (!inserted.length) return { kind: 'already_voted' };
      const [{ n }] = await t.query<{ n: string | number }>(`select count(*) as n from alert_dispositions where alert_id = $1 and verdict = 'confirm'`, [id]);
      const confirmations = Number(n);
      const status = d.verdict === 'dismiss' ? 'dismissed' : confirmations >= alert.confirmations_required ? 'confirmed' : null;
      if (!status) return { kind: 'recorded', alert: { ...alert, updated_at: new Date() }, confirmations };
      const [closed] = await t.query<AlertRow>(
        `update alerts set status = $2, disposed_by = $3, disposed_at = now(), disposition_reason = $4, updated_at = now() where id = $1 returning *`,
        [id, status, d.actor, d.reason],
      );
      return { kind: 'recorded', alert: closed, confirmations };
    });
  }

  async dispositions(id: string): Promise<Disposition[]> {
    return this.db.query<Disposition>('select actor, role, verdict, reason, at from alert_dispositions where alert_id = $1 order by at', [id]);
  }
}
