// What the face routes need beyond ApiDeps, and the multipart reading they share.
import type { Context } from 'hono';
import type { FaceAuthorisationService } from '../../services/face-authorisation-service.js';
import type { FaceSearchService } from '../../services/face-search.js';
import type { FaceWatchlistService, PhotoUpload } from '../../services/face-watchlist-service.js';
import type { AuthorisationRepo } from '../../store/authorisation-repo.js';
import type { FaceSightingRepo } from '../../store/face-sighting-repo.js';
import type { SubjectRepo } from '../../store/subject-repo.js';
import type { ApiDeps } from '../deps.js';
import { badRequest } from '../errors.js';
import { camelName } from '../camel-name.js';
import type { Logger } from '../../lib/logger.js';

/** ApiDeps lives in deps.ts (not this issue's file); the face routes' extra needs are declared here. */
export interface FaceApiDeps {
  subjects: SubjectRepo;
  authorisationRepo: AuthorisationRepo;
  faceSightings: FaceSightingRepo;
  faceWatchlist: FaceWatchlistService;
  faceAuthorisations: FaceAuthorisationService;
  faceSearch: FaceSearchService;
}

export type FaceRouteDeps = ApiDeps & FaceApiDeps;

export interface MultipartForm {
  fields: Record<string, string>;
  files: { field: string; name: string; bytes: Buffer }[];
  /** Every value of a repeated text field, in order. */
  all(field: string): string[];
}

const warned = new Set<string>();

/**
 * Reads a multipart/form-data body: text fields (the last value wins in `fields`) and files. For one release a
 * snake_case field name (expires_at) is read as its camelCase name, logged once per name and route, as the
 * JSON aliases are (aliases.ts).
 */
export async function readMultipart(c: Context, log?: Pick<Logger, 'warn'>): Promise<MultipartForm> {
  if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
    throw badRequest('send multipart/form-data: the photos as files, the other fields as text');
  }
  let body: Awaited<ReturnType<typeof c.req.parseBody>>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch (err) {
    throw badRequest(
      `the multipart/form-data body is malformed (${(err as Error).message}): send a well-formed form with its boundary in Content-Type`,
    );
  }
  const fields: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  const files: MultipartForm['files'] = [];
  for (const [sent, value] of Object.entries(body)) {
    const field = camelName(sent);
    if (field !== sent && log && !warned.has(`${c.req.path} ${sent}`)) {
      warned.add(`${c.req.path} ${sent}`);
      log.warn(
        `deprecated snake_case field '${sent}' on ${c.req.method} ${c.req.path}: send '${field}' (the alias goes in the next release)`,
        { key: sent, method: c.req.method },
      );
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') {
        fields[field] = v;
        (repeated[field] ??= []).push(v);
      } else {
        files.push({
          field,
          name: v.name || `${field}-${files.length + 1}`,
          bytes: Buffer.from(await v.arrayBuffer()),
        });
      }
    }
  }
  return { fields, files, all: (field) => repeated[field] ?? [] };
}

/** Photos from the `photos` file field with their `source`s: one source for all, or one per photo in order. */
export function photoUploads(form: MultipartForm): PhotoUpload[] {
  const photos = form.files.filter((f) => f.field === 'photos' || f.field === 'photo');
  if (!photos.length) throw badRequest('no photos: send at least one file in the field "photos"');
  const sources = form.all('sources').concat(form.all('source'));
  if (sources.length !== 1 && sources.length !== photos.length) {
    throw badRequest(
      `give one "source" for all photos or one per photo in order (${photos.length} photos, ${sources.length} sources)`,
    );
  }
  return photos.map((p, i) => ({
    bytes: p.bytes,
    name: p.name,
    source: sources.length === 1 ? sources[0] : sources[i],
  }));
}
