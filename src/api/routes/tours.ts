// Video patrol tours: plans, the tour log and its coverage, marks with snapshots raised as incidents, shift handover.
import { Hono, type Context } from 'hono';
import type { TourMark } from '../../tours/tour-repo.js';
import type { TourService } from '../../tours/tour-service.js';
import { requireRole } from '../auth.js';
import {
  closeMarkBody,
  createTourBody,
  handoverBody,
  logQuery,
  markBody,
  markIncidentBody,
  viewsBody,
} from '../contract/tours-docs.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, parseOr400, uuidParam } from '../errors.js';

const ops = requireRole('admin', 'operator');
const tourId = (c: Context) => uuidParam(c, 'id', 'tour');
const markId = (c: Context) => uuidParam(c, 'id', 'mark');

export function markView(m: TourMark) {
  return {
    ...m,
    createdAt: m.createdAt.toISOString(),
    closedAt: m.closedAt ? m.closedAt.toISOString() : null,
    snapshotUrl: m.hasSnapshot ? `/api/v1/tours/marks/${m.id}/snapshot.jpg` : null,
  };
}

const planView = <P extends { createdAt: Date; updatedAt: Date }>(p: P) => ({
  ...p,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

export function tourRoutes(deps: { tours: TourService }) {
  const svc = deps.tours;
  return new Hono<ApiEnv>()
    .post('/', ops, async (c) => {
      const body = await jsonBody(c, createTourBody);
      return c.json(planView(await svc.createPlan(body, c.get('principal'))), 201);
    })
    .get('/', ops, async (c) => c.json({ tours: (await svc.plans(c.get('principal'))).map(planView) }))
    .get('/handover', ops, async (c) => {
      const open = await svc.openItems(c.get('principal'));
      return c.json({
        marks: open.marks.map(markView),
        incidents: open.incidents,
        handovers: open.handovers.map((h) => ({ ...h, at: h.at.toISOString() })),
      });
    })
    .post('/handover', ops, async (c) => {
      const body = await jsonBody(c, handoverBody);
      const h = await svc.handOver(body, c.get('principal'));
      return c.json({ ...h, at: h.at.toISOString() }, 201);
    })
    .post('/marks', ops, async (c) => {
      const body = await jsonBody(c, markBody);
      const snapshot = body.snapshot ? Buffer.from(body.snapshot, 'base64') : undefined;
      return c.json(
        markView(
          await svc.mark(
            { planId: body.planId, cameraId: body.cameraId, note: body.note, snapshot },
            c.get('principal'),
          ),
        ),
        201,
      );
    })
    .get('/marks/:id', ops, async (c) => c.json(markView(await svc.getMark(markId(c)))))
    .get('/marks/:id/snapshot.jpg', ops, async (c) => {
      const jpeg = await svc.snapshot(markId(c));
      return new Response(new Uint8Array(jpeg), {
        headers: {
          'content-type': 'image/jpeg',
          'cache-control': 'private, max-age=3600',
          'x-content-type-options': 'nosniff',
        },
      });
    })
    .post('/marks/:id/incident', ops, async (c) => {
      const id = markId(c);
      const body = await jsonBody(c, markIncidentBody);
      const out = await svc.raise(id, body, c.get('principal'));
      return c.json({ mark: markView(out.mark), incident: out.incident }, 201);
    })
    .post('/marks/:id/close', ops, async (c) => {
      const id = markId(c);
      const body = await jsonBody(c, closeMarkBody);
      return c.json(markView(await svc.closeMark(id, body.note, c.get('principal'))));
    })
    .get('/:id', ops, async (c) => c.json(planView(await svc.plan(tourId(c), c.get('principal')))))
    .post('/:id/views', ops, async (c) => {
      const id = tourId(c);
      const body = await jsonBody(c, viewsBody);
      const views = body.views.map((v) => ({
        cameraId: v.cameraId,
        startedAt: new Date(v.startedAt),
        endedAt: new Date(v.endedAt),
        paused: v.paused,
      }));
      return c.json({ recorded: await svc.recordViews(id, views, c.get('principal')) }, 201);
    })
    .get('/:id/log', ops, async (c) => {
      const id = tourId(c);
      return c.json(await svc.log(id, parseOr400(logQuery, c.req.query(), 'query')));
    });
}
