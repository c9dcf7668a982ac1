// RouteDocs of the reads group: cameras, plate reads, hotlist, sightings, live view, media URLs, map, camera health.
import { z } from 'zod';
import { cameraChangeBody, cameraWhyQuery } from '../routes/cameras.js';
import { cameraListSchema, cameraRemovedSchema, cameraViewSchema } from '../views/camera.js';
import type { RouteDoc } from './route-doc.js';

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

export const docs: RouteDoc[] = [...cameras];
