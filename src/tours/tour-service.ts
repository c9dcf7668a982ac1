// Video patrol tours: plans expanded to cameras, the tour log and its coverage per shift, marks (a snapshot with a
// note) raised as incidents in one action, and the shift handover of open marks and incidents. Changes audited.
import type { Config } from '../config/schema.js';
import type { IncidentService } from '../incidents/incident-service.js';
import type { IncidentView } from '../incidents/incident-view.js';
import { BadInputError, ConflictError, NotFoundError, UnavailableError } from '../lib/errors.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo } from '../store/camera-repo.js';
import { cameraInScope } from '../domain/scope.js';
import type { Principal } from '../store/token-repo.js';
import { coverageOf, shiftDateOf, type Coverage } from './coverage.js';
import { isJpeg, type FrameGrab } from './frame-grab.js';
import { expand, importPlans, storePlan, type PlanImport } from './tour-plans.js';
import type { Handover, NewTourPlan, TourMark, TourPlan, TourRepo } from './tour-repo.js';

export interface TourDeps {
  tours: TourRepo;
  cameras: Pick<CameraRepo, 'list' | 'get'>;
  incidents: IncidentService;
  audit: AuditRepo;
  config: Pick<Config, 'reports' | 'server' | 'cameras'>;
  grabFrame: FrameGrab;
}

export interface ViewInput {
  cameraId: string;
  startedAt: Date;
  endedAt: Date;
  paused?: boolean;
}

/** A snapshot is at most this large (a 1080p JPEG is a few hundred KB). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;
/** A reported view may end at most this far in the future (clock skew between page and server). */
const SKEW_MS = 5_000;

export class TourService {
  constructor(private readonly d: TourDeps) {}

  async createPlan(p: Omit<NewTourPlan, 'createdBy'>, by: Principal): Promise<TourPlan & { cameras: string[] }> {
    const cameras = (await this.d.cameras.list()).filter((c) => cameraInScope(by.scope, c));
    return storePlan(this.d, p, cameras, { name: by.name, role: by.role });
  }

  /** The config's plans (tours.plans) that no live plan has the name of (tour-plans.ts). */
  importMissing(plans: readonly Omit<NewTourPlan, 'createdBy'>[]): Promise<PlanImport> {
    return importPlans(this.d, plans);
  }

  /** Plans with their cameras as the principal may see them (a scoped operator: its district's). */
  async plans(by: Principal): Promise<(TourPlan & { cameras: string[] })[]> {
    const cameras = (await this.d.cameras.list()).filter((c) => cameraInScope(by.scope, c));
    return (await this.d.tours.plans()).map((p) => ({ ...p, cameras: expand(p.items, cameras) }));
  }

  async plan(id: string, by: Principal): Promise<TourPlan & { cameras: string[] }> {
    const plan = await this.mustPlan(id);
    return {
      ...plan,
      cameras: expand(
        plan.items,
        (await this.d.cameras.list()).filter((c) => cameraInScope(by.scope, c)),
      ),
    };
  }

