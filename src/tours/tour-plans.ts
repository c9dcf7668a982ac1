// Tour plans: stored with their audit entry (from the API or the config file's tours.plans, created once by name
// under a lock so nodes starting together make each once), and expanded to the cameras they name.
import type { AuditRepo } from '../store/audit-repo.js';
import type { CameraRepo, CameraRow } from '../store/camera-repo.js';
import type { Db } from '../store/db.js';
import { BadInputError } from '../lib/errors.js';
import type { NewTourPlan, TourItem, TourPlan, TourRepo } from './tour-repo.js';

export interface PlanDeps {
  tours: TourRepo;
  cameras: Pick<CameraRepo, 'list'>;
  audit: AuditRepo;
}

export interface PlanImport {
  created: string[];
  /** Plans the inventory cannot fill (a camera not found, a group with no camera), with why. */
  skipped: { name: string; reason: string }[];
}

/**
 * The config's plans (tours.plans) that no live plan has the name of, created by 'config' and audited; a plan
 * the inventory cannot fill (a camera not found, a group with no camera) is skipped and said why.
 */
export async function importPlans(d: PlanDeps, plans: readonly Omit<NewTourPlan, 'createdBy'>[]): Promise<PlanImport> {
  const cameras = await d.cameras.list();
  // One transaction under a lock: nodes starting together create each plan once.
  return d.tours.db.tx(async (t) => {
    await t.query("select pg_advisory_xact_lock(hashtext('vigil.tour_plans.import'))");
    const have = new Set((await d.tours.on(t).plans()).map((p) => p.name));
    const created: string[] = [];
    const skipped: { name: string; reason: string }[] = [];
    for (const p of plans.filter((x) => !have.has(x.name))) {
      try {
        await storePlan(d, p, cameras, { name: 'config', role: 'system' }, t);
        created.push(p.name);
      } catch (err) {
        if (!(err instanceof BadInputError)) throw err;
        skipped.push({ name: p.name, reason: err.message });
      }
    }
    return { created, skipped };
  });
}

/** Checks the plan against the cameras given (the caller's scope) and writes it with its audit entry; in `db`'s transaction when given. */
export async function storePlan(
  d: PlanDeps,
  p: Omit<NewTourPlan, 'createdBy'>,
  cameras: readonly CameraRow[],
  by: { name: string; role: string },
  db?: Db,
): Promise<TourPlan & { cameras: string[] }> {
  const missing = p.items.flatMap((it, i) =>
    'camera' in it && !cameras.some((c) => c.id === it.camera) ? [`items.${i}: camera ${it.camera} not found`] : [],
  );
  if (missing.length) throw BadInputError.field('items', missing.join('; '));
  const expanded = expand(p.items, cameras);
  if (!expanded.length) throw BadInputError.field('items', 'the plan names no camera (its groups hold none)');
  const write = async (t: Db) => {
    const made = await d.tours.on(t).createPlan({ ...p, createdBy: by.name });
    await d.audit.on(t).append({
      actor: by.name,
      role: by.role,
      action: 'tour.plan_created',
      target: made.id,
      details: { name: p.name, items: p.items, dwellS: p.dwellS, layout: p.layout },
    });
    return made;
  };
  const plan = db ? await write(db) : await d.tours.db.tx(write);
  return { ...plan, cameras: expanded };
}

/** The plan's cameras in order, each once: a named camera, or a group's cameras by id. */
export function expand(items: readonly TourItem[], cameras: readonly CameraRow[]): string[] {
  const out: string[] = [];
  const known = new Set(cameras.map((c) => c.id));
  for (const it of items) {
    const ids =
      'camera' in it
        ? known.has(it.camera)
          ? [it.camera]
          : []
        : cameras
            .filter((c) => c.district === it.district && (it.grid === undefined || c.grid === it.grid))
            .map((c) => c.id)
            .sort();
    for (const id of ids) if (!out.includes(id)) out.push(id);
  }
  return out;
}
