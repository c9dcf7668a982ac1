// Alerts: list, detail (with assignments and deliveries), and the human disposition.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Alert } from '../../domain/alert.js';
import { checkpointMayRead } from '../../duty/audience.js';
import { scopeOf } from '../../services/scope-filter.js';
import type { Principal } from '../../store/token-repo.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';
import { nextOffset } from '../lists.js';
import { describeAlert, waitingView } from '../../views/alert.js';
import { alertDetailView, alertListItem, dispositionAnswer } from '../../views/alert-answers.js';

export const alertListQuery = z.strictObject({
  status: z.enum(['candidate', 'confirmed', 'dismissed']).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Alerts created at or after this time'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const MAX_LIST = 500;

export const dispositionBody = z.strictObject({
  verdict: z.enum(['confirm', 'dismiss']),
  reason: z.string().trim().min(3, 'give a reason (at least 3 characters)'),
});

export function alertRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', requireRole('admin', 'operator', 'investigator', 'checkpoint'), async (c) => {
      const q = parseOr400(alertListQuery, c.req.query(), 'query');
      const p = c.get('principal');
      // Checkpoint staff act on plates: an unconfirmed face candidate is for the command room only.
      const kinds = p.role === 'checkpoint' ? ['plate'] : undefined;
      // A checkpoint sees its own hits and those its duty scope showed it: read a wider page, then keep those.
      const limit = p.role === 'checkpoint' ? MAX_LIST : q.limit;
      // A scoped account's alerts are those of its cameras, filtered in SQL so the total is right.
      const cameraIds = await scopeOf(deps).cameraIds(p);
      const filter = { status: q.status, since: q.since ? new Date(q.since) : undefined, kinds, cameraIds };
      let alerts = await deps.alerts.list({ ...filter, limit, offset: p.role === 'checkpoint' ? 0 : q.offset });
      // A checkpoint's total is what it may see of the wider page (its scope is decided per alert, not in SQL).
      let total = p.role === 'checkpoint' ? 0 : await deps.alerts.count(filter);
      if (p.role === 'checkpoint') {
        const visible = await visibleToCheckpoint(deps, alerts, p);
        total = visible.length;
        alerts = visible.slice(q.offset, q.offset + q.limit);
      }
      // An alert no unit could take yet shows its wait (dispatch.state 'waiting', since when).
      const waits = new Map(
        (await deps.assignments.waitsOf(alerts.map((a) => a.id))).map((w) => [w.alertId, waitingView(w)]),
      );
      const items = await Promise.all(
        alerts.map(async (a) => alertListItem(await describeAlert(a, deps), waits.get(a.id) ?? null)),
      );
      return c.json({
        alerts: items,
        total,
        limit: q.limit,
        offset: q.offset,
        nextOffset: nextOffset(q.offset, alerts.length, total),
      });
    })
    .get('/:id', requireRole('admin', 'operator', 'investigator', 'checkpoint', 'unit'), async (c) => {
      const alert = await deps.alerts.get(uuidParam(c, 'id', 'alert'));
      const p = c.get('principal');
      const assignments = alert ? await deps.assignments.forAlert(alert.id) : [];
      const visible =
        alert &&
        (p.role !== 'checkpoint' || (await visibleToCheckpoint(deps, [alert], p)).length > 0) &&
        (p.role !== 'unit' || assignments.some((a) => a.unitId === p.subject)) &&
        (await scopeOf(deps).seesCamera(p, alert.cameraId));
      if (!visible) throw notFound('alert');
      const [wait] = await deps.assignments.waitsOf([alert.id]);
      // A unit sees the hit and its own answers, not who else the alert went to.
      const deliveries = p.role === 'unit' ? null : await deps.assignments.deliveries(alert.id);
      return c.json(
        alertDetailView(await describeAlert(alert, deps), assignments, wait ? waitingView(wait) : null, deliveries),
      );
    })
    .post('/:id/disposition', requireRole('admin', 'operator'), async (c) => {
      const id = uuidParam(c, 'id', 'alert');
      const body = await jsonBody(c, dispositionBody);
      const found = await deps.alerts.get(id);
      if (found) await scopeOf(deps).mustSeeCamera(c.get('principal'), found.cameraId, 'alert');
      const alert = await deps.alertService.dispose(id, body.verdict, body.reason, c.get('principal'));
      const interception = await orderInterception(deps, alert, c.get('principal'));
      return c.json(dispositionAnswer(alert, interception?.id ?? null));
    });
}

/** The plate alerts a checkpoint account may read: its own camera's, and those the duty level at the hit showed it. */
async function visibleToCheckpoint(deps: ApiDeps, alerts: Alert[], p: Principal): Promise<Alert[]> {
  const own = p.subject ? await deps.cameras.get(p.subject) : null;
  const viewer = { id: p.subject, district: own?.district ?? null };
  const districts = new Map<string, { district: string } | null>();
  const kept: Alert[] = [];
  for (const a of alerts) {
    if (!districts.has(a.cameraId)) districts.set(a.cameraId, await deps.cameras.get(a.cameraId));
    if (checkpointMayRead(a, districts.get(a.cameraId) ?? null, viewer, deps.duty)) kept.push(a);
  }
  return kept;
}

/**
 * A confirmed vehicle hit orders its checkpoints (interception.autoOnConfirm). The confirmation is
 * already recorded: a failure here is logged and the operator can still order by hand.
 */
async function orderInterception(deps: ApiDeps, alert: Alert, by: Principal) {
  if (!deps.interceptions || alert.kind !== 'plate' || alert.status !== 'confirmed') return null;
  try {
    return await deps.interceptions.onAlertConfirmed(alert, by);
  } catch (err) {
    deps.log.error(`interception order for alert ${alert.id}: ${(err as Error).message}`, {
      alert: alert.id,
      camera: alert.cameraId,
    });
    return null;
  }
}
