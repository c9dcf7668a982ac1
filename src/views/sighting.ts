// A sighting as the API answers it: the tracked person or vehicle, with links to its crop and the footage around it.
import { z } from 'zod';
import type { Sighting } from '../domain/sighting.js';
import { isoTime } from '../api/contract/route-doc.js';

export const sightingViewSchema = z.object({
  id: z.string().describe('UUID of the track'),
  cameraId: z.string(),
  label: z.string().describe('person, car, truck, bus, motorcycle, ...'),
  firstSeen: isoTime,
  lastSeen: isoTime,
  box: z.array(z.number()).describe('The best shot box in the frame: x, y, width, height (pixels)'),
  score: z.number(),
  plate: z.string().nullable().describe('The plate read on the track, if any'),
  vehicleColour: z
    .string()
    .nullable()
    .describe('Vehicles: white, black, grey, silver, red, blue, yellow, green, brown or unknown'),
  hasCrop: z.boolean(),
  cropUrl: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  footageUrl: z.string().nullable(),
});
export type SightingView = z.infer<typeof sightingViewSchema>;

export function sightingView(s: Sighting, links: { cropUrl: string | null; footageUrl: string | null }): SightingView {
  return {
    id: s.id,
    cameraId: s.cameraId,
    label: s.label,
    firstSeen: s.firstSeen.toISOString(),
    lastSeen: s.lastSeen.toISOString(),
    box: s.box,
    score: s.score,
    plate: s.plate,
    vehicleColour: s.vehicleColour,
    hasCrop: s.hasCrop,
    cropUrl: links.cropUrl,
    thumbnailUrl: links.cropUrl,
    footageUrl: links.footageUrl,
  };
}
