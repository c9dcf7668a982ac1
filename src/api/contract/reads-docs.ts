// RouteDocs of the reads group: cameras, plate reads, hotlist, sightings, live view, media URLs, map; camera health from health-docs.ts.
import { z } from 'zod';
import { cameraChangeBody, cameraWhyQuery } from '../routes/cameras.js';
import { cameraListSchema, cameraRemovedSchema, cameraViewSchema } from '../../views/camera.js';
import { hotlistCreateBody, hotlistListQuery, hotlistPatchBody, hotlistWhyQuery } from '../routes/hotlist.js';
import { liveQuery } from '../routes/live.js';
import { mediaUrlBody } from '../routes/media-urls.js';
import { plateReadSearchQuery } from '../routes/plate-reads.js';
import { sightingSearchQuery } from '../routes/sightings.js';
import { hotlistEntryViewSchema, hotlistImportSchema, hotlistPageSchema } from '../../views/hotlist.js';
import { liveStreamsSchema } from '../../views/live.js';
import { baseMapSchema } from '../../views/map.js';
import { signedUrlSchema } from '../../views/media-url.js';
import { plateReadViewSchema } from '../../views/plate-read.js';
import { sightingViewSchema } from '../../views/sighting.js';
import { docs as health } from './health-docs.js';
import { idParams, type RouteDoc } from './route-doc.js';

const READERS = ['admin', 'operator', 'investigator', 'checkpoint', 'maintenance'] as const;
const cameraId = z.object({ id: z.string().describe('Camera id (lower-case letters, digits, - and _)') });

const cameras: RouteDoc[] = [
  {
    method: 'get',
    path: '/cameras',
    tags: ['cameras'],
    roles: READERS,
    summary: 'The camera inventory with live status, the node holding each camera and its image diagnostics',
    responses: { 200: { description: 'Every camera not removed (disabled ones included)', schema: cameraListSchema } },
  },
  {
    method: 'get',
    path: '/cameras/{id}',
    tags: ['cameras'],
    roles: READERS,
    params: cameraId,
    errors: [404],
    summary: 'One camera of the inventory',
    responses: { 200: { description: 'The camera', schema: cameraViewSchema } },
  },
  {
    method: 'post',
    path: '/cameras',
    tags: ['cameras'],
    roles: ['admin'],
    query: cameraWhyQuery,
    errors: [400, 409],
    summary: 'Add a camera (or bring a removed one back); audited with the reason',
    body: {
      schema: cameraChangeBody,
      description: 'A camera in the YAML camera schema (id, name, source, kind, checkpointLevel, lat, lon, ...)',
    },
    responses: { 201: { description: 'The camera added', schema: cameraViewSchema } },
  },
  {
    method: 'patch',
    path: '/cameras/{id}',
    tags: ['cameras'],
    roles: ['admin'],
    params: cameraId,
    query: cameraWhyQuery,
    errors: [400, 404],
    summary: 'Change a camera: the fields given are merged over its configuration and checked whole; audited',
    body: { schema: cameraChangeBody, description: 'Fields of the YAML camera schema to change' },
    responses: { 200: { description: 'The camera after the change', schema: cameraViewSchema } },
  },
  {
    method: 'delete',
    path: '/cameras/{id}',
    tags: ['cameras'],
    roles: ['admin'],
    params: cameraId,
    query: cameraWhyQuery,
    errors: [400, 404],
    summary: 'Remove a camera from the inventory (its reads and alerts keep naming it); audited',
    responses: { 200: { description: 'The camera removed', schema: cameraRemovedSchema } },
  },
];

/** A search page: the results, the total counted up to 10,000 (totalExact false beyond), and the next offset. */
function searchPage<K extends string>(key: K, item: z.ZodType) {
  return z.object({
    [key]: z.array(item),
    total: z.number().int().describe('Results that match, counted up to 10,000'),
    totalExact: z.boolean().describe('False when the total stopped at the cap'),
    limit: z.number().int(),
    offset: z.number().int(),
    nextOffset: z.number().int().nullable(),
  });
}

const jpeg = { description: 'The crop (JPEG)', contentType: 'image/jpeg' };

