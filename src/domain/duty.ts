// The command room's duty levels (常态/加强/战时) and a recorded switch between them.
import { z } from 'zod';

export const DUTY_LEVELS = ['normal', 'enhanced', 'wartime'] as const;
export type DutyLevel = (typeof DUTY_LEVELS)[number];

/** One switch of the level, as stored (duty_changes) and as told to the other processes. */
export const dutyChangeSchema = z.strictObject({
  /** Increases with every switch: a process keeps the highest it has seen, whatever order messages arrive in. */
  id: z.number().int().positive(),
  level: z.enum(DUTY_LEVELS),
  previous: z.enum(DUTY_LEVELS),
  changedBy: z.string(),
  role: z.string(),
  reason: z.string(),
  at: z.string(),
});
export type DutyChange = z.infer<typeof dutyChangeSchema>;
