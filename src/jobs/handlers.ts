// What each queue's worker runs: the one map from queue to job handler, with the deps each handler takes.
// app/start.ts builds the deps and starts the workers; this file says which job handles which queue.
import type { FenceGuard } from '../cluster/fence-guard.js';
import type { OfferChannel } from '../dispatch/offer-channel.js';
import type { RankOptions } from '../dispatch/travel.js';
import type { DutyReader } from '../duty/duty-state.js';
import type { HotlistIndex, MatchOptions } from '../matching/hotlist-index.js';
import type { EventBus } from '../queues/event-bus.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { Handlers } from '../queues/worker-set.js';
import type { FaceAuthorisationService } from '../services/face-authorisation-service.js';
import type { FaceWatchlistService } from '../services/face-watchlist-service.js';
import type { InterceptionService } from '../services/interception-service.js';
import type { FaceSightingRepo } from '../store/face-sighting-repo.js';
import type { PlateReadRepo } from '../store/plate-read-repo.js';
import type { SightingRepo } from '../store/sighting-repo.js';
import { createAlert, type CreateAlertDeps } from './create-alert.js';
import { dispatchAlert, type DispatchDeps } from './dispatch-alert.js';
import { escalateAlert } from './escalate-alert.js';
import { matchFace } from './match-face.js';
import { matchPlateRead } from './match-plate-read.js';
import { offerWaiting } from './offer-waiting.js';
import { purgeFaces } from './purge-faces.js';
import { storeSighting } from './store-sighting.js';

/** The repositories the jobs read and write (the node's repos object carries them all). */
export type JobRepos = Omit<CreateAlertDeps, 'queues' | 'bus' | 'duty'> &
  Pick<DispatchDeps, 'alerts' | 'assignments' | 'cameras' | 'hotlistRepo' | 'units' | 'audit'> & {
    plateReads: PlateReadRepo;
    sightings: SightingRepo;
    faceSightings: FaceSightingRepo;
  };

export interface JobDeps {
  repos: JobRepos;
  queues: QueueSet;
  bus: EventBus;
  duty: DutyReader;
  /** Offer delivery besides the unit's stream (webhook, MQTT). */
  channels: OfferChannel[];
  /** dispatch: ackTimeoutSeconds, staleAfterSeconds, maxAttempts. */
  dispatchPolicy: DispatchDeps['policy'];
  travel: RankOptions['travel'];
  hotlist: HotlistIndex;
  matchOptions: MatchOptions;
  interceptions: Pick<InterceptionService, 'onPlateRead'>;
  fence: Pick<FenceGuard, 'check'>;
  faces: { authorisations: Pick<FaceAuthorisationService, 'find'>; watchlist: Pick<FaceWatchlistService, 'match'> };
  /** faces.retention.unmatchedSeconds. */
  unmatchedSeconds: number;
}

export function jobHandlers(d: JobDeps): Required<Handlers> {
  const { repos, queues, bus, duty, travel } = d;
  const shared = { ...repos, queues, bus };
  return {
    'plate-reads': (p) =>
      matchPlateRead(p, {
        plateReads: repos.plateReads,
        hotlist: d.hotlist,
        matchOptions: d.matchOptions,
        queues,
        interceptions: d.interceptions,
        fence: d.fence,
      }),
    alerts: (p) => createAlert(p, { ...shared, duty }),
    dispatch: (p) => dispatchAlert(p, { ...shared, channels: d.channels, policy: d.dispatchPolicy, travel, duty }),
    escalate: (p) => escalateAlert(p, shared),
    'offer-waiting': async (p) => void (await offerWaiting(p, { ...shared, policy: d.dispatchPolicy, travel })),
    sightings: (p) => storeSighting(p, { sightings: repos.sightings, fence: d.fence }),
    faces: async (p) =>
      void (await matchFace(p, {
        ...d.faces,
        faceSightings: repos.faceSightings,
        queues,
        unmatchedSeconds: d.unmatchedSeconds,
      })),
    'face-purge': async (p) =>
      void (await purgeFaces(p, {
        faceSightings: repos.faceSightings,
        audit: repos.audit,
        unmatchedSeconds: d.unmatchedSeconds,
      })),
  };
}
