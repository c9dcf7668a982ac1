// Situation reports: made on demand or on schedule (stored with their PDF, audited in the same transaction),
// listed, and sent to their district's subscribers over the event stream and, where given, a signed webhook.
import { signWebhook } from '../dispatch/webhook-signature.js';
import { localDate } from '../health/periods.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { addDays } from '../plans/shift-window.js';
import type { EventBus } from '../queues/event-bus.js';
import { AuditRepo } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import { buildSituation, type BuildDeps } from './build.js';
import { reportDocument } from './html.js';
import type { PdfRenderer } from './pdf.js';
import type { Period, SituationData } from './report-data.js';
import { SituationReportRepo, type StoredReport, type Subscription, type Trigger } from './report-repo.js';

export interface Actor {
  name: string;
  role: string;
  personId: string;
}

export const SYSTEM: Actor = { name: 'system', role: 'system', personId: 'system' };

export interface SituationDeps {
  db: Db;
  bus: EventBus;
  log: Logger;
  build: BuildDeps;
  pdf: PdfRenderer;
  /** Signs webhook deliveries (VIGIL_WEBHOOK_SECRET); without it subscriptions with a URL get the stream only. */
  webhookSecret?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Monday of the ISO week holding the date. */
export const mondayOf = (date: string) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

export class SituationService {
  readonly reports: SituationReportRepo;

  constructor(private readonly d: SituationDeps) {
    this.reports = new SituationReportRepo(d.db);
  }

  /** Makes, stores and sends one report; null when the scheduled one was already made (by another node). */
  async make(
    district: string,
    period: Period,
    startDate: string,
    trigger: Trigger,
    by: Actor,
  ): Promise<StoredReport | null> {
    if (!DATE.test(startDate) || Number.isNaN(Date.parse(startDate)))
      throw BadInputError.field('startDate', 'a local date YYYY-MM-DD');
    if (period === 'week' && mondayOf(startDate) !== startDate)
      throw BadInputError.field('startDate', `a week starts on a Monday (${mondayOf(startDate)})`);
    const data = await buildSituation(this.d.build, district, period, startDate);
    let pdf: Buffer | null = null;
    let pdfError: string | null = null;
    try {
      pdf = await this.d.pdf.render(reportDocument(data));
    } catch (err) {
      pdfError = (err as Error).message;
      this.d.log.warn(`situation report ${district} ${period} ${startDate}: no PDF: ${pdfError}`);
    }
    const stored = await this.d.db.tx(async (t) => {
      const r = await this.reports.on(t).insert({ trigger, madeBy: by.name, data, pdf, pdfError });
      if (r)
        await new AuditRepo(t).append({
          actor: by.name,
          role: by.role,
          action: 'situation-report.made',
          target: r.id,
          details: { district, period, startDate, trigger, pdf: !!pdf },
        });
      return r;
    });
    if (stored) await this.deliver(stored, data);
    return stored;
  }

  /** The scheduled run: yesterday's daily report, or last week's bulletin, for every district. */
  async scheduled(period: Period, now = Date.now()): Promise<StoredReport[]> {
    const today = localDate(now, this.d.build.timezone);
    const startDate = period === 'day' ? addDays(today, -1) : addDays(mondayOf(today), -7);
    const made: StoredReport[] = [];
    for (const district of await this.d.build.repo.districts()) {
      const r = await this.make(district, period, startDate, 'schedule', SYSTEM).catch((err: Error) => {
        this.d.log.warn(`situation report ${district} ${period} ${startDate}: ${err.message}`);
        return null;
      });
      if (r) made.push(r);
    }
    return made;
  }

  async get(id: string): Promise<StoredReport & { data: SituationData }> {
    const r = await this.reports.get(id);
    if (!r) throw new NotFoundError(`situation report ${id} not found`);
    return r;
  }

  async subscribe(by: Actor, district: string, periods: Period[], webhookUrl: string | null): Promise<Subscription> {
    return this.d.db.tx(async (t) => {
      const s = await this.reports
        .on(t)
        .subscribe({ district, periods, subscriber: by.name, personId: by.personId, webhookUrl });
      await new AuditRepo(t).append({
        actor: by.name,
        role: by.role,
        action: 'situation-report.subscribed',
        target: s.id,
        details: { district, periods, webhook: !!webhookUrl },
      });
      return s;
    });
  }

  /** Subscribers end their own subscriptions; admins anyone's. */
  async unsubscribe(by: Actor, id: string): Promise<void> {
    await this.d.db.tx(async (t) => {
      const repo = this.reports.on(t);
      const s = await repo.subscription(id);
      if (!s) throw new NotFoundError(`subscription ${id} not found`);
      if (s.subscriber !== by.name && by.role !== 'admin')
        throw new ForbiddenError('only its subscriber or an admin ends a subscription');
      await repo.unsubscribe(id);
      await new AuditRepo(t).append({
        actor: by.name,
        role: by.role,
        action: 'situation-report.unsubscribed',
        target: id,
        details: { district: s.district, subscriber: s.subscriber },
      });
    });
  }

  /** One event for the stream naming the recipients, then each subscriber's webhook; every delivery recorded. */
  private async deliver(r: StoredReport, data: SituationData): Promise<void> {
    const subs = await this.reports.subscriptions({ district: r.district, period: r.period });
    const links = {
      page: `/api/v1/situation-reports/${r.id}/page`,
      pdf: r.hasPdf ? `/api/v1/situation-reports/${r.id}/report.pdf` : null,
      csv: `/api/v1/situation-reports/${r.id}/report.csv`,
    };
    const summary = { ...r, totals: data.totals, hotCells: data.hotCells.slice(0, 3), links };
    const sent = await this.d.bus
      .publish({
        type: 'situation-report',
        reportId: r.id,
        district: r.district,
        period: r.period,
        at: Date.now(),
        data: { ...summary, recipients: subs.map((s) => s.subscriber) },
      })
      .then(
        () => null,
        (err: Error) => err.message,
      );
    for (const s of subs) {
      await this.reports.recordDelivery(r.id, s.id, 'stream', sent);
      if (!s.webhookUrl || !this.d.webhookSecret) continue;
      const body = JSON.stringify({ type: 'situation-report', subscriber: s.subscriber, report: summary });
      const error = await fetch(s.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(this.d.webhookSecret, body) },
        body,
        signal: AbortSignal.timeout(5000),
      }).then(
        (res) => (res.ok ? null : `webhook answered ${res.status}`),
        (err: Error) => err.message,
      );
      if (error) this.d.log.warn(`situation report ${r.id} to ${s.subscriber}: ${error}`);
      await this.reports.recordDelivery(r.id, s.id, 'webhook', error);
    }
  }
}
