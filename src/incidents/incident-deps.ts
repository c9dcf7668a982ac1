// What the incident service and its raise and response steps share: their dependencies, the scope check and the
// acknowledgement timeout.
import type { Config } from '../config/schema.js';
import type { OfferChannel } from '../dispatch/offer-channel.js';
import type { RankOptions } from '../dispatch/travel.js';
import { districtInScope } from '../domain/scope.js';
import type { DutyReader } from '../duty/duty-state.js';
import type { EventBus } from '../queues/event-bus.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { InterceptionRepo } from '../store/interception-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { IncidentQueue } from './incident-queue.js';
import type { IncidentRepo } from './incident-repo.js';

export interface IncidentDeps {
  incidents: IncidentRepo;
  cameras: Pick<CameraRepo, 'get' | 'list'>;
  orders: InterceptionRepo;
  audit: AuditRepo;
  bus: EventBus;
  queue: IncidentQueue;
  channels: OfferChannel[];
  duty: DutyReader;
  config: Pick<Config, 'incidents' | 'interception' | 'dispatch' | 'reports' | 'server'>;
  travel?: RankOptions['travel'];
}

/** Inside the principal's scope: its district, or a camera granted by name. */
export function mayAct(by: Principal, district: string, cameraId: string | null): boolean {
  return districtInScope(by.scope, district) || (!!cameraId && !!by.scope?.cameras.includes(cameraId));
}

/** Seconds a unit has to acknowledge its leg: incidents.ackTimeoutSeconds, else the duty level's. */
export function ackTimeoutS(d: IncidentDeps): number {
  return d.config.incidents.ackTimeoutSeconds ?? d.duty.policy().ackTimeoutSeconds;
}
