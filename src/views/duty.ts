// The duty level as the API answers it: the level in force, its policy, the last switch, and whether the caller may switch it.
import { z } from 'zod';
import { DUTY_LEVELS, type DutyChange } from '../domain/duty.js';
import type { DutyStatus } from '../duty/duty-state.js';
import { isoTime } from '../api/contract/route-doc.js';

const level = z.enum(DUTY_LEVELS);

export const dutyPolicySchema = z.object({
  level,
  ackTimeoutSeconds: z.number().describe('Seconds a unit has to acknowledge before the offer passes on'),
  unitsPerAlert: z.number().int(),
  plateMinPriority: z.number().int().describe('Plate hits of this priority or more urgent (lower) raise alerts'),
  plateConfirmations: z.union([z.literal(0), z.literal(1)]),
  faceConfirmations: z.union([z.literal(1), z.literal(2)]),
  checkpointsNotified: z.enum(['own', 'district', 'all']),
});

export const dutyViewSchema = z.object({
  level,
  policy: dutyPolicySchema,
  since: isoTime.nullable().describe('When the level was switched to; null while the configured initial level stands'),
  by: z.string().nullable(),
  role: z.string().nullable(),
  reason: z.string().nullable(),
  previous: level.nullable(),
  levels: z.array(level),
  canSwitch: z.boolean().describe("Whether the caller's role may switch it (duty.switchRoles)"),
});
export type DutyView = z.infer<typeof dutyViewSchema>;

export const dutyChangeViewSchema = z.object({
  id: z.number().int(),
  level,
  previous: level,
  changedBy: z.string(),
  role: z.string(),
  reason: z.string(),
  at: isoTime,
});
export const dutyHistorySchema = z.object({ changes: z.array(dutyChangeViewSchema) });

export function dutyView(status: DutyStatus, canSwitch: boolean): DutyView {
  return { ...status, policy: { ...status.policy }, levels: [...DUTY_LEVELS], canSwitch };
}

export function dutyChangeView(c: DutyChange): z.infer<typeof dutyChangeViewSchema> {
  return {
    id: c.id,
    level: c.level,
    previous: c.previous,
    changedBy: c.changedBy,
    role: c.role,
    reason: c.reason,
    at: c.at,
  };
}
