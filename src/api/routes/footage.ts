// Footage for investigators: segment listing, range playback, clip exports and cases; each look-up states
// its purpose or case and is audited. Playback also opens through a signed media URL (for <video>). Case changes
// go through CaseService, one transaction each.
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { badRequest, isUuid, jsonBody, notFound, parseOr400 } from '../errors.js';
import { CaseService } from '../../services/case-service.js';
import { ConflictError } from '../../lib/errors.js';
import { withoutSignature } from '../media-url.js';
import { NoFootageError } from '../../recording/clip-plan.js';
import type { RecordingService } from '../../recording/recording-service.js';
import {
  AccessRefused,
  alertLinkBody,
  bookmarkBody,
  caseBody,
  exportBody,
  opensViewing,
  rangeQuery,
  reasonBody,
  resolveAccess,
  whyQuery,
  type Access,
} from '../../recording/footage-access.js';
import { fileResponse } from '../../recording/http-range.js';
import type { CaseRepo } from '../../store/case-repo.js';
import type { ExportRecord, ExportRepo } from '../../store/export-repo.js';
import type { SegmentRepo } from '../../store/segment-repo.js';
import type { Principal } from '../../store/token-repo.js';
import { scopeOf, type Grant } from '../../services/scope-filter.js';
import { caseItemView, caseView, exportView, segmentView } from '../../views/footage.js';

/** ApiDeps (the parts used here) plus the recording repositories and service. */
export interface FootageDeps extends Pick<ApiDeps, 'log' | 'audit' | 'cameras' | 'alerts'> {
  segments: SegmentRepo;
  exports: ExportRepo;
  cases: CaseRepo;
  recording: Pick<RecordingService, 'config' | 'storage' | 'exportJobs' | 'playCache'>;
}

const VIEW = ['admin', 'operator', 'investigator'] as const;
const CASEWORK = ['admin', 'investigator'] as const;
/** A week of 60 s segments; longer ranges are listed in pieces (the answer says truncated). */
const LIST_LIMIT = 10_080;

