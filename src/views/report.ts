// The patrol reports as the API answers them (the rows are shaped in src/reports/report-view.ts).
import { z } from 'zod';
import { isoTime } from '../api/contract/route-doc.js';

const p = z.number().nullable();

export const responseTimesSchema = z.object({
  from: isoTime,
  to: isoTime,
  timezone: z.string(),
  shifts: z.array(z.object({ name: z.string(), start: z.string(), end: z.string() }).loose()),
  targetsS: z.array(z.number()).describe('The 1-3-5 minute targets, seconds'),
  rows: z.array(
    z.object({
      grid: z.string().describe("The camera's grid, else its district; '*' for all"),
      shift: z.string().describe("'*' for all shifts"),
      dispatched: z.number().int(),
      acknowledged: z.number().int(),
      arrived: z.number().int(),
      ackS: z.object({ p50: p, p90: p }),
      arrivalS: z.object({ p50: p, p90: p }),
      within: z
        .object({ '1m': p, '3m': p, '5m': p })
        .describe('Share of dispatched alerts with a unit on scene within each target'),
      waited: z.number().int(),
      waitS: z.object({ p50: p, p90: p, total: p }),
    }),
  ),
});

export const heatSchema = z.object({
  from: isoTime,
  to: isoTime,
  timezone: z.string(),
  kind: z.enum(['alerts', 'reads']),
  grids: z.array(z.string()),
  counts: z.array(z.array(z.number().int())).describe('counts[g][h]: grid grids[g], hour of day h (0-23)'),
  total: z.number().int(),
  max: z.number().int(),
});