  /** The page reports what was on the wall and for how long; each span is filed under the shift it began in. */
  async recordViews(planId: string, views: readonly ViewInput[], by: Principal): Promise<number> {
    await this.mustPlan(planId);
    const known = new Set((await this.d.cameras.list()).map((c) => c.id));
    const now = Date.now();
    views.forEach((v, i) => {
      if (!known.has(v.cameraId)) throw BadInputError.field(`views.${i}.cameraId`, `camera ${v.cameraId} not found`);
      if (v.endedAt.getTime() < v.startedAt.getTime())
        throw BadInputError.field(`views.${i}.endedAt`, 'ends before it starts');
      if (v.endedAt.getTime() > now + SKEW_MS) throw BadInputError.field(`views.${i}.endedAt`, 'is in the future');
    });
    const { shifts } = this.d.config.reports;
    const tz = this.d.config.server.timezone;
    await this.d.tours.db.tx(async (t) => {
      await this.d.tours.on(t).addViews(
        views.map((v) => {
          const s = shiftDateOf(v.startedAt, shifts, tz);
          return {
            planId,
            cameraId: v.cameraId,
            personId: by.personId,
            personName: by.name,
            shift: s.shift,
            shiftDate: s.date,
            startedAt: v.startedAt,
            endedAt: v.endedAt,
            paused: v.paused ?? false,
          };
        }),
      );
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'tour.viewed',
        target: planId,
        details: {
          views: views.map((v) => ({
            cameraId: v.cameraId,
            s: Math.round((v.endedAt.getTime() - v.startedAt.getTime()) / 100) / 10,
          })),
        },
      });
    });
    return views.length;
  }

  /** The tour log of a shift (default: the current one) against the plan. */
  async log(
    planId: string,
    q: { shift?: string; date?: string },
  ): Promise<{ planId: string; shift: string; date: string; dwellS: number } & Coverage> {
    const plan = await this.mustPlan(planId);
    const { shifts } = this.d.config.reports;
    if (q.shift && !shifts.some((s) => s.name === q.shift))
      throw BadInputError.field(
        'shift',
        `no shift '${q.shift}' (reports.shifts: ${shifts.map((s) => s.name).join(', ')})`,
      );
    const current = shiftDateOf(new Date(), shifts, this.d.config.server.timezone);
    const shift = q.shift ?? current.shift;
    const date = q.date ?? current.date;
    const planned = expand(plan.items, await this.d.cameras.list());
    const views = await this.d.tours.views(planId, shift, date);
    return { planId, shift, date, dwellS: plan.dwellS, ...coverageOf(planned, views, plan.dwellS) };
  }

  /** A mark on a camera: the page's frame (JPEG) when given, else one grabbed from the camera now. */
  async mark(
    input: { planId?: string; cameraId: string; note: string; snapshot?: Buffer },
    by: Principal,
  ): Promise<TourMark> {
    const camera = await this.d.cameras.get(input.cameraId);
    if (!camera || !cameraInScope(by.scope, camera))
      throw BadInputError.field('cameraId', `camera ${input.cameraId} not found`);
    if (input.planId) await this.mustPlan(input.planId);
    let snapshot: Buffer | null = null;
    let source: 'page' | 'camera' | null = null;
    if (input.snapshot) {
      if (!isJpeg(input.snapshot))
        throw BadInputError.field('snapshot', 'not a JPEG (base64 of the image bytes, FF D8 ... FF D9)');
      if (input.snapshot.length > MAX_SNAPSHOT_BYTES)
        throw BadInputError.field('snapshot', `larger than ${MAX_SNAPSHOT_BYTES} bytes`);
      [snapshot, source] = [input.snapshot, 'page'];
    } else {
      const src = this.d.config.cameras.find((c) => c.id === camera.id)?.source;
      if (!src)
        throw new UnavailableError(`camera ${camera.id} has no source to take a snapshot from: send the page's frame`);
      snapshot = await this.d.grabFrame(src).catch((err: Error) => {
        throw new UnavailableError(`camera ${camera.id}: ${err.message}; send the page's frame instead`);
      });
      source = 'camera';
    }
    const s = shiftDateOf(new Date(), this.d.config.reports.shifts, this.d.config.server.timezone);
    return this.d.tours.db.tx(async (t) => {
      const made = await this.d.tours.on(t).createMark({
        planId: input.planId ?? null,
        cameraId: camera.id,
        personId: by.personId,
        personName: by.name,
        role: by.role,
        note: input.note,
        shift: s.shift,
        shiftDate: s.date,
        snapshot,
        snapshotSource: source,
      });
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'tour.marked',
        target: made.id,
        details: {
          cameraId: camera.id,
          planId: made.planId,
          note: input.note,
          snapshot: source,
          bytes: snapshot?.length ?? 0,
        },
      });
      return made;
    });
  }

  async getMark(id: string): Promise<TourMark> {
    const m = await this.d.tours.mark(id);
    if (!m) throw new NotFoundError(`mark ${id} not found`);
    return m;
  }

  async snapshot(id: string): Promise<Buffer> {
    const jpeg = await this.d.tours.snapshot(id);
    if (!jpeg) throw new NotFoundError(`mark ${id} has no snapshot`);
    return jpeg;
  }

  /** One action: the mark becomes an incident at its camera, which goes to the nearest unit(s). */
  async raise(
    markId: string,
    input: { type: string; severity: number; description?: string },
    by: Principal,
  ): Promise<{ mark: TourMark; incident: IncidentView }> {
    const mark = await this.getMark(markId);
    if (mark.status !== 'open')
      throw new ConflictError(
        `mark ${markId} is ${mark.status}${mark.incidentId ? ` (incident ${mark.incidentId})` : ''}`,
      );
    const incident = await this.d.incidents.raise(
      {
        source: 'mark',
        markId,
        cameraId: mark.cameraId,
        type: input.type,
        severity: input.severity,
        description: input.description ?? mark.note,
      },
      by,
    );
    const raised = await this.d.tours.db.tx(async (t) => {
      const m = await this.d.tours.on(t).raised(markId, incident.id);
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'tour.mark_raised',
        target: markId,
        details: { incidentId: incident.id },
      });
      return m;
    });
    return { mark: raised ?? (await this.getMark(markId)), incident };
  }

  async closeMark(id: string, note: string, by: Principal): Promise<TourMark> {
    await this.getMark(id);
    const closed = await this.d.tours.db.tx(async (t) => {
      const m = await this.d.tours.on(t).closeMark(id, by.name, note);
      if (m)
        await this.d.audit
          .on(t)
          .append({ actor: by.name, role: by.role, action: 'tour.mark_closed', target: id, details: { note } });
      return m;
    });
    if (!closed) throw new ConflictError(`mark ${id} is closed already`);
    return closed;
  }

  /** What the next shift takes over: marks not closed and incidents still open, oldest first; and recent handovers. */
  async openItems(by: Principal): Promise<{ marks: TourMark[]; incidents: IncidentView[]; handovers: Handover[] }> {
    const cameras = new Map((await this.d.cameras.list()).map((c) => [c.id, c]));
    const marks = (await this.d.tours.openMarks()).filter((m) =>
      cameraInScope(by.scope, cameras.get(m.cameraId) ?? { id: m.cameraId }),
    );
    const [incidents, handovers] = [await this.d.incidents.open(by), await this.d.tours.handovers(10)];
    return { marks, incidents, handovers };
  }

  /** The outgoing operator hands the open items over: recorded (with the list) and audited. */
  async handOver(input: { toName?: string; note?: string }, by: Principal): Promise<Handover> {
    const { marks, incidents } = await this.openItems(by);
    const s = shiftDateOf(new Date(), this.d.config.reports.shifts, this.d.config.server.timezone);
    return this.d.tours.db.tx(async (t) => {
      const h = await this.d.tours.on(t).addHandover({
        shift: s.shift,
        shiftDate: s.date,
        fromPerson: by.personId,
        fromName: by.name,
        toName: input.toName ?? null,
        note: input.note ?? '',
        items: { marks: marks.map((m) => m.id), incidents: incidents.map((i) => i.id) },
      });
      await this.d.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'tour.handover',
        target: h.id,
        details: {
          shift: s.shift,
          date: s.date,
          toName: h.toName,
          marks: h.items.marks.length,
          incidents: h.items.incidents.length,
        },
      });
      return h;
    });
  }

  private async mustPlan(id: string): Promise<TourPlan> {
    const plan = await this.d.tours.plan(id);
    if (!plan) throw new NotFoundError(`tour ${id} not found`);
    return plan;
  }
}
