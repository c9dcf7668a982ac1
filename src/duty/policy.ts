// What a duty level changes, resolved from the config: escalation timeout, units per hit, alert threshold, confirmations, who is told.
import type { CheckpointScope } from '../config/duty.js';
import type { Config } from '../config/schema.js';
import type { DutyLevel } from '../domain/face-watchlist.js';

export interface DutyPolicy {
  level: DutyLevel;
  ackTimeoutSeconds: number;
  unitsPerAlert: number;
  plateMinPriority: number;
  plateConfirmations: 0 | 1;
  faceConfirmations: 1 | 2;
  checkpointsNotified: CheckpointScope;
}

interface LevelDefaults {
  /** The level's escalation timeout as a share of dispatch.ackTimeoutSeconds (30 s unless configured). */
  ackTimeoutFactor: number;
  unitsPerAlert: number;
  plateMinPriority: number;
  plateConfirmations: 0 | 1;
  checkpointsNotified: CheckpointScope;
}

/**
 * Defaults, and why:
 * - ackTimeout: 30 s / 20 s / 10 s with the default dispatch.ackTimeoutSeconds. Units on a raised
 *   level are briefed and expect calls; a silent unit costs the 1-3-5 minute target sooner.
 * - unitsPerAlert: 1 / 1 / 2. Two units at wartime: a hit then may be armed, and the second unit
 *   covers the first; at normal and enhanced one unit keeps the rest of the grid covered.
 * - plateMinPriority: 3 / 4 / 5. Priorities 4-5 (unpaid fines, lapsed inspection) are kept as reads
 *   for search in routine duty; a raised level widens the net, wartime to every listing.
 * - plateConfirmations: 0 at every level. A plate hit is checked by eye at the scene, and a desk check
 *   first would cost minutes of the response target; set 1 where misreads are costly.
 * - faceConfirmations: faces.confirmations at every level. Four eyes on a face match is a legal
 *   safeguard, not a question of tempo: a level should not loosen it unless configured to.
 * - checkpointsNotified: own / district / all. A raised level is about a vehicle that may move on:
 *   the checkpoints around it should see the hit, not only the one that read it.
 */
export const LEVEL_DEFAULTS: Record<DutyLevel, LevelDefaults> = {
  normal: {
    ackTimeoutFactor: 1,
    unitsPerAlert: 1,
    plateMinPriority: 3,
    plateConfirmations: 0,
    checkpointsNotified: 'own',
  },
  enhanced: {
    ackTimeoutFactor: 2 / 3,
    unitsPerAlert: 1,
    plateMinPriority: 4,
    plateConfirmations: 0,
    checkpointsNotified: 'district',
  },
  wartime: {
    ackTimeoutFactor: 1 / 3,
    unitsPerAlert: 2,
    plateMinPriority: 5,
    plateConfirmations: 0,
    checkpointsNotified: 'all',
  },
};

export type PolicyConfig = Pick<Config, 'duty'> & {
  dispatch: Pick<Config['dispatch'], 'ackTimeoutSeconds'>;
  faces: Pick<Config['faces'], 'confirmations'>;
};

/** The level's policy: what the config sets for it, else the level's default. Pure. */
export function policyFor(config: PolicyConfig, level: DutyLevel): DutyPolicy {
  const set = config.duty[level];
  const d = LEVEL_DEFAULTS[level];
  return {
    level,
    ackTimeoutSeconds: set.ackTimeoutSeconds ?? scaled(config.dispatch.ackTimeoutSeconds, d.ackTimeoutFactor),
    unitsPerAlert: set.unitsPerAlert ?? d.unitsPerAlert,
    plateMinPriority: set.plateMinPriority ?? d.plateMinPriority,
    plateConfirmations: set.plateConfirmations ?? d.plateConfirmations,
    faceConfirmations: set.faceConfirmations ?? config.faces.confirmations,
    checkpointsNotified: set.checkpointsNotified ?? d.checkpointsNotified,
  };
}

/** A share of the base timeout in whole seconds, at least 1 s, never longer than the base. */
function scaled(base: number, factor: number): number {
  if (factor === 1) return base;
  return Math.min(base, Math.max(1, Math.round(base * factor)));
}

/** Whether a hotlist entry of this priority raises an alert under the policy (else the read is only stored). */
export const raisesAlert = (policy: Pick<DutyPolicy, 'plateMinPriority'>, priority: number): boolean =>
  priority <= policy.plateMinPriority;
