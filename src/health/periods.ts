// Local days and ISO weeks (Monday first) in a time zone, as epoch-millisecond ranges, for the rate report.
import type { Period } from './rates.js';

/** The zone's offset from UTC at an instant, ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at / 1000) * 1000
  );
}

/** Midnight starting a local date (YYYY-MM-DD) in the zone, epoch ms (the offset is re-read there, for DST). */
export function localMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffsetMs(guess, timeZone);
  return guess - zoneOffsetMs(first, timeZone);
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDate(at: number, timeZone: string): string {
  return new Date(at + zoneOffsetMs(at, timeZone)).toISOString().slice(0, 10);
}

const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Each local day from `from` to `to` (both included), and each ISO week that touches them. */
export function periodsBetween(from: string, to: string, timeZone: string): Period[] {
  const days: Period[] = [];
  for (let d = from; d <= to; d = addDays(d, 1))
    days.push({
      kind: 'day',
      label: d,
      start: localMidnight(d, timeZone),
      end: localMidnight(addDays(d, 1), timeZone),
    });
  const weeks: Period[] = [];
  const weekday = (new Date(`${from}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  for (let w = addDays(from, -weekday); w <= to; w = addDays(w, 7))
    weeks.push({
      kind: 'week',
      label: w,
      start: localMidnight(w, timeZone),
      end: localMidnight(addDays(w, 7), timeZone),
    });
  return [...days, ...weeks];
}
