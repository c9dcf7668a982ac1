// The `reports:` block of the YAML config: the named shifts response times are reported by.
import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM (00:00-23:59)');

export const shiftSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Start of the shift, local time in server.timezone. */
    start: clock,
    /** End (exclusive); earlier than start means the shift crosses midnight (20:00-08:00). */
    end: clock,
  })
  .refine((s) => s.start !== s.end, { message: 'a shift needs different start and end times', path: ['end'] });

export const reportsSchema = z.strictObject({
  /**
   * Shifts for the response-time report, in server.timezone. A moment that falls in no shift is
   * reported under '-'. Default: day 08:00-20:00 and night 20:00-08:00.
   */
  shifts: z
    .array(shiftSchema)
    .min(1)
    .default([
      { name: 'day', start: '08:00', end: '20:00' },
      { name: 'night', start: '20:00', end: '08:00' },
    ]),
});

export type ReportsConfig = z.infer<typeof reportsSchema>;
export type Shift = z.infer<typeof shiftSchema>;
