// Scoped roles enforced: which cameras, alerts, units, media and live events a principal may see. Lists
// narrow their SQL filters to the camera ids this resolves (so totals are right); single items outside
// the scope answer 404 (NotFoundError), never 403, so a scoped operator learns nothing of other districts.
import { checkpointMayRead } from '../duty/audience.js';
import type { DutyReader } from '../duty/duty-state.js';
import type { DutyLevel } from '../domain/face-watchlist.js';
import { cameraInScope, districtInScope, widen, type Scope } from '../domain/scope.js';
import { NotFoundError } from '../lib/errors.js';
import type { LiveEvent } from '../queues/event-bus.js';
import type { AlertRepo } from '../store/alert-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import type { CaseRepo } from '../store/case-repo.js';
import { MediaRefRepo, type EvidenceOf } from '../store/media-ref-repo.js';
import type { Principal } from '../store/token-repo.js';

export interface ScopeFilterDeps {
  cameras: Pick<CameraRepo, 'get' | 'idsIn'>;
  alerts: Pick<AlertRepo, 'get'>;
  mediaRefs: MediaRefRepo;
  /** The duty levels' policies (which checkpoints a plate hit reached); without it a checkpoint sees crops of its own camera and orders only. */
  duty?: Pick<DutyReader, 'policy'>;
}

/**
 * A filter for one request or one stream connection (its caches live as long): routes make one from their deps.
 */
export function scopeOf(deps: {
  cameras: ScopeFilterDeps['cameras'];
  alerts: Pick<AlertRepo, 'get' | 'db'>;
  duty?: ScopeFilterDeps['duty'];
}): ScopeFilter {
  return new ScopeFilter({
    cameras: deps.cameras,
    alerts: deps.alerts,
    mediaRefs: new MediaRefRepo(deps.alerts.db),
    duty: deps.duty,
  });
}

/** A case's grant (or none): searches under a case see its granted districts and cameras too. */
export type Grant = Scope | null | undefined;

/** Caches stay small: camera districts change rarely, alert cameras never. */
const CACHE_MAX = 10_000;

export class ScopeFilter {
  private readonly districts = new Map<string, string | null>();
  private readonly alertCameras = new Map<string, string | null>();

  constructor(private readonly deps: ScopeFilterDeps) {}

  /** The ids of the cameras p may see (its scope widened by a grant); undefined when p sees every camera. */
  async cameraIds(p: Principal, grant?: Grant): Promise<string[] | undefined> {
    const scope = widen(p.scope, grant);
    return scope === null ? undefined : this.deps.cameras.idsIn(scope);
  }

  /**
   * The cameras a list or search filters on: those asked for that p may see, or all p may see when none
   * were asked for; undefined when nothing limits it. An empty list matches nothing (and a total of 0).
   */
  async narrow(p: Principal, requested: readonly string[] | undefined, grant?: Grant): Promise<string[] | undefined> {
    const allowed = await this.cameraIds(p, grant);
    if (!allowed) return requested ? [...requested] : undefined;
    if (!requested) return allowed;
    const set = new Set(allowed);
    return requested.filter((id) => set.has(id));
  }

  /** Whether p's scope (widened by a grant) holds the camera; an unknown camera is in no scope. */
  async seesCamera(p: Principal, cameraId: string, grant?: Grant): Promise<boolean> {
    const scope = widen(p.scope, grant);
    if (scope === null) return true;
    return cameraInScope(scope, { id: cameraId, district: await this.districtOf(cameraId) });
  }

  /** Whether p's scope holds any of these cameras (an interception order's hit camera and targets). */
  async seesAnyCamera(p: Principal, cameraIds: readonly (string | null)[], grant?: Grant): Promise<boolean> {
    if (widen(p.scope, grant) === null) return true;
    for (const id of cameraIds) if (id !== null && (await this.seesCamera(p, id, grant))) return true;
    return false;
  }

  /** Throws NotFoundError (404, worded as for a missing item) when the camera lies outside p's scope. */
  async mustSeeCamera(p: Principal, cameraId: string, what: string, grant?: Grant): Promise<void> {
    if (!(await this.seesCamera(p, cameraId, grant))) throw new NotFoundError(`${what} not found`);
  }

  /** The districts whose units p sees; undefined for all. A camera-only scope sees no units. */
  unitDistricts(p: Principal): string[] | undefined {
    return p.scope === null ? undefined : p.scope.districts;
  }

  /** District-wide items (situation reports, patrol plans): another district's answers 404, as an unknown one. */
  mustSeeDistrict(p: Principal, district: string | null, what: string): void {
    if (!districtInScope(p.scope, district)) throw new NotFoundError(`${what} not found`);
  }

  seesUnit(p: Principal, unit: { district: string | null }): boolean {
    return districtInScope(p.scope, unit.district);
  }

