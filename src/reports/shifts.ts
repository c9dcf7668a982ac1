// Shifts: which named shift a moment falls in (local time in the server's time zone), in TypeScript
// and as the SQL CASE the report groups by; the two agree (shifts.test.ts checks them against each other).
import type { Shift } from '../config/reports.js';

/** The label of a moment that falls in no configured shift. */
export const NO_SHIFT = '-';

export const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Whether a minute of the day (0-1439) falls in the shift; a shift whose end is before its start crosses midnight. */
export function inShift(minute: number, s: Shift): boolean {
  const [start, end] = [minutesOf(s.start), minutesOf(s.end)];
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The first configured shift holding the minute (so overlapping shifts go to the earlier one), else NO_SHIFT. */
export function shiftOfMinute(minute: number, shifts: readonly Shift[]): string {
  return shifts.find((s) => inShift(minute, s))?.name ?? NO_SHIFT;
}

/** Minute of the day of a moment on the wall clock of `timeZone` (IANA name). */
export function localMinute(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return part('hour') * 60 + part('minute');
}

export function shiftOf(at: Date, shifts: readonly Shift[], timeZone: string): string {
  return shiftOfMinute(localMinute(at, timeZone), shifts);
}

/**
 * The SQL expression naming the shift of `column` (a timestamptz) in the time zone given as parameter
 * $tzParam. Shift names become parameters from $firstParam on; the minutes are validated integers.
 */
export function shiftCaseSql(
  column: string,
  tzParam: number,
  shifts: readonly Shift[],
  firstParam: number,
): { sql: string; params: string[] } {
  const local = `(${column} at time zone $${tzParam})`;
  const minute = `(extract(hour from ${local}) * 60 + extract(minute from ${local}))`;
  const whens = shifts.map((s, i) => {
    const [start, end] = [minutesOf(s.start), minutesOf(s.end)];
    const test =
      start < end ? `${minute} >= ${start} and ${minute} < ${end}` : `(${minute} >= ${start} or ${minute} < ${end})`;
    return `when ${test} then $${firstParam + i}::text`;
  });
  return { sql: `(case ${whens.join(' ')} else '${NO_SHIFT}' end)`, params: shifts.map((s) => s.name) };
}
