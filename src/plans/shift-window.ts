// Shift instances as time windows: the configured shifts (reports.shifts) of one local date, and the one
// running at a moment, in server.timezone. A shift whose end is before its start ends the next day.
import { localDate, localMidnight } from '../health/periods.js';
import type { Shift } from '../config/reports.js';
import { minutesOf } from '../reports/shifts.js';

export interface ShiftWindow {
  name: string;
  /** Local date the shift starts on. */
  date: string;
  from: number;
  to: number;
}

export const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A local clock time on a local date, epoch ms: midnight plus the minutes (on a DST change day, off by the change). */
const at = (date: string, minute: number, timeZone: string) => localMidnight(date, timeZone) + minute * 60_000;

export function shiftWindows(date: string, shifts: readonly Shift[], timeZone: string): ShiftWindow[] {
  return shifts.map((s) => {
    const [start, end] = [minutesOf(s.start), minutesOf(s.end)];
    return {
      name: s.name,
      date,
      from: at(date, start, timeZone),
      to: end > start ? at(date, end, timeZone) : at(addDays(date, 1), end, timeZone),
    };
  });
}

/** The shift running at `now` (started today or yesterday, local), the first configured on overlap; null between shifts. */
export function shiftAt(now: number, shifts: readonly Shift[], timeZone: string): ShiftWindow | null {
  const today = localDate(now, timeZone);
  const candidates = [...shiftWindows(addDays(today, -1), shifts, timeZone), ...shiftWindows(today, shifts, timeZone)];
  return candidates.find((w) => w.from <= now && now < w.to) ?? null;
}

/** The local day [midnight, next midnight). */
export function dayWindow(date: string, timeZone: string): { from: number; to: number } {
  return { from: localMidnight(date, timeZone), to: localMidnight(addDays(date, 1), timeZone) };
}
