// What an interception order says to checkpoint staff and the command room: plate, photo, reason, where and
// which way it was going, each checkpoint's answer, and how it ended.
import { z } from 'zod';
import type { InterceptionOrder } from '../domain/interception.js';
import { compassOf } from '../domain/search-area.js';
import { isoTime } from '../api/contract/route-doc.js';

export const interceptionViewSchema = z.object({
  id: z.string(),
  status: z.enum(['open', 'closed', 'cancelled']),
  plate: z.string(),
  reason: z.string(),
  alertId: z.string().nullable(),
  mode: z.string().describe('How the checkpoints were chosen: ahead (along the heading), radius, or explicit'),
  photoReadId: z.string().nullable(),
  photoUrl: z.string().nullable(),
  orderedBy: z.string(),
  role: z.string(),
  createdAt: isoTime,
  closeUntil: isoTime.describe('A read after this no longer closes the order'),
  lapsed: z.boolean().describe('Still open, but too old for a read to close it: cancel or renew it'),
  hit: z.object({
    cameraId: z.string().nullable(),
    name: z.string().nullable(),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    at: isoTime,
    headingDeg: z.number().nullable(),
    direction: z.string().nullable().describe('Compass direction of travel (N, NE, ...)'),
  }),
  targets: z.array(
    z.object({
      cameraId: z.string(),
      name: z.string(),
      distanceM: z.number().int().nullable(),
      bearingDeg: z.number().int().nullable(),
      expectedAt: isoTime.nullable(),
      acknowledgedBy: z.string().nullable(),
      acknowledgedAt: isoTime.nullable(),
    }),
  ),
  closed: z
    .object({
      readId: z.string().nullable(),
      photoUrl: z.string().nullable(),
      cameraId: z.string().nullable(),
      name: z.string().nullable(),
      at: isoTime.nullable(),
    })
    .nullable(),
  cancelled: z.object({ by: z.string().nullable(), reason: z.string().nullable(), at: isoTime.nullable() }).nullable(),
});
export type InterceptionView = z.infer<typeof interceptionViewSchema>;

export const interceptionListSchema = z.object({ orders: z.array(interceptionViewSchema) });

/** Camera names and positions by id (the inventory's summary records). */
export type CameraLookup = ReadonlyMap<string, { name: string; lat: number; lon: number }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cropUrl = (readId: string | null) => (readId ? `/api/v1/plate-reads/${readId}/crop.jpg` : null);
const round = (v: number | null) => (v === null ? null : Math.round(v));

export function interceptionView(o: InterceptionOrder, cameras: CameraLookup, now = Date.now()): InterceptionView {
  const origin = o.originCamera ? cameras.get(o.originCamera) : undefined;
  const closedAt = cameras.get(o.closedCamera ?? '');
  return {
    id: o.id,
    status: o.status,
    plate: o.plate,
    reason: o.reason,
    alertId: o.alertId,
    mode: o.mode,
    photoReadId: o.photoReadId,
    photoUrl: cropUrl(o.photoReadId),
    orderedBy: o.orderedBy,
    role: o.role,
    createdAt: o.createdAt.toISOString(),
    closeUntil: o.closeUntil.toISOString(),
    lapsed: o.status === 'open' && o.closeUntil.getTime() < now,
    hit: {
      cameraId: o.originCamera,
      name: origin?.name ?? null,
      lat: origin?.lat ?? null,
      lon: origin?.lon ?? null,
      at: o.hitAt.toISOString(),
      headingDeg: o.heading,
      direction: compassOf(o.heading),
    },
    targets: o.targets.map((t) => ({
      cameraId: t.cameraId,
      name: cameras.get(t.cameraId)?.name ?? t.cameraId,
      distanceM: round(t.distanceM),
      bearingDeg: round(t.bearingDeg),
      expectedAt: iso(t.expectedAt),
      acknowledgedBy: t.acknowledgedBy,
      acknowledgedAt: iso(t.acknowledgedAt),
    })),
    closed:
      o.status === 'closed'
        ? {
            readId: o.closedByReadId,
            photoUrl: cropUrl(o.closedByReadId),
            cameraId: o.closedCamera,
            name: closedAt?.name ?? o.closedCamera,
            at: iso(o.closedAt),
          }
        : null,
    cancelled: o.status === 'cancelled' ? { by: o.cancelledBy, reason: o.cancelReason, at: iso(o.closedAt) } : null,
  };
}
