// A plate read as the API answers it: the pass, with links to its crop and to the footage around it.
import { z } from 'zod';
import type { PlateRead } from '../domain/plate-read.js';
import { isoTime } from '../api/contract/route-doc.js';

export const plateReadViewSchema = z.object({
  id: z.string().describe('UUID of the pass'),
  cameraId: z.string(),
  plate: z.string(),
  confidence: z.number(),
  format: z.string().describe('Plate format the reader matched (cn-ordinary, cn-new-energy, ...)'),
  firstSeen: isoTime,
  lastSeen: isoTime,
  capturedAt: isoTime.describe('Capture time of the frame behind this version of the read'),
  readCount: z.number().int().describe('Frames read in the pass'),
  box: z.array(z.number()).describe('The plate box in the frame: x, y, width, height (pixels)'),
  hasCrop: z.boolean(),
  motion: z.enum(['approaching', 'receding']).nullable(),
  direction: z.number().nullable().describe('Compass degrees of travel; null when unknown'),
  plateColour: z.string().nullable().describe('blue, yellow, green, white, black or unknown; null when not classified'),
  vehicleType: z.string().nullable().describe("car, truck, bus, motorcycle (the detector's class or the camera's)"),
  vehicleColour: z
    .string()
    .nullable()
    .describe('white, black, grey, silver, red, blue, yellow, green, brown or unknown'),
  cropUrl: z.string().nullable().describe('The best plate crop (JPEG); null when none was kept'),
  thumbnailUrl: z.string().nullable(),
  footageUrl: z.string().nullable().describe('The footage around the pass, when the caller may see footage'),
});
export type PlateReadView = z.infer<typeof plateReadViewSchema>;

export interface PlateReadLinks {
  cropUrl: string | null;
  footageUrl: string | null;
}

export function plateReadView(r: PlateRead, links: PlateReadLinks): PlateReadView {
  return {
    id: r.id,
    cameraId: r.cameraId,
    plate: r.plate,
    confidence: r.confidence,
    format: r.format,
    firstSeen: r.firstSeen.toISOString(),
    lastSeen: r.lastSeen.toISOString(),
    capturedAt: r.capturedAt.toISOString(),
    readCount: r.readCount,
    box: r.box,
    hasCrop: r.hasCrop,
    motion: r.motion,
    direction: r.direction,
    plateColour: r.plateColour,
    vehicleType: r.vehicleType,
    vehicleColour: r.vehicleColour,
    cropUrl: links.cropUrl,
    thumbnailUrl: links.cropUrl,
    footageUrl: links.footageUrl,
  };
}
