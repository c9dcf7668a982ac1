// Stored situation reports (data, PDF), the subscriptions to them and their deliveries: rows private, records camelCase.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Period, SituationData } from './report-data.js';

export type Trigger = 'schedule' | 'request';

export interface StoredReport {
  id: string;
  district: string;
  period: Period;
  startDate: string;
  from: string;
  to: string;
  trigger: Trigger;
  madeBy: string;
  madeAt: string;
  hasPdf: boolean;
  pdfError: string | null;
}

export interface Subscription {
  id: string;
  district: string;
  periods: Period[];
  subscriber: string;
  personId: string;
  webhookUrl: string | null;
  createdAt: string;
}

interface ReportRow {
  id: string;
  district: string;
  period: Period;
  start_date: string;
  period_from: Date | string;
  period_to: Date | string;
  trigger: Trigger;
  made_by: string;
  made_at: Date | string;
  has_pdf: boolean;
  pdf_error: string | null;
}

interface SubscriptionRow {
  id: string;
  district: string;
  periods: Period[] | string;
  subscriber: string;
  person_id: string;
  webhook_url: string | null;
  created_at: Date | string;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const COLUMNS =
  'id, district, period, start_date, period_from, period_to, trigger, made_by, made_at, pdf is not null as has_pdf, pdf_error';

const toReport = (r: ReportRow): StoredReport => ({
  id: r.id,
  district: r.district,
  period: r.period,
  startDate: r.start_date,
  from: iso(r.period_from),
  to: iso(r.period_to),
  trigger: r.trigger,
  madeBy: r.made_by,
  madeAt: iso(r.made_at),
  hasPdf: r.has_pdf,
  pdfError: r.pdf_error,
});

const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  district: r.district,
  periods:
    typeof r.periods === 'string' ? (r.periods.replace(/[{}]/g, '').split(',').filter(Boolean) as Period[]) : r.periods,
  subscriber: r.subscriber,
  personId: r.person_id,
  webhookUrl: r.webhook_url,
  createdAt: iso(r.created_at),
});

export interface NewReport {
  trigger: Trigger;
  madeBy: string;
  data: SituationData;
  pdf: Buffer | null;
  pdfError: string | null;
}

export class SituationReportRepo {
  constructor(readonly db: Db) {}

  on(db: Db): SituationReportRepo {
    return new SituationReportRepo(db);
  }

  /** Stores a report; a scheduled one already made for its district and period is not made twice (null). */
  async insert(r: NewReport): Promise<StoredReport | null> {
    const rows = await this.db.query<ReportRow>(
      `insert into situation_reports (id, district, period, start_date, period_from, period_to, trigger, made_by, data, pdf, pdf_error)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) on conflict do nothing returning ${COLUMNS}`,
      [
        randomUUID(),
        r.data.district,
        r.data.period,
        r.data.startDate,
        r.data.from,
        r.data.to,
        r.trigger,
        r.madeBy,
        JSON.stringify(r.data),
        r.pdf,
        r.pdfError,
      ],
    );
    return rows[0] ? toReport(rows[0]) : null;
  }

  /** Newest first; `districts` (a scoped reader's) limits the rows in the query, so the limit counts only those. */
  async list(
    f: { district?: string; period?: Period; limit?: number; districts?: readonly string[] } = {},
  ): Promise<StoredReport[]> {
    const rows = await this.db.query<ReportRow>(
      `select ${COLUMNS} from situation_reports where ($1::text is null or district = $1) and ($2::text is null or period = $2)
         and ($4::text[] is null or district = any($4::text[]))
       order by made_at desc, id limit $3`,
      [f.district ?? null, f.period ?? null, f.limit ?? 100, f.districts ? [...f.districts] : null],
    );
    return rows.map(toReport);
  }

  async get(id: string): Promise<(StoredReport & { data: SituationData }) | null> {
    const [row] = await this.db.query<ReportRow & { data: SituationData | string }>(
      `select ${COLUMNS}, data from situation_reports where id = $1`,
      [id],
    );
    if (!row) return null;
    return {
      ...toReport(row),
      data: typeof row.data === 'string' ? (JSON.parse(row.data) as SituationData) : row.data,
    };
  }

  async pdf(id: string): Promise<Buffer | null> {
    const [row] = await this.db.query<{ pdf: Uint8Array | null }>('select pdf from situation_reports where id = $1', [
      id,
    ]);
    return row?.pdf ? Buffer.from(row.pdf) : null;
  }

  async subscribe(s: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription> {
    const [row] = await this.db.query<SubscriptionRow>(
      `insert into situation_subscriptions (id, district, periods, subscriber, person_id, webhook_url) values ($1,$2,$3,$4,$5,$6)
       on conflict (district, subscriber) do update set periods = $3, person_id = $5, webhook_url = $6 returning *`,
      [randomUUID(), s.district, s.periods, s.subscriber, s.personId, s.webhookUrl],
    );
    return toSubscription(row);
  }

  async subscriptions(f: { district?: string; period?: Period; subscriber?: string } = {}): Promise<Subscription[]> {
    const rows = await this.db.query<SubscriptionRow>(
      `select * from situation_subscriptions where ($1::text is null or district = $1) and ($2::text is null or $2 = any(periods)) and ($3::text is null or subscriber = $3)
       order by district, subscriber`,
      [f.district ?? null, f.period ?? null, f.subscriber ?? null],
    );
    return rows.map(toSubscription);
  }

  async subscription(id: string): Promise<Subscription | null> {
    const [row] = await this.db.query<SubscriptionRow>('select * from situation_subscriptions where id = $1', [id]);
    return row ? toSubscription(row) : null;
  }

  async unsubscribe(id: string): Promise<boolean> {
    return (await this.db.query('delete from situation_subscriptions where id = $1 returning id', [id])).length > 0;
  }

  async recordDelivery(
    reportId: string,
    subscriptionId: string,
    channel: 'stream' | 'webhook',
    error: string | null,
  ): Promise<void> {
    await this.db.query(
      `insert into situation_deliveries (report_id, subscription_id, channel, status, error) values ($1,$2,$3,$4,$5)
       on conflict (report_id, subscription_id, channel) do update set status = $4, error = $5, at = now()`,
      [reportId, subscriptionId, channel, error ? 'failed' : 'sent', error],
    );
  }

  async deliveries(
    reportId: string,
  ): Promise<{ subscriptionId: string; channel: string; status: string; error: string | null }[]> {
    const rows = await this.db.query<{
      subscription_id: string;
      channel: string;
      status: string;
      error: string | null;
    }>(
      'select subscription_id, channel, status, error from situation_deliveries where report_id = $1 order by subscription_id, channel',
      [reportId],
    );
    return rows.map((r) => ({
      subscriptionId: r.subscription_id,
      channel: r.channel,
      status: r.status,
      error: r.error,
    }));
  }
}