const searches: RouteDoc[] = [
  {
    method: 'get',
    path: '/plate-reads',
    tags: ['search'],
    roles: ['admin', 'operator', 'investigator'],
    query: plateReadSearchQuery,
    errors: [400],
    summary:
      'Search plate reads: exact, OCR-equivalent fuzzy, or partial (? one character, * any run) by time, cameras, area, direction of travel, plate colour and vehicle type and colour',
    description:
      "Newest first. Every search needs a purpose or a case and is audited (search.plate_reads); results stay within the caller's scope (a case widens it by its grant). A partial plate without three known characters in a row needs a narrow time window. plateColour (blue, yellow, green, white, black, unknown), vehicleType (car, truck, bus, motorcycle, unknown) and vehicleColour (white, black, grey, silver, red, blue, yellow, green, brown, unknown) keep the reads with that stored value; any other value is a 400 listing the allowed ones. A plate alone is not needed: vehicleType=truck&vehicleColour=red&from=...&to=... finds red lorries.",
    responses: { 200: { description: 'A page of reads', schema: searchPage('reads', plateReadViewSchema) } },
  },
  {
    method: 'get',
    path: '/plate-reads/{id}/crop.jpg',
    tags: ['search'],
    roles: ['admin', 'operator', 'investigator', 'checkpoint', 'unit'],
    params: idParams,
    errors: [404],
    summary: 'The best plate crop of a read',
    signedMedia: true,
    description:
      "A checkpoint gets its own camera's crops (and those it was shown), a unit those of its offers, others their scope.",
    responses: { 200: jpeg },
  },
  {
    method: 'get',
    path: '/sightings',
    tags: ['search'],
    roles: ['admin', 'operator', 'investigator'],
    query: sightingSearchQuery,
    errors: [400],
    summary: 'Search tracked people and vehicles by class (label), cameras, area, time, plate and vehicle colour',
    description:
      'Newest first. Every search needs a purpose or a case and is audited (search.sightings). vehicleType (car, truck, bus, motorcycle) narrows label to that class; vehicleColour (white, black, grey, silver, red, blue, yellow, green, brown, unknown) keeps the vehicles of that body colour; any other value is a 400 listing the allowed ones. Sightings carry no plate colour: search plate reads for it.',
    responses: { 200: { description: 'A page of sightings', schema: searchPage('sightings', sightingViewSchema) } },
  },
  {
    method: 'get',
    path: '/sightings/{id}/crop.jpg',
    tags: ['search'],
    roles: ['admin', 'operator', 'investigator'],
    params: idParams,
    errors: [404],
    summary: 'The best shot of a sighting',
    responses: { 200: jpeg },
  },
];

const HOTLIST_READERS = ['admin', 'operator', 'investigator', 'checkpoint'] as const;
const HOTLIST_EDITORS = ['admin', 'operator'] as const;
const audited =
  "Every change needs why (at least 3 characters) and commits with its audit entry; every process's matching index follows it.";

