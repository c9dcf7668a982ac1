// Job: the retention purge of unmatched face sightings past their window; every run writes its counts to the audit log.
import type { Payload } from '../queues/payloads.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { FaceSightingRepo } from '../store/face-sighting-repo.js';

export interface PurgeFacesDeps {
  faceSightings: FaceSightingRepo;
  audit: AuditRepo;
  unmatchedSeconds: number;
  now?: () => Date;
}

export interface PurgeResult {
  deleted: number;
  keptMatched: number;
  keptUnmatched: number;
}

/**
 * Audited even when nothing was deleted: the log then shows the control ran. At the default 5 minutes
 * that is 288 entries a day, a small price for proof that unmatched faces do not linger.
 */
export async function purgeFaces(p: Payload<'face-purge'>, deps: PurgeFacesDeps): Promise<PurgeResult> {
  const now = deps.now?.() ?? new Date();
  const { deleted, oldest } = await deps.faceSightings.purgeExpired(now);
  const counts = await deps.faceSightings.counts();
  const result = { deleted, keptMatched: counts.matched, keptUnmatched: counts.unmatched };
  await deps.audit.append({
    actor: 'system',
    role: 'system',
    action: 'face.purge',
    target: null,
    details: {
      trigger: p.trigger,
      ...result,
      oldestExpiry: oldest,
      unmatchedSeconds: deps.unmatchedSeconds,
      at: now.toISOString(),
    },
  });
  return result;
}
