// Face watchlist subjects: list and view, enrol with photos (multipart), edit, deactivate, delete; every change audited by the service.
import { Hono } from 'hono';
import { z } from 'zod';
import { SUBJECT_CATEGORIES, subjectPatchSchema } from '../../domain/face-watchlist.js';
import { nextOffset } from '../lists.js';
import { enrolmentSchema, photoResultView, subjectDetailView, subjectView } from '../../views/faces.js';
import { requireRole } from '../auth.js';
import type { ApiEnv } from '../deps.js';
import { jsonBody, notFound, parseOr400, uuidParam } from '../errors.js';
import { withoutSignature } from '../media-url.js';
import { UnprocessableError } from '../../lib/errors.js';
import { photoUploads, readMultipart, type FaceRouteDeps } from './face-deps.js';

const why = z
  .string({ error: 'why is required' })
  .trim()
  .min(3, 'say why (at least 3 characters): a case number or a reason')
  .max(2000);

export const subjectListQuery = z.strictObject({
  category: z.enum(SUBJECT_CATEGORIES).optional(),
  includeInactive: z.enum(['true', 'false']).optional().describe('Also expired, deactivated ones'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const subjectPatchBody = subjectPatchSchema.extend({ why });
export const whyQuery = z.strictObject({ why });

export function subjectRoutes(deps: FaceRouteDeps) {
  const editors = requireRole('admin', 'operator');
  const readers = requireRole('admin', 'operator', 'investigator');
  return new Hono<ApiEnv>()
    .get('/', readers, async (c) => {
      const q = parseOr400(subjectListQuery, c.req.query(), 'query');
      const filter = { category: q.category, includeInactive: q.includeInactive === 'true' };
      const [subjects, total] = await Promise.all([
        deps.subjects.list({ ...filter, limit: q.limit, offset: q.offset }),
        deps.subjects.count(filter),
      ]);
      return c.json({
        subjects: subjects.map(subjectView),
        total,
        limit: q.limit,
        offset: q.offset,
        nextOffset: nextOffset(q.offset, subjects.length, total),
      });
    })
    .get('/:id', readers, async (c) => {
      const subject = await deps.subjects.get(uuidParam(c, 'id', 'subject'));
      if (!subject || subject.deletedAt) throw notFound('subject');
      return c.json(subjectDetailView(subject, await deps.subjects.photos(subject.id)));
    })
    .post('/', editors, async (c) => {
      const form = await readMultipart(c, deps.log);
      const reason = parseOr400(why, form.fields.why, 'why');
      const { why: _ignored, sources: _s, source: _s1, ...fields } = form.fields;
      const result = await deps.faceWatchlist.create(fields, photoUploads(form), c.get('principal'), reason);
      if (!result.subject)
        throw new UnprocessableError('no photo could be enrolled: see photos[].message', {
          details: result.photos,
          extra: { photos: result.photos },
        });
      return c.json(
        enrolmentSchema.parse({ subject: subjectView(result.subject), photos: result.photos.map(photoResultView) }),
        201,
      );
    })
    .post('/:id/photos', editors, async (c) => {
      const form = await readMultipart(c, deps.log);
      const reason = parseOr400(why, form.fields.why, 'why');
      const photos = await deps.faceWatchlist.addPhotos(
        uuidParam(c, 'id', 'subject'),
        photoUploads(form),
        c.get('principal'),
        reason,
      );
      if (!photos) throw notFound('subject');
      if (!photos.some((p) => p.ok))
        throw new UnprocessableError('no photo could be enrolled: see photos[].message', {
          details: photos,
          extra: { photos },
        });
      return c.json({ photos: photos.map(photoResultView) });
    })
    .get('/:id/photos/:photoId', readers, async (c) => {
      const photo = await deps.subjects.photoImage(c.req.param('id'), c.req.param('photoId'));
      if (!photo) throw notFound('photo');
      return c.body(new Uint8Array(photo.image), 200, {
        'content-type': photo.type,
        'cache-control': 'private, no-store',
      });
    })
    .delete('/:id/photos/:photoId', editors, async (c) => {
      const { why: reason } = parseOr400(whyQuery, withoutSignature(c.req.query()), 'query');
      if (
        !(await deps.faceWatchlist.deletePhoto(c.req.param('id'), c.req.param('photoId'), c.get('principal'), reason))
      )
        throw notFound('photo');
      return c.json({ deleted: true });
    })
    .patch('/:id', editors, async (c) => {
      const { why: reason, ...patch } = await jsonBody(c, subjectPatchBody);
      const subject = await deps.faceWatchlist.update(uuidParam(c, 'id', 'subject'), patch, c.get('principal'), reason);
      if (!subject) throw notFound('subject');
      return c.json(subjectView(subject));
    })
    .delete('/:id', editors, async (c) => {
      const { why: reason } = parseOr400(whyQuery, withoutSignature(c.req.query()), 'query');
      const done = await deps.faceWatchlist.delete(uuidParam(c, 'id', 'subject'), c.get('principal'), reason);
      if (!done) throw notFound('subject');
      return c.json({ deleted: true, ...done });
    });
}