const hotlist: RouteDoc[] = [
  {
    method: 'get',
    path: '/hotlist',
    tags: ['hotlist'],
    roles: HOTLIST_READERS,
    query: hotlistListQuery,
    errors: [400],
    summary: 'Hotlist entries, newest first: live ones unless includeInactive=true',
    responses: { 200: { description: 'A page of entries', schema: hotlistPageSchema } },
  },
  {
    method: 'post',
    path: '/hotlist',
    tags: ['hotlist'],
    roles: HOTLIST_EDITORS,
    errors: [400, 409],
    description: audited,
    summary:
      'List a plate (or a pattern) with category, reason, source, priority and expiry, and optionally a plate colour or (with a pattern) a vehicle description; addedBy is the caller',
    body: {
      schema: hotlistCreateBody,
      description:
        'A live entry for the same plate (or pattern), category and description is a 409 naming it. plateColour: only reads of that colour, or of no known colour, match. vehicleType and vehicleColour go with a pattern only (a partial plate seen on a red truck): a read that tells another type or colour does not match, one that tells none does.',
    },
    responses: { 201: { description: 'The entry', schema: hotlistEntryViewSchema } },
  },
  {
    method: 'get',
    path: '/hotlist/{id}',
    tags: ['hotlist'],
    roles: HOTLIST_READERS,
    params: idParams,
    errors: [404],
    summary: 'One hotlist entry (deactivated and expired ones too)',
    responses: { 200: { description: 'The entry', schema: hotlistEntryViewSchema } },
  },
  {
    method: 'patch',
    path: '/hotlist/{id}',
    tags: ['hotlist'],
    roles: HOTLIST_EDITORS,
    params: idParams,
    errors: [400, 404],
    description: audited,
    summary:
      'Change category, reason, source, priority, expiry, active, plate colour or vehicle description (null clears one; a description only on a pattern entry)',
    body: { schema: hotlistPatchBody },
    responses: { 200: { description: 'The entry after the change', schema: hotlistEntryViewSchema } },
  },
  {
    method: 'delete',
    path: '/hotlist/{id}',
    tags: ['hotlist'],
    roles: HOTLIST_EDITORS,
    params: idParams,
    query: hotlistWhyQuery,
    errors: [400, 404],
    summary: 'Deactivate an entry (kept, so alerts raised on it still show why)',
    description: audited,
    responses: { 200: { description: 'The entry, inactive', schema: hotlistEntryViewSchema } },
  },
  {
    method: 'post',
    path: '/hotlist/import',
    tags: ['hotlist'],
    roles: HOTLIST_EDITORS,
    query: hotlistWhyQuery,
    errors: [400],
    summary:
      'Import a CSV: good rows in one transaction with one audit entry, bad rows reported by row, rows already listed skipped',
    description:
      'Header row naming the columns in any order: plate or pattern, category, reason, source, priority (optional), expiresAt. 400 when no row imports.',
    body: { contentType: 'text/csv', description: 'RFC 4180 CSV, UTF-8' },
    responses: { 200: { description: 'What was imported, rejected and skipped', schema: hotlistImportSchema } },
  },
];

const media: RouteDoc[] = [
  {
    method: 'get',
    path: '/cameras/{id}/live',
    tags: ['live'],
    roles: ['admin', 'operator', 'checkpoint'],
    params: cameraId,
    query: liveQuery,
    errors: [404, 429, 503],
    summary:
      'Live view: fragmented MP4 for MediaSource, or ?format=mjpeg (multipart JPEGs) for codecs the browser cannot play',
    description:
      'One ffmpeg per camera and format for all viewers (header x-codec names the codec, x-live-session the run); 429 over live.maxViewersPerCamera; 503 with {camera, state: offline} when the camera gives no picture; a checkpoint sees its own camera only; each view audited (live.view).',
    signedMedia: true,
    responses: { 200: { description: 'The stream', contentType: 'video/mp4' } },
  },
  {
    method: 'get',
    path: '/live',
    tags: ['live'],
    roles: ['admin'],
    summary: 'Live streams running in this API process',
    responses: { 200: { description: 'Streams with their viewers', schema: liveStreamsSchema } },
  },
  {
    method: 'post',
    path: '/media-urls',
    tags: ['live'],
    roles: 'any',
    errors: [400],
    summary: 'A short-lived signed URL for one media path, for <video>/<img> that cannot send the bearer token',
    description:
      "HMAC-SHA256 over GET, path, query, expiry and token id (default 300 s, at most 3600): footage play, segments, export files, live view, plate and face crops, subject photos. It acts as the asker (role checks still apply; revoking the token ends it). Footage needs a purpose (body purpose, or the path's purpose= or case=) and its issue is audited (media-url.issue).",
    body: { schema: mediaUrlBody },
    responses: { 201: { description: 'The signed URL', schema: signedUrlSchema } },
  },
  {
    method: 'get',
    path: '/map/base',
    tags: ['map'],
    roles: 'any',
    summary: "The map's offline base: road-graph streets and district outlines (map.maxPoints, longest kept)",
    responses: { 200: { description: 'The base map', schema: baseMapSchema } },
  },
];

export const docs: RouteDoc[] = [...cameras, ...searches, ...hotlist, ...media, ...health];
