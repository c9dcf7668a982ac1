// The four camera-health rates over a span of local days and weeks, from the repository's registry, uptime,
// targets and location confirmations: one function for the report route, the gauges and the situation reports.
import type { HealthConfig } from '../config/health.js';
import type { HealthRepo } from '../store/health-repo.js';
import { periodsBetween } from './periods.js';
import { computeRates, type RateRow } from './rates.js';

export interface RateReportDeps {
  healthRepo: HealthRepo;
  health: HealthConfig;
  timezone: string;
}

/** The report itself, for the route and the Prometheus gauges. */
export async function rateReport(
  d: RateReportDeps,
  from: string,
  to: string,
  district?: string,
  now = Date.now(),
): Promise<RateRow[]> {
  const periods = periodsBetween(from, to, d.timezone);
  const start = Math.min(...periods.map((p) => p.start));
  const end = Math.max(...periods.map((p) => p.end));
  const [registry, uptime, targets] = await Promise.all([
    d.healthRepo.registry(),
    d.healthRepo.uptime(start, end),
    d.healthRepo.targets(),
  ]);
  const confirmations = new Map<number, Map<string, { lat: number; lon: number; confirmedAt: number }>>();
  for (const p of periods) {
    const at = Math.min(p.end, now);
    const latest = await d.healthRepo.latestConfirmations(at);
    confirmations.set(
      at,
      new Map([...latest].map(([id, c]) => [id, { lat: c.lat, lon: c.lon, confirmedAt: Date.parse(c.confirmedAt) }])),
    );
  }
  const r = d.health.rates;
  const rows = computeRates(
    {
      cameras: registry.filter((c) => !district || c.district === district),
      uptime,
      targets,
      confirmationsAt: (at) => confirmations.get(at) ?? new Map(),
      locationMaxAgeMs: r.locationMaxAgeDays * 86_400_000,
      locationToleranceMetres: r.locationToleranceMetres,
      now,
    },
    periods,
  );
  return rows;
}
