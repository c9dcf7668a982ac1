// Assembles one district's situation report for a local day or ISO week: incidents and hits by grid and
// hour, responses against 1-3-5 minutes, patrol coverage per shift, camera health rates, listed plates
// seen, interception outcomes, and the hot grid x hour cells against the previous period.
import { rateReport, type RateReportDeps } from '../health/rate-report.js';
import type { Incident, IncidentRepo } from '../incidents/incident-repo.js';
import { NotFoundError } from '../lib/errors.js';
import { addDays, dayWindow, shiftWindows } from '../plans/shift-window.js';
import type { PlanService } from '../plans/plan-service.js';
import type { Shift } from '../config/reports.js';
import { localMinute } from '../reports/shifts.js';
import type { Period, ShiftCoverage, SituationData } from './report-data.js';
import type { GridHourCount, SituationRepo } from './situation-repo.js';
import { gridHourTables, hotCells, summariseResponses } from './summaries.js';

export interface BuildDeps {
  repo: SituationRepo;
  /** Incidents (src/incidents); without them the report counts hits only. */
  incidents?: Pick<IncidentRepo, 'between'>;
  /** Patrol coverage; without it the section says there is no plan. */
  plans?: Pick<PlanService, 'coverage'>;
  /** Camera health rates; without them the section is empty. */
  health?: RateReportDeps;
  timezone: string;
  shifts: readonly Shift[];
  hotCells: number;
  now?: () => number;
}

/** The period's [from, to): a local day, or the ISO week starting on a Monday. */
export function periodWindow(
  period: Period,
  startDate: string,
  timeZone: string,
): { from: number; to: number; dates: string[] } {
  const days = period === 'day' ? 1 : 7;
  const dates = Array.from({ length: days }, (_, i) => addDays(startDate, i));
  return { from: dayWindow(startDate, timeZone).from, to: dayWindow(dates[days - 1], timeZone).to, dates };
}

function incidentCells(list: Incident[], district: string, timeZone: string): GridHourCount[] {
  return list.map((i) => ({
    grid: i.grid ?? district,
    hour: Math.floor(localMinute(i.createdAt, timeZone) / 60),
    count: 1,
  }));
}

/** First arrival after the report, over the incident's legs (null: none arrived); incidents without legs left out. */
const firstArrival = (i: Incident) =>
  i.legs.length
    ? i.legs.reduce<number | null>(
        (m, l) => (l.arrivedAfterS === null ? m : m === null ? l.arrivedAfterS : Math.min(m, l.arrivedAfterS)),
        null,
      )
    : undefined;

function byGrid<T extends { grid: string }>(rows: T[], arrival: (r: T) => number | null) {
  return [...new Set(rows.map((r) => r.grid))]
    .sort()
    .map((grid) => ({ grid, ...summariseResponses(rows.filter((r) => r.grid === grid).map(arrival)) }));
}

async function coverageOf(
  d: BuildDeps,
  district: string,
  dates: string[],
  end: number,
): Promise<SituationData['coverage']> {
  if (!d.plans) return { hasPlan: false, shifts: [], grids: [] };
  const shifts: ShiftCoverage[] = [];
  const sums = new Map<string, { share: number; shares: number; reached: number; due: number }>();
  for (const date of dates) {
    for (const w of shiftWindows(date, d.shifts, d.timezone)) {
      if (w.from >= end) continue;
      let cov;
      try {
        cov = await d.plans.coverage(district, w.from, Math.min(w.to, end));
      } catch (err) {
        if (err instanceof NotFoundError) return { hasPlan: false, shifts: [], grids: [] };
        throw err;
      }
      shifts.push({
        date,
        shift: w.name,
        grids: cov.grids.map((g) => ({
          grid: g.grid,
          lineShare: g.lineShare,
          pointsReached: g.pointsReached,
          points: g.points,
        })),
        missed: cov.points.filter((p) => !p.reached).map((p) => p.id),
      });
      for (const g of cov.grids) {
        const s = sums.get(g.grid) ?? { share: 0, shares: 0, reached: 0, due: 0 };
        if (g.lineShare !== null) {
          s.share += g.lineShare;
          s.shares++;
        }
        s.reached += g.pointsReached;
        s.due += g.points;
        sums.set(g.grid, s);
      }
    }
  }
  const grids = [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([grid, s]) => ({
      grid,
      lineShare: s.shares ? Math.round((s.share / s.shares) * 1000) / 1000 : null,
      pointsReached: s.reached,
      pointsDue: s.due,
    }));
  return { hasPlan: true, shifts, grids };
}

