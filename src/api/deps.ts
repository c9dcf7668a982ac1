// Everything the API's routes need, built once at start (no container; tests pass their own).
import type { Config } from '../config/schema.js';
import type { Via } from '../lib/client-address.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AlertService } from '../services/alert-service.js';
import type { DutyState } from '../duty/duty-state.js';
import type { InterceptionService } from '../services/interception-service.js';
import type { IncidentService } from '../incidents/incident-service.js';
import type { TourService } from '../tours/tour-service.js';
import type { HotlistService } from '../services/hotlist-service.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { AssignmentRepo } from '../store/assignment-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { PlateReadRepo } from '../store/plate-read-repo.js';
import type { SightingRepo } from '../store/sighting-repo.js';
import type { CaseRepo } from '../store/case-repo.js';
import type { ExportRepo } from '../store/export-repo.js';
import type { SegmentRepo } from '../store/segment-repo.js';
import type { RecordingService } from '../recording/recording-service.js';
import type { Principal, TokenRepo } from '../store/token-repo.js';
import type { UnitRepo } from '../store/unit-repo.js';
import type { ReportRepo } from '../reports/report-repo.js';
import type { BaseMap } from '../web/base-map.js';
import type { CameraStatusStore } from '../ingest/camera-status-store.js';
import type { LiveHub } from '../live/live-hub.js';
import type { MediaSigner } from './media-url.js';
import type { PlanService } from '../plans/plan-service.js';
import type { SituationService } from '../situation/situation-service.js';
import type { Accounts } from '../accounts/accounts.js';
import type { SignInRate } from '../accounts/sign-in-rate.js';

export interface ApiDeps {
  config: Config;
  log: Logger;
  tokens: TokenRepo;
  audit: AuditRepo;
  cameras: CameraRepo;
  cameraStatus: CameraStatusStore;
  hotlistRepo: HotlistRepo;
  hotlist: HotlistService;
  plateReads: PlateReadRepo;
  sightings: SightingRepo;
  segments: SegmentRepo;
  exports: ExportRepo;
  cases: CaseRepo;
  recording: Pick<RecordingService, 'config' | 'storage' | 'exportJobs' | 'playCache'>;
  alerts: AlertRepo;
  alertService: AlertService;
  assignments: AssignmentRepo;
  units: UnitRepo;
  queues: QueueSet;
  bus: EventBus;
  /** Response-time and heat reports; their routes are off without it. */
  reports?: ReportRepo;
  /** The live duty level (routes/duty.ts). */
  duty: DutyState;
  /** Live camera view; its routes are off without it. */
  live?: LiveHub;
  /** Signs media URLs for <video>/<img>; without it only bearer tokens work. */
  media?: MediaSigner;
  /** Checkpoint interception orders; the routes and the confirm hook are off without it. */
  interceptions?: InterceptionService;
  /** Incidents and video patrol tours (src/incidents, src/tours); their routes are off without them. */
  incidents?: IncidentService;
  tours?: TourService;
  /** The map's offline base (streets, district outlines); an empty base without it. */
  baseMap?: () => BaseMap;
  /** Patrol plans and their coverage (src/plans); the routes are off without it. */
  plans?: PlanService;
  /** Situation reports (src/situation); the routes are off without it. */
  situation?: SituationService;
  /** User accounts and sessions; made by createApp over the tokens' database when not given (tests give their clock). */
  accounts?: Accounts;
  /** Sign-in attempts per client address (Redis, shared by the API nodes); no limit without it (route tests). */
  signInRate?: SignInRate;
}

/** Hono context variables set by the auth middleware. */
export type ApiEnv = { Variables: { principal: Principal; via: Via } };
