// The `duty:` block of the YAML config: the starting duty level, who may switch it, and what each level changes.
import { z } from 'zod';
import { DUTY_LEVELS } from '../domain/face-watchlist.js';

/** Roles that may be allowed to switch: the command room only; a checkpoint or unit never sets the room's level. */
export const DUTY_SWITCH_ROLES = ['admin', 'operator'] as const;

export const CHECKPOINT_SCOPES = ['own', 'district', 'all'] as const;
export type CheckpointScope = (typeof CHECKPOINT_SCOPES)[number];

/**
 * One level's policy. Every key may be left out: src/duty/policy.ts fills it from the level's default
 * (LEVEL_DEFAULTS there), and two keys from older sections (dispatch.ackTimeoutSeconds, faces.confirmations).
 */
export const levelPolicySchema = z.strictObject({
  /** An offered unit that has not acknowledged within this time is passed over for the next nearest. */
  ackTimeoutSeconds: z.number().gt(0).max(3600).optional(),
  /** Nearest units offered each hit at once; a lane whose unit does not acknowledge passes to the next nearest. */
  unitsPerAlert: z.number().int().min(1).max(10).optional(),
  /** Hotlist entries of priority number <= this raise alerts (1 most urgent, 5 least); the others stay plate reads. */
  plateMinPriority: z.number().int().min(1).max(5).optional(),
  /** 0: a plate hit is dispatched at once; 1: an operator confirms it before a unit is sent. */
  plateConfirmations: z.union([z.literal(0), z.literal(1)]).optional(),
  /** Distinct people who confirm a face hit before a unit is sent: 1, or 2 (four eyes). */
  faceConfirmations: z.union([z.literal(1), z.literal(2)]).optional(),
  /** Checkpoint accounts that see a plate hit: 'own' (where it was read), 'district' (the camera's district), 'all'. */
  checkpointsNotified: z.enum(CHECKPOINT_SCOPES).optional(),
});
export type LevelPolicyConfig = z.infer<typeof levelPolicySchema>;

export const dutySchema = z.strictObject({
  /** The level until someone switches it (the latest switch is kept in the database and survives restarts). */
  initial: z.enum(DUTY_LEVELS).default('normal'),
  /** Roles allowed to switch the level. Default: admin only; add operator for rooms where the shift lead holds an operator token. */
  switchRoles: z.array(z.enum(DUTY_SWITCH_ROLES)).min(1).default(['admin']),
  normal: levelPolicySchema.prefault({}),
  enhanced: levelPolicySchema.prefault({}),
  wartime: levelPolicySchema.prefault({}),
});
export type DutyConfig = z.infer<typeof dutySchema>;