async function healthOf(
  d: BuildDeps,
  district: string,
  period: Period,
  startDate: string,
  lastDate: string,
): Promise<SituationData['cameraHealth']> {
  if (!d.health) return { target: null, rows: [] };
  const rows = (await rateReport(d.health, startDate, lastDate, district)).filter(
    (r) => r.period === period && r.start === startDate && r.district === district,
  );
  return {
    target: d.health.health.rates.target,
    rows: rows.map((r) => ({
      grid: r.grid,
      cameras: r.cameras,
      registration: r.registration,
      online: r.online,
      imageIntact: r.imageIntact,
      location: r.location,
    })),
  };
}

export async function buildSituation(
  d: BuildDeps,
  district: string,
  period: Period,
  startDate: string,
): Promise<SituationData> {
  const tz = d.timezone;
  const { from, to, dates } = periodWindow(period, startDate, tz);
  const prevFrom = from - (to - from);
  const [incidents, previousIncidents, hits, previousHits, alertResponses, plates, interceptions] = await Promise.all([
    d.incidents ? d.incidents.between(new Date(from), new Date(to), district) : Promise.resolve([]),
    d.incidents ? d.incidents.between(new Date(prevFrom), new Date(from), district) : Promise.resolve([]),
    d.repo.hitsByGridHour(district, from, to, tz),
    d.repo.hitsByGridHour(district, prevFrom, from, tz),
    d.repo.alertResponses(district, from, to),
    d.repo.plateHits(district, from, to),
    d.repo.interceptions(district, from, to),
  ]);
  const incCells = incidentCells(incidents, district, tz);
  const prevIncCells = incidentCells(previousIncidents, district, tz);
  const grids = [...new Set([...incCells, ...hits, ...prevIncCells, ...previousHits].map((c) => c.grid))].sort();
  const [incTable, hitTable, prevIncTable, prevHitTable] = gridHourTables(
    grids,
    incCells,
    hits,
    prevIncCells,
    previousHits,
  );
  const sum = (a: number[][], b: number[][]) => a.map((row, g) => row.map((n, h) => n + b[g][h]));
  const responded = incidents.flatMap((i) =>
    firstArrival(i) === undefined ? [] : [{ grid: i.grid ?? district, arriveS: firstArrival(i) as number | null }],
  );
  const severities = [...new Set(incidents.map((i) => i.severity))].sort();
  const total = (t: number[][]) => t.flat().reduce((s, n) => s + n, 0);
  return {
    district,
    period,
    startDate,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    timezone: tz,
    totals: {
      incidents: incidents.length,
      hits: total(hitTable),
      plateHits: plates.hits,
      interceptions: interceptions.ordered,
    },
    byGridHour: { grids, incidents: incTable, hits: hitTable },
    incidentsBySeverity: severities.map((severity) => ({
      severity,
      count: incidents.filter((i) => i.severity === severity).length,
    })),
    response: {
      incidents: summariseResponses(responded.map((r) => r.arriveS)),
      alerts: summariseResponses(alertResponses.map((r) => r.arriveS)),
      incidentsByGrid: byGrid(responded, (r) => r.arriveS),
      alertsByGrid: byGrid(alertResponses, (r) => r.arriveS),
    },
    coverage: await coverageOf(d, district, dates, Math.min(to, (d.now ?? Date.now)())),
    cameraHealth: await healthOf(d, district, period, startDate, dates[dates.length - 1]),
    plates,
    interceptions,
    hotCells: hotCells(sum(incTable, hitTable), sum(prevIncTable, prevHitTable), grids, d.hotCells),
    previous: {
      from: new Date(prevFrom).toISOString(),
      to: new Date(from).toISOString(),
      incidents: previousIncidents.length,
      hits: total(prevHitTable),
    },
  };
}
