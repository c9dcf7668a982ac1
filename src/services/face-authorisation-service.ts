// Authorisations for live face matching: created, changed and ended by admins (audited); asked "does one cover this camera now?".
import { createHash } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { AuditRepo } from '../store/audit-repo.js';
import {
  authorisationApplies,
  authorisationChangeSchema,
  authorisationInputSchema,
  type Authorisation,
} from '../domain/face-authorisation.js';
import type { AuthorisationRepo } from '../store/authorisation-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import type { Principal } from '../store/token-repo.js';
import { BadInputError, ConflictError } from '../lib/errors.js';
import type { Db } from '../store/db.js';

/** How long a camera process trusts its list of open authorisations before reading it again. */
const REFRESH_MS = 5_000;

export class FaceAuthorisationService {
  private open: Authorisation[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: AuthorisationRepo,
    private readonly subjects: SubjectRepo,
    private readonly audit: AuditRepo,
    /** The district of a configured camera (authorisations may name districts). */
    private readonly districtOf: (cameraId: string) => string | undefined,
    private readonly log: Logger,
  ) {}

  /** Keeps a fresh list for covers(), which camera pipelines ask on every frame without a query. */
  async startCache(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((err: Error) => this.log.warn(`authorisations: ${err.message}`)),
      REFRESH_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    this.open = await this.repo.openAt(new Date());
  }

  /** From the cached list (at most REFRESH_MS old): whether face matching may run on the camera at `at`. */
  covers(cameraId: string, at: number): boolean {
    return this.open.some((a) => this.applies(a, cameraId, at));
  }

  /**
   * From the database: the authorisation covering the camera at `at` (the latest-starting if
   * several), with its watchlist snapshot frozen if this is its first use since it began.
   */
  async find(cameraId: string, at: number): Promise<Authorisation | null> {
    const candidates = (await this.repo.openAt(new Date(at))).filter((a) => this.applies(a, cameraId, at));
    const chosen = candidates.sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt))[0];
    if (!chosen) return null;
    return chosen.snapshotHash ? chosen : this.freeze(chosen);
  }

  /** The authorisation, its frozen watchlist (when it starts now) and the audit entry commit together. */
  async create(raw: unknown, by: Principal): Promise<Authorisation> {
    const input = authorisationInputSchema.parse(raw);
    this.checkCameras(input.cameras);
    const auth = await this.repo.db.tx(async (t) => {
      const created = await this.repo.on(t).create(input, by.name);
      const frozen = Date.parse(created.startsAt) <= Date.now() ? await this.freeze(created, false, t) : created;
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'authorisation.create',
        target: frozen.id,
        details: { ...input, snapshotHash: frozen.snapshotHash },
      });
      return frozen;
    });
    await this.refresh();
    return auth;
  }

  async change(id: string, raw: unknown, by: Principal, why: string): Promise<Authorisation | null> {
    const { refreeze, ...patch } = authorisationChangeSchema.parse(raw);
    if (patch.cameras) this.checkCameras(patch.cameras);
    const after = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const before = await repo.get(id);
      if (!before) return null;
      if (before.endedAt) throw new ConflictError(`authorisation ${id} was ended by ${before.endedBy}`);
      const cameras = patch.cameras ?? before.cameras;
      const districts = patch.districts ?? before.districts;
      if (cameras.length + districts.length === 0)
        throw BadInputError.field('cameras', 'an authorisation must cover some cameras or districts: end it instead');
      if (patch.endsAt && Date.parse(patch.endsAt) <= Date.parse(before.startsAt))
        throw BadInputError.field('endsAt', 'must be after startsAt');
      let changed = await repo.change(id, patch);
      if (changed && refreeze && Date.parse(changed.startsAt) <= Date.now())
        changed = await this.freeze(changed, true, t);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'authorisation.change',
        target: id,
        details: {
          before: scope(before),
          after: changed && scope(changed),
          why,
          ...(refreeze ? { snapshotBefore: before.snapshotHash, snapshotAfter: changed?.snapshotHash } : {}),
        },
      });
      return changed;
    });
    await this.refresh();
    return after;
  }

  async end(id: string, by: Principal, reason: string): Promise<Authorisation | null> {
    const ended = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const before = await repo.get(id);
      if (!before) return null;
      if (before.endedAt) throw new ConflictError(`authorisation ${id} was already ended by ${before.endedBy}`);
      const done = await repo.end(id, by.name, reason);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'authorisation.end',
        target: id,
        details: { reason, scope: scope(before) },
      });
      return done;
    });
    await this.refresh();
    return ended;
  }

  private applies(a: Authorisation, cameraId: string, at: number): boolean {
    return authorisationApplies(a, cameraId, this.districtOf(cameraId), at);
  }

  /** The live watchlist at this moment, hashed: subject ids and their photos' sha256, sorted. `db`: a transaction to run in. */
  private async freeze(a: Authorisation, replace = false, db?: Db): Promise<Authorisation> {
    const subjects = db ? this.subjects.on(db) : this.subjects;
    const repo = db ? this.repo.on(db) : this.repo;
    const snapshot = await subjects.liveSnapshot();
    const hash = createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');
    const frozen = await repo.freezeSnapshot(
      a.id,
      snapshot.map((s) => s.id),
      hash,
      replace,
    );
    if (frozen?.snapshotHash === hash)
      this.log.info(`authorisation ${a.id}: watchlist frozen (${snapshot.length} subjects, ${hash.slice(0, 12)})`);
    return frozen ?? a;
  }

  private checkCameras(cameras: string[]): void {
    const unknown = cameras.filter((c) => this.districtOf(c) === undefined);
    if (unknown.length)
      throw BadInputError.field('cameras', `unknown cameras: ${unknown.join(', ')} (name configured camera ids)`);
  }
}

const scope = (a: Authorisation) => ({
  legalReference: a.legalReference,
  cameras: a.cameras,
  districts: a.districts,
  startsAt: a.startsAt,
  endsAt: a.endsAt,
});