export function footageRoutes(deps: FootageDeps) {
  const access = async (q: { purpose?: string; case?: string }): Promise<Access> => {
    try {
      return await resolveAccess(q, deps.cases);
    } catch (err) {
      if (err instanceof AccessRefused) throw badRequest(err.message);
      throw err;
    }
  };
  const caseService = new CaseService({
    cases: deps.cases,
    segments: deps.segments,
    audit: deps.audit,
    eventSeconds: deps.recording.config.eventSeconds,
  });
  /** Audits a look-up with its parameters, and files it under the case when one was named (one transaction). */
  const record = (c: Context<ApiEnv>, action: string, target: string, a: Access, details: Record<string, unknown>) =>
    caseService.recordLookup(c.get('principal'), { action, target, access: a, details });
  /** A known camera the principal may view (its scope, widened by the case's grant); 404 otherwise, as for an unknown one. */
  const camera = async (id: string, p: Principal, grant?: Grant) => {
    if (!(await deps.cameras.get(id)) || !(await scopeOf(deps).mayViewCamera(p, id, grant)))
      throw notFound(`camera ${id}`);
    return id;
  };
  const range = (q: z.output<typeof rangeQuery>) => ({ from: new Date(q.from), to: new Date(q.to) });
  const viewOf = (e: ExportRecord) => exportView(e, deps.recording.exportJobs.progress(e.id));

  return new Hono<ApiEnv>()
    .get('/footage/:camera', requireRole(...VIEW), async (c) => {
      const q = parseOr400(rangeQuery, withoutSignature(c.req.query()), 'query');
      const a = await access(q);
      const cam = await camera(c.req.param('camera'), c.get('principal'), a.case?.grants);
      const { from, to } = range(q);
      const segments = await deps.segments.overlapping(cam, from, to, LIST_LIMIT);
      await record(c, 'footage.search', cam, a, { camera: cam, from: q.from, to: q.to, results: segments.length });
      return c.json({
        camera: cam,
        from: q.from,
        to: q.to,
        truncated: segments.length === LIST_LIMIT,
        segments: segments.map(segmentView),
      });
    })
    .get('/footage/:camera/play', requireRole(...VIEW), async (c) => {
      const q = parseOr400(rangeQuery, withoutSignature(c.req.query()), 'query');
      const a = await access(q);
      const cam = await camera(c.req.param('camera'), c.get('principal'), a.case?.grants);
      const { from, to } = range(q);
      if (to.getTime() - from.getTime() > deps.recording.config.playMaxMinutes * 60_000) {
        throw badRequest(
          `play at most ${deps.recording.config.playMaxMinutes} minutes at a time; export longer ranges (POST /exports)`,
        );
      }
      const segments = await deps.segments.overlapping(cam, from, to);
      let clip;
      try {
        clip = await deps.recording.playCache.get(cam, segments, from.getTime(), to.getTime());
      } catch (err) {
        if (err instanceof NoFootageError) throw notFound(`footage of ${cam} (${err.message})`);
        throw err;
      }
      const rangeHeader = c.req.header('range');
      if (opensViewing(rangeHeader))
        await record(c, 'footage.play', cam, a, { camera: cam, from: q.from, to: q.to, segments: segments.length });
      return fileResponse(clip.file, rangeHeader, {
        contentType: 'video/mp4',
        headers: {
          'x-footage-start': new Date(clip.startMs).toISOString(),
          'x-footage-end': new Date(clip.endMs).toISOString(),
        },
      });
    })
    .get('/segments/:id', requireRole(...VIEW), async (c) => {
      const q = parseOr400(whyQuery, withoutSignature(c.req.query()), 'query');
      const id = Number(c.req.param('id'));
      const seg = Number.isSafeInteger(id) ? await deps.segments.get(id) : null;
      if (!seg) throw notFound(`segment ${c.req.param('id')}`);
      const a = await access(q);
      if (!(await scopeOf(deps).mayViewCamera(c.get('principal'), seg.cameraId, a.case?.grants)))
        throw notFound(`segment ${c.req.param('id')}`);
      const rangeHeader = c.req.header('range');
      if (opensViewing(rangeHeader))
        await record(c, 'footage.segment', String(seg.id), a, {
          camera: seg.cameraId,
          from: seg.startAt.toISOString(),
          to: seg.endAt.toISOString(),
        });
      return fileResponse(deps.recording.storage.abs(seg.path), rangeHeader, {
        contentType: 'video/mp2t',
        headers: { 'x-footage-start': seg.startAt.toISOString(), 'x-footage-end': seg.endAt.toISOString() },
      });
    })
    .post('/exports', requireRole(...VIEW), async (c) => {
      const b = await jsonBody(c, exportBody);
      const a = await access(b);
      for (const cam of b.cameras) await camera(cam, c.get('principal'), a.case?.grants);
      const p = c.get('principal');
      const e = await deps.recording.exportJobs.create({
        cameras: [...new Set(b.cameras)],
        from: new Date(b.from),
        to: new Date(b.to),
        purpose: a.purpose,
        caseId: a.case?.id ?? null,
        caseNumber: a.case?.number ?? null,
        actor: p.name,
        role: p.role,
      });
      return c.json(viewOf(e), 202);
    })
    .get('/exports/:id', requireRole(...VIEW), async (c) => {
      const e = await findExport(deps, c.req.param('id'), c.get('principal'));
      return c.json({ ...viewOf(e), manifest: e.manifest });
    })
    .get('/exports/:id/files/:name', requireRole(...VIEW), async (c) => {
      const e = await findExport(deps, c.req.param('id'), c.get('principal'));
      const name = c.req.param('name');
      if (e.status !== 'done' || e.filesRemovedAt)
        throw notFound(
          `files of export ${e.id} (${e.filesRemovedAt ? 'removed after release' : `export is ${e.status}`})`,
        );
      if (name !== 'manifest.json' && !e.files.some((f) => f.name === name))
        throw notFound(`file ${name} in export ${e.id}`);
      const rangeHeader = c.req.header('range');
      if (opensViewing(rangeHeader)) {
        const p = c.get('principal');
        await deps.audit.append({
          actor: p.name,
          role: p.role,
          action: 'footage.export.download',
          target: e.id,
          details: { file: name, purpose: e.purpose },
        });
      }
      const file = `${deps.recording.storage.exportDir(e.id)}/${name}`;
      return fileResponse(file, rangeHeader, {
        contentType: name.endsWith('.json') ? 'application/json' : 'video/mp4',
        downloadName: `${e.id}-${name}`,
      });
    })
    .post('/exports/:id/release', requireRole(...CASEWORK), async (c) => {
      const e = await findExport(deps, c.req.param('id'), c.get('principal'));
      const { reason } = await jsonBody(c, reasonBody);
      const p = c.get('principal');
      if (!(await deps.recording.exportJobs.release(e.id, p.name, p.role, reason)))
        throw new ConflictError(`export ${e.id} was already released`);
      return c.json(viewOf((await deps.exports.get(e.id)) as ExportRecord));
    })
    .post('/cases', requireRole(...CASEWORK), async (c) => {
      const b = await jsonBody(c, caseBody);
      return c.json(caseView(await caseService.open(b.number, b.title, c.get('principal'))), 201);
    })
    .get('/cases/:id', requireRole(...CASEWORK), async (c) => {
      const found = await deps.cases.find(c.req.param('id'));
      if (!found) throw notFound(`case ${c.req.param('id')}`);
      const items = await deps.cases.items(found.id);
      const exports = await deps.exports.listForCase(found.id);
      const p = c.get('principal');
      await deps.audit.append({
        actor: p.name,
        role: p.role,
        action: 'case.view',
        target: found.id,
        details: { number: found.number },
      });
      const of = (kind: string) => items.filter((i) => i.kind === kind).map(caseItemView);
      return c.json({
        case: caseView(found),
        searches: of('search'),
        alerts: of('alert'),
        bookmarks: of('bookmark'),
        exports: exports.map(viewOf),
      });
    })
    .post('/cases/:id/bookmarks', requireRole(...CASEWORK), async (c) => {
      const b = await jsonBody(c, bookmarkBody);
      const cam = await camera(b.camera, c.get('principal'));
      const item = await caseService.bookmark(
        c.req.param('id'),
        { camera: cam, from: new Date(b.from), to: new Date(b.to), note: b.note },
        c.get('principal'),
      );
      return c.json(caseItemView(item), 201);
    })
    .post('/cases/:id/alerts', requireRole(...CASEWORK), async (c) => {
      const b = await jsonBody(c, alertLinkBody);
      const alert = await deps.alerts.get(b.alert);
      if (!alert) throw notFound(`alert ${b.alert}`);
      return c.json(
        caseItemView(await caseService.linkAlert(c.req.param('id'), alert, b.note ?? null, c.get('principal'))),
        201,
      );
    })
    .post('/cases/:id/close', requireRole(...CASEWORK), async (c) => {
      const { reason } = await jsonBody(c, reasonBody);
      const closed = await caseService.close(c.req.param('id'), reason, c.get('principal'));
      return c.json({ ...caseView(closed), holdsReleased: closed.holdsReleased });
    });
}

/** An export whose every camera the principal may view (under the export's case, with its grant); 404 otherwise. */
async function findExport(deps: FootageDeps, id: string, p: Principal): Promise<ExportRecord> {
  const e = isUuid(id) ? await deps.exports.get(id) : null;
  if (!e) throw notFound(`export ${id}`);
  const grant = e.caseId ? (await deps.cases.find(e.caseId))?.grants : null;
  const scope = scopeOf(deps);
  for (const cam of e.cameras) if (!(await scope.mayViewCamera(p, cam, grant))) throw notFound(`export ${id}`);
  return e;
}
