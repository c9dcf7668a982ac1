// Prometheus gauges of camera health: today's four rates per district (from the report, cached a minute)
// and the number of faults raised per camera (set by the camera node's health service).
import { Gauge } from 'prom-client';
import { registry } from '../lib/metrics.js';
import type { RateRow } from './rates.js';

/** Faults raised now on a camera (0 when its picture is intact). */
export const cameraFaultsRaised = new Gauge({
  name: 'vigil_camera_faults_raised',
  help: 'Image and stream faults raised now on the camera',
  labelNames: ['camera'] as const,
  registers: [registry],
});

const CACHE_MS = 60_000;
let source: (() => Promise<RateRow[]>) | null = null;
let cached: { at: number; rows: RateRow[] } | null = null;

/** Today's rate per district, 0..1: rate is registration, online, image_intact or location. */
new Gauge({
  name: 'vigil_camera_health_rate',
  help: "Today's camera rate per district (registration, online, image_intact, location), 0..1; the target is 0.95",
  labelNames: ['district', 'rate'] as const,
  registers: [registry],
  async collect() {
    if (!source) return;
    if (!cached || Date.now() - cached.at > CACHE_MS)
      cached = { at: Date.now(), rows: await source().catch(() => cached?.rows ?? []) };
    this.reset();
    for (const r of cached.rows.filter((x) => x.period === 'day' && x.grid === null)) {
      const rates = {
        registration: r.registration,
        online: r.online,
        image_intact: r.imageIntact,
        location: r.location,
      };
      for (const [rate, v] of Object.entries(rates)) if (v !== null) this.set({ district: r.district, rate }, v);
    }
  },
});

/** Where today's rows come from (the API process's report); null stops reporting them. */
export function reportRates(rows: (() => Promise<RateRow[]>) | null): void {
  source = rows;
  cached = null;
}
