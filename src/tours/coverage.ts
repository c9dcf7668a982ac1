// A tour's log against its plan for one shift: seconds each planned camera was watched, by whom, and the share of
// planned cameras watched for at least one dwell (coverage %; 90% of a dwell counts, for timer jitter). Pure; shift dates in the server's time zone.
import { inShift, localMinute, minutesOf } from '../reports/shifts.js';
import type { Shift } from '../config/reports.js';

export interface ViewSpan {
  cameraId: string;
  personId: string;
  personName: string;
  startedAt: Date;
  endedAt: Date;
}

export interface CameraCoverage {
  cameraId: string;
  watchedS: number;
  views: number;
  /** Names of the people who watched it. */
  watchedBy: string[];
  /** Watched for at least COVERED_SHARE of the plan's dwell in the shift. */
  covered: boolean;
}

export interface Coverage {
  plannedCameras: number;
  coveredCameras: number;
  /** coveredCameras / plannedCameras, percent, one decimal. */
  coveragePct: number;
  watchedS: number;
  /** Seconds spent on cameras the plan does not hold (the plan changed, or the operator looked elsewhere). */
  offPlanS: number;
  cameras: CameraCoverage[];
  people: { personId: string; name: string; watchedS: number; cameras: number }[];
}

/** Watched for this share of a dwell counts as covered: the wall's timer and the page's reports jitter by a few hundred ms. */
export const COVERED_SHARE = 0.9;

const secondsOf = (v: ViewSpan) => Math.max(0, (v.endedAt.getTime() - v.startedAt.getTime()) / 1000);
const round1 = (x: number) => Math.round(x * 10) / 10;

export function coverageOf(planned: readonly string[], views: readonly ViewSpan[], dwellS: number): Coverage {
  const plan = new Set(planned);
  const cams = new Map<string, { watchedS: number; views: number; by: Set<string> }>(
    planned.map((id) => [id, { watchedS: 0, views: 0, by: new Set() }]),
  );
  const people = new Map<string, { name: string; watchedS: number; cameras: Set<string> }>();
  let offPlanS = 0;
  for (const v of views) {
    const s = secondsOf(v);
    const person = people.get(v.personId) ?? { name: v.personName, watchedS: 0, cameras: new Set<string>() };
    person.watchedS += s;
    person.cameras.add(v.cameraId);
    people.set(v.personId, person);
    const cam = cams.get(v.cameraId);
    if (!cam || !plan.has(v.cameraId)) {
      offPlanS += s;
      continue;
    }
    cam.watchedS += s;
    cam.views++;
    cam.by.add(v.personName);
  }
  const cameras = [...cams.entries()].map(([cameraId, c]) => ({
    cameraId,
    watchedS: round1(c.watchedS),
    views: c.views,
    watchedBy: [...c.by].sort(),
    covered: c.watchedS >= dwellS * COVERED_SHARE,
  }));
  const covered = cameras.filter((c) => c.covered).length;
  return {
    plannedCameras: cameras.length,
    coveredCameras: covered,
    coveragePct: cameras.length ? round1((covered / cameras.length) * 100) : 0,
    watchedS: round1(cameras.reduce((n, c) => n + c.watchedS, 0)),
    offPlanS: round1(offPlanS),
    cameras,
    people: [...people.entries()].map(([personId, p]) => ({
      personId,
      name: p.name,
      watchedS: round1(p.watchedS),
      cameras: p.cameras.size,
    })),
  };
}

/** The local date (YYYY-MM-DD) of a moment in the time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The shift a moment falls in and the local date that shift began on (after midnight, a night shift's date is the day before). */
export function shiftDateOf(at: Date, shifts: readonly Shift[], timeZone: string): { shift: string; date: string } {
  const minute = localMinute(at, timeZone);
  const s = shifts.find((x) => inShift(minute, x));
  const today = localDate(at, timeZone);
  if (!s) return { shift: '-', date: today };
  const crosses = minutesOf(s.start) > minutesOf(s.end);
  if (crosses && minute < minutesOf(s.end))
    return { shift: s.name, date: localDate(new Date(at.getTime() - 86_400_000), timeZone) };
  return { shift: s.name, date: today };
}
