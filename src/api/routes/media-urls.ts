// POST /media-urls: a short-lived signed URL for one media path, for <video>/<img> (see media-url.ts).
// Footage URLs need a purpose (or case) like the footage routes, and their issue is audited.
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { badRequest, jsonBody } from '../errors.js';
import { signedUrlView } from '../../views/media-url.js';
import { DEFAULT_TTL_S, isFootagePath, isMediaPath, MAX_TTL_S, type MediaSigner } from '../media-url.js';

export const mediaUrlBody = z.strictObject({
  path: z
    .string()
    .startsWith('/api/v1/', 'path: an API path such as /api/v1/footage/gate-1/play?from=...&to=...')
    .max(2000),
  /** Why the footage is opened; may instead be in the path's own purpose= or case= parameter. */
  purpose: z.string().trim().min(3, 'purpose: at least 3 characters').max(500).optional(),
  ttlSeconds: z.number().int().min(10).max(MAX_TTL_S).default(DEFAULT_TTL_S),
});

export function mediaUrlRoutes(deps: Pick<ApiDeps, 'audit'> & { media: MediaSigner }) {
  return new Hono<ApiEnv>().post('/', async (c) => {
    const b = await jsonBody(c, mediaUrlBody);
    const u = new URL(b.path, 'http://vigil.local');
    if (!isMediaPath(u.pathname))
      throw badRequest(
        `${u.pathname} is not a media path: signed URLs open footage, live views, crops and subject photos only`,
      );
    const p = c.get('principal');
    if (isFootagePath(u.pathname)) {
      const stated = u.searchParams.get('purpose') ?? u.searchParams.get('case');
      if (!stated && !b.purpose)
        throw badRequest(
          'a purpose is required for footage: give purpose (at least 3 characters) or a case= in the path',
        );
      if (!stated && b.purpose) u.searchParams.set('purpose', b.purpose);
    }
    const signed = await deps.media.sign(`${u.pathname}${u.search}`, p.tokenId, b.ttlSeconds);
    if (isFootagePath(u.pathname)) {
      const purpose = u.searchParams.get('purpose') ?? `case ${u.searchParams.get('case')}`;
      await deps.audit.append({
        actor: p.name,
        role: p.role,
        action: 'media-url.issue',
        target: u.pathname,
        details: { path: `${u.pathname}${u.search}`, purpose, expiresAt: signed.expiresAt },
      });
    }
    return c.json(signedUrlView(signed), 201);
  });
}
