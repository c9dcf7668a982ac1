// Patrol plans: stored per district (audited changes, announced live), seeded from config files, and
// scored against the units' position history per shift; the near-end warning for points not reached.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlansConfig } from '../config/plans.js';
import type { Shift } from '../config/reports.js';
import { NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import { AuditRepo } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import type { Principal } from '../store/token-repo.js';
import { scoreCoverage, type CoverageResult } from './coverage.js';
import { parsePlan, planToGeoJson, type PatrolPlan } from './plan.js';
import { PlanRepo, type StoredPlan } from './plan-repo.js';
import { PositionRepo } from './position-repo.js';
import { PreparedPlan } from './prepared-plan.js';
import { shiftAt, type ShiftWindow } from './shift-window.js';

export interface PlanServiceDeps {
  db: Db;
  bus: EventBus;
  config: PlansConfig;
  shifts: readonly Shift[];
  timezone: string;
  log: Logger;
}

export interface PlanSummary {
  district: string;
  version: number;
  updatedBy: string;
  updatedAt: string;
  points: number;
  lines: number;
  coreAreas: number;
  keyAreas: number;
}

export interface CoverageFilter {
  unitIds?: readonly string[];
}

export interface Warning {
  district: string;
  shift: ShiftWindow;
  missing: { id: string; name: string; grid: string }[];
}

export class PlanService {
  readonly plans: PlanRepo;
  readonly positions: PositionRepo;
  /** Prepared plans by district, kept while the stored version is the same. */
  private readonly prepared = new Map<string, { version: number; pp: PreparedPlan }>();

  constructor(private readonly d: PlanServiceDeps) {
    this.plans = new PlanRepo(d.db);
    this.positions = new PositionRepo(d.db);
  }

  /** Every district's plan, or those of `districts` only (a scoped reader's). */
  async list(districts?: readonly string[]): Promise<PlanSummary[]> {
    return (await this.plans.list(districts)).map((s) => this.summary(s));
  }

  async get(district: string): Promise<StoredPlan & { summary: PlanSummary }> {
    const s = await this.plans.get(district);
    if (!s)
      throw new NotFoundError(
        `district '${district}' has no patrol plan (PUT /patrol-plans/${district} or plans.files)`,
      );
    return { ...s, summary: this.summary(s) };
  }

  /** The plan read (its defaults filled in); throws BadInputError for a bad plan. */
  read(district: string, geojson: unknown, where = 'body'): PatrolPlan {
    return parsePlan(district, geojson, this.d.config, where);
  }

  /** Replaces the district's plan; the audit entry commits with it. */
  async put(district: string, geojson: unknown, by: Principal): Promise<PlanSummary> {
    const plan = this.read(district, geojson);
    const stored = await this.d.db.tx(async (t) => {
      const s = await this.plans.on(t).put(district, planToGeoJson(plan), by.name);
      await new AuditRepo(t).append({
        actor: by.name,
        role: by.role,
        action: 'patrol-plan.updated',
        target: district,
        details: { version: s.version, points: plan.points.length, lines: plan.lines.length, areas: plan.areas.length },
      });
      return s;
    });
    const summary = this.summary(stored);
    await this.announce(district, 'updated', { ...summary });
    return summary;
  }

  async remove(district: string, by: Principal): Promise<void> {
    const gone = await this.d.db.tx(async (t) => {
      const ok = await this.plans.on(t).remove(district);
      if (ok)
        await new AuditRepo(t).append({
          actor: by.name,
          role: by.role,
          action: 'patrol-plan.removed',
          target: district,
          details: {},
        });
      return ok;
    });
    if (!gone) throw new NotFoundError(`district '${district}' has no patrol plan`);
    this.prepared.delete(district);
    await this.announce(district, 'removed', {});
  }

  /** plans.files: each district's file seeds its plan when the database has none. A bad file stops the start. */
  async seed(root: string): Promise<string[]> {
    const seeded: string[] = [];
    for (const f of this.d.config.files) {
      const file = path.resolve(root, f.file);
      const plan = this.read(f.district, JSON.parse(readFileSync(file, 'utf8')) as unknown, `plans.files (${f.file})`);
      if (await this.plans.insertMissing(f.district, planToGeoJson(plan))) seeded.push(f.district);
    }
    return seeded;
  }

  /** Coverage of the district's plan over [from, to) by the units whose home grid is one of the plan's grids (all units when none is). */
  async coverage(district: string, from: number, to: number, filter: CoverageFilter = {}): Promise<CoverageResult> {
    const pp = await this.preparedPlan(district);
    const grids = new Set([...pp.plan.points, ...pp.plan.lines, ...pp.plan.areas].map((f) => f.grid));
    const tracks = await this.positions.tracks(from, to, filter.unitIds);
    const own = tracks.filter((t) => grids.has(t.grid));
    return scoreCoverage(pp, own.length ? own : tracks, { from, to }, { maxGapS: this.d.config.maxGapS });
  }

  /** Shifts ending within plans.warnBeforeEndMinutes with points not reached: announced once per district and shift. */
  async checkWarnings(now = Date.now()): Promise<Warning[]> {
    const shift = shiftAt(now, this.d.shifts, this.d.timezone);
    if (!shift || shift.to - now > this.d.config.warnBeforeEndMinutes * 60_000) return [];
    const sent: Warning[] = [];
    for (const s of await this.plans.list()) {
      const cov = await this.coverage(s.district, shift.from, now);
      const missing = cov.points.filter((p) => !p.reached).map((p) => ({ id: p.id, name: p.name, grid: p.grid }));
      if (
        !missing.length ||
        !(await this.plans.markWarned(
          s.district,
          shift.name,
          shift.from,
          missing.map((m) => m.id),
        ))
      )
        continue;
      const w = { district: s.district, shift, missing };
      sent.push(w);
      await this.announce(s.district, 'warning', {
        shift: shift.name,
        shiftEndsAt: new Date(shift.to).toISOString(),
        minutesLeft: Math.round((shift.to - now) / 60_000),
        missing,
      });
    }
    return sent;
  }

  private async preparedPlan(district: string): Promise<PreparedPlan> {
    const s = await this.plans.get(district);
    if (!s) throw new NotFoundError(`district '${district}' has no patrol plan`);
    const cached = this.prepared.get(district);
    if (cached?.version === s.version) return cached.pp;
    const pp = new PreparedPlan(this.read(district, s.geojson, 'stored plan'), this.d.config.segmentM);
    this.prepared.set(district, { version: s.version, pp });
    return pp;
  }

  private summary(s: StoredPlan): PlanSummary {
    const fs = s.geojson.features;
    return {
      district: s.district,
      version: s.version,
      updatedBy: s.updatedBy,
      updatedAt: s.updatedAt,
      points: fs.filter((f) => f.geometry.type === 'Point').length,
      lines: fs.filter((f) => f.geometry.type === 'LineString').length,
      coreAreas: fs.filter((f) => f.geometry.type === 'Polygon' && f.properties.level === 'core').length,
      keyAreas: fs.filter((f) => f.geometry.type === 'Polygon' && f.properties.level === 'key').length,
    };
  }

  private async announce(
    district: string,
    change: 'updated' | 'removed' | 'warning',
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.d.bus
      .publish({ type: 'patrol-plan', district, change, at: Date.now(), data })
      .catch((err: Error) => this.d.log.warn(`patrol plan ${district}: event not sent: ${err.message}`));
  }
}
