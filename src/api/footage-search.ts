// What the footage searches (plate reads, sightings, faces) share: area and direction fields, the stated
// purpose or case, the audit entry filed under the case, and each result's link to the footage at its moment.
import type { Context } from 'hono';
import { z } from 'zod';
import { parseCompass, type DirectionFilter, type SearchArea } from '../domain/search-area.js';
import { AccessRefused, resolveAccess, type Access } from '../recording/footage-access.js';
import type { ApiDeps, ApiEnv } from './deps.js';
import { badRequest } from './errors.js';
import { CaseService } from '../services/case-service.js';

/** Footage shown around a result: from this long before it was first seen to this long after it was last seen. */
export const FOOTAGE_MARGIN_MS = 10_000;
/** The longest result window linked (the play route plays a few minutes at a time). */
const FOOTAGE_MAX_MS = 5 * 60_000;

const numbers = (name: string, count: number, example: string) =>
  z.string().transform((text, ctx) => {
    const parts = text.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (parts.length === count && parts.every(Number.isFinite)) return parts;
    ctx.addIssue({ code: 'custom', message: `${name}: give ${count} numbers separated by commas, e.g. ${example}` });
    return z.NEVER;
  });

/** near=lat,lon,radiusM (circle) or box=south,west,north,east; direction=N|NE|...|degrees, tolerance=degrees either side. */
export const whereFields = {
  near: numbers('near', 3, 'near=22.543,114.058,500 (latitude, longitude, radius in metres)').optional(),
  box: numbers('box', 4, 'box=22.50,114.00,22.56,114.08 (south, west, north, east)').optional(),
};
export const directionFields = {
  direction: z.string().trim().optional(),
  tolerance: z.coerce
    .number()
    .gt(0, 'tolerance: degrees either side, more than 0')
    .max(180, 'tolerance: at most 180 degrees')
    .default(45),
};
/** purpose or case: which of them is required is checked by resolveAccess (one of the two, always). */
export const whyFields = {
  purpose: z.string().trim().max(500).optional(),
  case: z.string().trim().min(1).max(100).optional(),
};

const inRange = (x: number, lo: number, hi: number) => x >= lo && x <= hi;

/** The area asked for, checked; a 400 saying what to fix otherwise. */
export function areaOf(q: { near?: number[]; box?: number[] }): SearchArea | undefined {
  if (q.near && q.box) throw badRequest('give either near= or box=, not both');
  if (q.near) {
    const [lat, lon, radiusM] = q.near;
    if (!inRange(lat, -90, 90) || !inRange(lon, -180, 180))
      throw badRequest('near: latitude -90..90 and longitude -180..180 first, then the radius');
    if (!(radiusM > 0 && radiusM <= 100_000))
      throw badRequest('near: the radius is in metres, more than 0 and at most 100000');
    return { kind: 'circle', lat, lon, radiusM };
  }
  if (q.box) {
    const [south, west, north, east] = q.box;
    if (!inRange(south, -90, 90) || !inRange(north, -90, 90) || south > north)
      throw badRequest('box: south and north are latitudes -90..90, south not above north');
    if (!inRange(west, -180, 180) || !inRange(east, -180, 180))
      throw badRequest('box: west and east are longitudes -180..180');
    return { kind: 'box', south, west, north, east };
  }
  return undefined;
}

export function directionOf(q: { direction?: string; tolerance: number }): DirectionFilter | undefined {
  if (!q.direction) return undefined;
  const degrees = parseCompass(q.direction);
  if (degrees === null)
    throw badRequest(`direction: N, NE, E, SE, S, SW, W, NW or compass degrees 0-360 (got '${q.direction}')`);
  return { degrees, toleranceDeg: q.tolerance };
}

/** The stated purpose or the open case, or a 400 that says what to send. */
export async function accessOf(q: { purpose?: string; case?: string }, cases: ApiDeps['cases']): Promise<Access> {
  try {
    return await resolveAccess(q, cases);
  } catch (err) {
    if (err instanceof AccessRefused) throw badRequest(err.message);
    throw err;
  }
}

/** Audits a search with its parameters, and files it under the case when one was named: both in one transaction. */
export async function recordSearch(
  c: Context<ApiEnv>,
  deps: Pick<ApiDeps, 'audit' | 'cases' | 'segments'>,
  s: { action: string; target: string | null; access: Access; details: Record<string, unknown> },
): Promise<void> {
  const cases = new CaseService({ cases: deps.cases, segments: deps.segments, audit: deps.audit, eventSeconds: 0 });
  await cases.recordLookup(c.get('principal'), s);
}

/** The footage route playing this camera around a result, carrying the search's purpose or case (playback is audited too). */
export function footageUrl(
  cameraId: string,
  firstSeen: Date | string,
  lastSeen: Date | string,
  access: Access,
): string {
  const from = new Date(firstSeen).getTime() - FOOTAGE_MARGIN_MS;
  const to = Math.min(new Date(lastSeen).getTime() + FOOTAGE_MARGIN_MS, from + FOOTAGE_MAX_MS);
  const query = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  if (access.case) query.set('case', access.case.number);
  else query.set('purpose', access.purpose);
  return `/api/v1/footage/${encodeURIComponent(cameraId)}/play?${query}`;
}

/** The next page's offset, or null on the last page. */
export const nextOffset = (got: number, limit: number, offset: number): number | null =>
  got === limit ? offset + limit : null;