  /**
   * A camera's recorded or live media (footage, segments, the live view): a checkpoint its own camera only,
   * a unit none, everyone else their scope (with a case's grant).
   */
  async mayViewCamera(p: Principal, cameraId: string, grant?: Grant): Promise<boolean> {
    if (p.role === 'checkpoint') return p.subject === cameraId;
    if (p.role === 'unit') return false;
    return this.seesCamera(p, cameraId, grant);
  }

  /**
   * A plate read's crop: a unit gets those of alerts offered to it; a checkpoint its own camera's, those
   * of alerts it may read (duty level) and the photos of interception orders sent to it; others their scope.
   */
  async mayFetchPlateCrop(p: Principal, read: { id: string; cameraId: string }, grant?: Grant): Promise<boolean> {
    if (p.role === 'unit') return (await this.deps.mediaRefs.ofPlateRead(read.id)).unitIds.includes(p.subject ?? '');
    if (p.role === 'checkpoint') {
      if (p.subject === read.cameraId) return true;
      return this.checkpointWasShown(p, await this.deps.mediaRefs.ofPlateRead(read.id));
    }
    return this.seesCamera(p, read.cameraId, grant);
  }

  /** A face sighting's crop: a unit those of face alerts offered to it; checkpoints none; others their scope. */
  async mayFetchFaceCrop(p: Principal, sightingId: string): Promise<boolean> {
    if (p.role === 'unit')
      return (await this.deps.mediaRefs.ofFaceSighting(sightingId)).unitIds.includes(p.subject ?? '');
    if (p.role === 'checkpoint') return false;
    const cameraId = await this.deps.mediaRefs.faceSightingCamera(sightingId);
    return cameraId !== null && this.seesCamera(p, cameraId);
  }

  /**
   * For the live stream: whether a scoped principal sees an event, by the camera it is about (an alert's,
   * an offer's or an assignment's through its alert, an order's targets). Null for an unscoped principal:
   * the role filter alone decides.
   */
  streamGate(p: Principal): ((e: LiveEvent) => Promise<boolean>) | null {
    if (p.scope === null) return null;
    return async (e) => {
      switch (e.type) {
        case 'duty':
          return true;
        case 'interception':
          return (await Promise.all(e.targets.map((id) => this.seesCamera(p, id)))).some(Boolean);
        case 'offer':
        case 'assignment': {
          const cameraId = await this.cameraOfAlert(e.alertId);
          return cameraId !== null && this.seesCamera(p, cameraId);
        }
        default:
          return 'cameraId' in e && typeof e.cameraId === 'string' ? this.seesCamera(p, e.cameraId) : false;
      }
    };
  }

  private async checkpointWasShown(p: Principal, ev: EvidenceOf): Promise<boolean> {
    const own = p.subject ?? '';
    if (ev.orderTargets.includes(own)) return true;
    const duty = this.deps.duty;
    if (!duty) return false;
    const viewer = { id: own, district: await this.districtOf(own) };
    for (const a of ev.alerts) {
      const district = await this.districtOf(a.cameraId);
      const alert = { cameraId: a.cameraId, kind: a.kind, dutyLevel: a.dutyLevel as DutyLevel | null };
      if (checkpointMayRead(alert, district === null ? null : { district }, viewer, duty)) return true;
    }
    return false;
  }

  private async districtOf(cameraId: string): Promise<string | null> {
    if (!this.districts.has(cameraId)) {
      if (this.districts.size >= CACHE_MAX) this.districts.clear();
      this.districts.set(cameraId, (await this.deps.cameras.get(cameraId))?.district ?? null);
    }
    return this.districts.get(cameraId) ?? null;
  }

  private async cameraOfAlert(alertId: string): Promise<string | null> {
    if (!this.alertCameras.has(alertId)) {
      if (this.alertCameras.size >= CACHE_MAX) this.alertCameras.clear();
      this.alertCameras.set(alertId, (await this.deps.alerts.get(alertId))?.cameraId ?? null);
    }
    return this.alertCameras.get(alertId) ?? null;
  }
}

/**
 * The grant of the open case a media request names (`?case=`, which search results put on their crop URLs),
 * or none; an unknown or closed case grants nothing (the request then stands on the caller's own scope).
 */
export async function caseGrant(ref: string | undefined, cases: Pick<CaseRepo, 'find'>): Promise<Grant> {
  if (!ref) return null;
  const found = await cases.find(ref);
  return found && !found.closedAt ? found.grants : null;
}

/** A crop URL that carries the search's case, so a crop a case's grant showed opens under the same grant. */
export const withCase = (url: string | null, access: { case: { number: string } | null }): string | null =>
  url && access.case ? `${url}?case=${encodeURIComponent(access.case.number)}` : url;
