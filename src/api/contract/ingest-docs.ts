// RouteDocs of device ingest: reads pushed by ANPR cameras (routes/anpr.ts).
import { anprReadSchema } from '../../ingest/anpr/anpr-read.js';
import { anprAccepted, anprIgnored, hikvisionQuery } from '../routes/anpr.js';
import type { RouteDoc } from './route-doc.js';

export const docs: RouteDoc[] = [
  {
    method: 'post',
    path: '/anpr/reads',
    tags: ['ingest'],
    roles: ['checkpoint', 'admin'],
    errors: [400, 403, 404],
    summary:
      'A plate read made by the checkpoint camera itself; it is matched, alerted and dispatched as a video read is',
    description:
      'A checkpoint token pushes for its own camera; an admin token (a gateway) names cameraId. A push repeated with the same eventId (or, without one, the same plate and capturedAt) is one pass and raises one alert. plateColour, vehicleType and vehicleColour are folded into the words Vigil uses (the answer shows what was stored) and searchable as a video read is.',
    body: { schema: anprReadSchema },
    responses: { 202: { description: 'Queued for matching', schema: anprAccepted } },
  },
  {
    method: 'post',
    path: '/anpr/hikvision',
    tags: ['ingest'],
    roles: ['checkpoint', 'admin'],
    query: hikvisionQuery,
    errors: [400, 403, 404],
    summary:
      "Hikvision ISAPI ANPR push: set the camera's alarm host (HTTP listening) URL to /api/v1/anpr/hikvision?camera=<id>&access_token=<checkpoint token>",
    description:
      "Takes the EventNotificationAlert as XML or JSON, alone or in multipart/form-data with licensePlatePicture.jpg (kept as the read's crop). Events other than ANPR (heartbeats, video loss) and ANPR events without a plate answer 200 {ignored}. ANPR.plateColor, ANPR.vehicleType (or vehicleInfo.vehicleType) and vehicleInfo.color are stored as the read's plate colour, vehicle type and vehicle colour in Vigil's words (deepBlue is blue, SUVMPV a car, largeBus a bus, newEnergyGreen green; a word Vigil does not know is unknown).",
    body: {
      contentType: 'multipart/form-data',
      description: "The camera's event (application/xml or application/json bodies are taken too)",
    },
    responses: { 200: { description: 'Queued for matching, or ignored', schema: anprAccepted.or(anprIgnored) } },
  },
];
