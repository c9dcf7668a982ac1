// RouteDocs of the reads group: cameras, plate reads, hotlist, sightings, live view, media URLs, map, camera health.
import { z } from 'zod';
import { cameraChangeBody, cameraWhyQuery } from '../routes/cameras.js';
import { cameraListSchema, cameraRemovedSchema, cameraViewSchema } from '../views/camera.js';
import { plateReadSearchQuery } from '../routes/plate-reads.js';
import { sightingSearchQuery } from '../routes/sightings.js';
import { plateReadViewSchema } from '../views/plate-read.js';
import { sightingViewSchema } from '../views/sighting.js';
import { idParams, type RouteDoc } from './route-doc.js';

const READERS = ['admin', 'operator', 'investigator', 'checkpoint', 'maintenance'] as const;
const cameraId = z.object({ id: z.string().describe('Camera id (lower-case letters, digits, - and _)') });

const cameras: RouteDoc[] = [
  {
    method: 'get', path: '/cameras', tags: ['cameras'], roles: READERS,
    summary: 'The camera inventory with live status, the node holding each camera and its image diagnostics',
    responses: { 200: { description: 'Every camera not removed (disabled ones included)', schema: cameraListSchema } },
  },
  {
    method: 'get', path: '/cameras/{id}', tags: ['cameras'], roles: READERS, params: cameraId, errors: [404],
    summary: 'One camera of the inventory',
    responses: { 200: { description: 'The camera', schema: cameraViewSchema } },
  },
  {
    method: 'post', path: '/cameras', tags: ['cameras'], roles: ['admin'], query: cameraWhyQuery, errors: [400, 409],
    summary: 'Add a camera (or bring a removed one back); audited with the reason',
    body: { schema: cameraChangeBody, description: 'A camera in the YAML camera schema (id, name, source, kind, checkpointLevel, lat, lon, ...)' },
    responses: { 201: { description: 'The camera added', schema: cameraViewSchema } },
  },
  {
    method: 'patch', path: '/cameras/{id}', tags: ['cameras'], roles: ['admin'], params: cameraId, query: cameraWhyQuery, errors: [400, 404],
    summary: 'Change a camera: the fields given are merged over its configuration and checked whole; audited',
    body: { schema: cameraChangeBody, description: 'Fields of the YAML camera schema to change' },
    responses: { 200: { description: 'The camera after the change', schema: cameraViewSchema } },
  },
  {
    method: 'delete', path: '/cameras/{id}', tags: ['cameras'], roles: ['admin'], params: cameraId, query: cameraWhyQuery, errors: [400, 404],
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
    method: 'get', path: '/plate-reads', tags: ['search'], roles: ['admin', 'operator', 'investigator'], query: plateReadSearchQuery, errors: [400],
    summary: 'Search plate reads: exact, OCR-equivalent fuzzy, or partial (? one character, * any run) by time, cameras, area and direction of travel',
    description: 'Newest first. Every search needs a purpose or a case and is audited (search.plate_reads); results stay within the caller\'s scope (a case widens it by its grant). A partial plate without three known characters in a row needs a narrow time window.',
    responses: { 200: { description: 'A page of reads', schema: searchPage('reads', plateReadViewSchema) } },
  },
  {
    method: 'get', path: '/plate-reads/{id}/crop.jpg', tags: ['search'], roles: ['admin', 'operator', 'investigator', 'checkpoint', 'unit'], params: idParams, errors: [404],
    summary: 'The best plate crop of a read', signedMedia: true,
    description: 'A checkpoint gets its own camera\'s crops (and those it was shown), a unit those of its offers, others their scope.',
    responses: { 200: jpeg },
  },
  {
    method: 'get', path: '/sightings', tags: ['search'], roles: ['admin', 'operator', 'investigator'], query: sightingSearchQuery, errors: [400],
    summary: 'Search tracked people and vehicles by class (label), cameras, area, time and plate',
    description: 'Newest first. Every search needs a purpose or a case and is audited (search.sightings).',
    responses: { 200: { description: 'A page of sightings', schema: searchPage('sightings', sightingViewSchema) } },
  },
  {
    method: 'get', path: '/sightings/{id}/crop.jpg', tags: ['search'], roles: ['admin', 'operator', 'investigator'], params: idParams, errors: [404],
    summary: 'The best shot of a sighting',
    responses: { 200: jpeg },
  },
];

export const docs: RouteDoc[] = [...cameras, ...searches];
