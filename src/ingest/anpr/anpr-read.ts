// A plate read that a checkpoint's own ANPR camera made and pushed: the documented JSON format, and the
// one step that turns it (or a vendor's event, see hikvision.ts) into the pass the video path produces,
// so matching, alerts, interception and dispatch treat both alike, at no inference cost.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CHINESE_FORMATS, compileFormats, matchPlateFormat, normalisePlate } from '../../domain/plate-text.js';
import type { PlateReadEvent } from '../../queues/payloads.js';
import { normalisePlateColour } from '../../vision/plate-colour.js';
import { normaliseVehicleColour, normaliseVehicleType } from '../../vision/vehicle-colour.js';

/** Longest base64 JPEG kept with a read (the queue payload's own limit). */
export const MAX_CROP_BASE64 = 200_000;

export const anprReadSchema = z.strictObject({
  cameraId: z
    .string()
    .min(1)
    .max(120)
    .optional()
    .describe('The checkpoint camera; a checkpoint token may leave it out (its own camera)'),
  plate: z
    .string()
    .min(2)
    .max(16)
    .describe('The plate as the camera read it; separators and full-width characters are folded'),
  confidence: z.number().min(0).max(100).optional().describe('0-1, or 0-100 as most cameras send it; default 0.9'),
  capturedAt: z.iso.datetime({ offset: true }).describe('When the vehicle passed, ISO 8601 with offset'),
  eventId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The camera's own event id: a push repeated with it is one read, not two"),
  plateColour: z
    .string()
    .max(40)
    .optional()
    .describe(
      "The plate's colour as the camera names it (English, Chinese or Hikvision's words: blue, 蓝, newEnergyGreen, civilAviationBlack, ...); stored as blue, yellow, green, white, black, or unknown for a word Vigil does not know",
    ),
  vehicleType: z
    .string()
    .max(40)
    .optional()
    .describe(
      'As the camera names it (sedan, SUVMPV, largeBus, pickupTruck, twoWheelVehicle, ...); stored as car, truck, bus, motorcycle or unknown',
    ),
  vehicleColour: z
    .string()
    .max(40)
    .optional()
    .describe(
      'As the camera names it (white, gray, deepBlue, 银色, ...); stored as white, black, grey, silver, red, blue, yellow, green, brown or unknown',
    ),
  direction: z.string().max(40).optional(),
  plateJpeg: z
    .string()
    .max(MAX_CROP_BASE64)
    .optional()
    .describe('The plate picture, base64 JPEG (at most 200,000 characters)'),
});
export type AnprRead = z.infer<typeof anprReadSchema> & { cameraId: string };

/** A UUID made from the read's identity: the same push twice is one pass (and one alert), a new pass another. */
export function anprEventId(r: Pick<AnprRead, 'cameraId' | 'eventId' | 'plate' | 'capturedAt'>): string {
  const identity = r.eventId ? `id:${r.eventId}` : `pass:${normalisePlate(r.plate)}@${Date.parse(r.capturedAt)}`;
  const h = createHash('sha256').update(`anpr\n${r.cameraId}\n${identity}`).digest('hex');
  // Version 8 (custom) UUID layout so it passes every UUID check downstream.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 0-100 confidences (most cameras) become 0-1; absent is taken as the camera's usual 0.9. */
export function unitConfidence(c: number | undefined): number {
  if (c === undefined) return 0.9;
  return c > 1 ? Math.min(1, c / 100) : c;
}

/** The pass event the match job consumes: one read, seen once, already fused by the camera. */
export function toPlateReadEvent(r: AnprRead, extraFormats: { name: string; pattern: string }[] = []): PlateReadEvent {
  const plate = normalisePlate(r.plate);
  const at = Date.parse(r.capturedAt);
  return {
    eventId: anprEventId(r),
    cameraId: r.cameraId,
    plate,
    confidence: unitConfidence(r.confidence),
    format: matchPlateFormat(plate, [...CHINESE_FORMATS, ...compileFormats(extraFormats)]) ?? 'unknown',
    firstSeen: at,
    lastSeen: at,
    capturedAt: at,
    readCount: 1,
    box: [0, 0, 0, 0],
    ...(r.plateJpeg ? { cropJpeg: r.plateJpeg } : {}),
    ...attributesOf(r),
    update: false,
  };
}

/** The camera's colour and type words in Vigil's vocabulary; a field the camera left out stays unclassified. */
export function attributesOf(
  r: Pick<AnprRead, 'plateColour' | 'vehicleType' | 'vehicleColour'>,
): Pick<PlateReadEvent, 'plateColour' | 'vehicleType' | 'vehicleColour'> {
  return {
    ...(r.plateColour ? { plateColour: normalisePlateColour(r.plateColour) } : {}),
    ...(r.vehicleType ? { vehicleType: normaliseVehicleType(r.vehicleType) } : {}),
    ...(r.vehicleColour ? { vehicleColour: normaliseVehicleColour(r.vehicleColour) } : {}),
  };
}
