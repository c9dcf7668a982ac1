// The four camera rates the cities report (registration, online, image-intact, location accuracy), per
// district and grid, for local days and ISO weeks in the server's time zone. Pure: the report route feeds it.
import { haversineMetres } from '../domain/geo.js';
import type { RegistryCamera, UptimeRow } from '../store/health-repo.js';

/** A camera as the rates read it: the inventory's registry view (store/health-repo.ts). */
export type RateCamera = RegistryCamera;

export interface Period {
  kind: 'day' | 'week';
  /** Local date of the first day (YYYY-MM-DD). */
  label: string;
  start: number;
  end: number;
}

export interface Confirmation {
  lat: number;
  lon: number;
  confirmedAt: number;
}

export interface RateInput {
  cameras: RateCamera[];
  uptime: UptimeRow[];
  /** Expected camera count per district, as admins set it. */
  targets: Map<string, number>;
  /** Each camera's latest confirmation before the period's end. */
  confirmationsAt: (end: number) => Map<string, Confirmation>;
  locationMaxAgeMs: number;
  locationToleranceMetres: number;
  /** Periods still running are counted up to now. */
  now: number;
}

export interface RateRow {
  period: 'day' | 'week';
  start: string;
  district: string;
  /** null: the district as a whole. */
  grid: string | null;
  cameras: number;
  registered: number;
  expected: number;
  registration: number | null;
  online: number | null;
  imageIntact: number | null;
  location: number | null;
  onlineHours: number;
  intactHours: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.min(1, a / b) : null);
const round = (v: number | null) => (v === null ? null : Number(v.toFixed(4)));

/** Milliseconds of [start, end) the camera was in the inventory. */
function presentMs(c: RateCamera, start: number, end: number): number {
  const from = Math.max(start, c.createdAt ?? start);
  const to = Math.min(end, c.removedAt ?? end);
  return Math.max(0, to - from);
}

export function computeRates(input: RateInput, periods: Period[]): RateRow[] {
  const rows: RateRow[] = [];
  for (const p of periods) {
    const end = Math.min(p.end, input.now);
    if (end <= p.start) continue; // not begun yet
    const confirmations = input.confirmationsAt(end);
    const present = input.cameras.filter((c) => presentMs(c, p.start, end) > 0);
    // One row per district (grid null) and one per grid in it; cameras without a grid form the grid ''.
    const groups = new Map<string, { district: string; grid: string | null; cams: RateCamera[] }>();
    for (const c of present) {
      for (const grid of [null, c.grid ?? '']) {
        const key = `${c.district}\u0000${grid ?? '\u0001'}`;
        const g = groups.get(key) ?? { district: c.district, grid, cams: [] };
        g.cams.push(c);
        groups.set(key, g);
      }
    }
    for (const key of [...groups.keys()].sort()) {
      const g = groups.get(key) as { district: string; grid: string | null; cams: RateCamera[] };
      rows.push(rateRow(input, p, end, g.district, g.grid, g.cams, confirmations));
    }
  }
  return rows;
}

function rateRow(
  input: RateInput,
  p: Period,
  end: number,
  district: string,
  grid: string | null,
  cams: RateCamera[],
  confirmations: Map<string, Confirmation>,
): RateRow {
  const ids = new Set(cams.map((c) => c.id));
  let online = 0,
    intact = 0;
  for (const u of input.uptime) {
    if (!ids.has(u.cameraId) || u.bucket < p.start || u.bucket >= p.end) continue;
    online += u.onlineMs;
    intact += u.intactMs;
  }
  const possible = cams.reduce((s, c) => s + presentMs(c, p.start, end), 0);
  const registered = cams.filter((c) => c.complete).length;
  // The admins' expected count is per district; a grid is judged against the cameras it has.
  const expected = grid === null ? (input.targets.get(district) ?? cams.length) : cams.length;
  const located = cams.filter((c) => {
    const k = confirmations.get(c.id);
    return (
      !!k &&
      end - k.confirmedAt <= input.locationMaxAgeMs &&
      haversineMetres({ lat: k.lat, lon: k.lon }, { lat: c.lat, lon: c.lon }) <= input.locationToleranceMetres
    );
  }).length;
  return {
    period: p.kind,
    start: p.label,
    district,
    grid,
    cameras: cams.length,
    registered,
    expected,
    registration: round(ratio(registered, expected)),
    online: round(ratio(online, possible)),
    imageIntact: round(ratio(intact, online)),
    location: round(ratio(located, cams.length)),
    onlineHours: Number((online / 3_600_000).toFixed(3)),
    intactHours: Number((intact / 3_600_000).toFixed(3)),
  };
}
