// The camera as the API answers it: its configuration (YAML camera schema, camelCase), the worker's status,
// the node holding it and its live image diagnostics; the source (password masked) to admins only.
import { z } from 'zod';
import { maskSource } from '../cluster/inventory-service.js';
import type { Lease } from '../cluster/lease-store.js';
import { cameraSchema as cameraConfigSchema } from '../config/schema.js';
import type { Camera } from '../domain/camera.js';
import type { StoredCameraStatus } from '../ingest/camera-status-store.js';
import { FAULT_KINDS } from '../health/fault-kinds.js';
import { healthField, type LiveHealth } from '../health/health-store.js';
import type { InventoryCamera } from '../store/camera-repo.js';
import { isoTime } from '../api/contract/route-doc.js';

/** A worker that has not reported for this long is treated as gone, whatever it last said. */
const STALE_MS = 60_000;

const { source: _source, ...configFields } = cameraConfigSchema.shape;

export const cameraStatusSchema = z
  .object({
    state: z
      .string()
      .describe('online, starting, offline, stalled, ...; disabled when the camera is off; unknown before any report'),
    lastFrameAt: z.number().nullable().optional().describe('Epoch ms of the last decoded frame'),
    fps: z.number().optional(),
    restarts: z.number().int().optional(),
    dropped: z.number().int().optional(),
    lastError: z.string().nullable().optional(),
    reportedAt: z.number().optional().describe('Epoch ms the worker wrote this'),
  })
  .describe("The camera worker's last report");

export const diagnosticsSchema = z
  .union([
    z.enum(['ok', 'unknown']),
    z.object({
      faults: z.array(
        z.object({ kind: z.enum(FAULT_KINDS), since: isoTime, detail: z.string(), faultId: z.string().nullable() }),
      ),
    }),
  ])
  .describe("Live image diagnostics: 'ok', 'unknown' (no recent report), or the faults raised now");

export const cameraViewSchema = z.object({
  ...configFields,
  checkpointLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  source: z.string().optional().describe('The stream URL with its password masked; admins only'),
  version: z.number().int().describe('Bumped by every change'),
  updatedAt: isoTime,
  status: cameraStatusSchema,
  holder: z
    .object({ nodeId: z.string(), since: isoTime, token: z.number() })
    .nullable()
    .describe('The node running the camera now'),
  diagnostics: diagnosticsSchema.optional().describe('In the list only'),
});
export type CameraView = z.infer<typeof cameraViewSchema>;

export const cameraListSchema = z.object({ cameras: z.array(cameraViewSchema) });
export const cameraRemovedSchema = z.object({ id: z.string(), removedAt: isoTime.nullable() });

/** The camera summary other answers embed (alerts, interceptions). */
export const cameraSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['street', 'checkpoint']),
  checkpointLevel: z.number().int().nullable(),
  lat: z.number(),
  lon: z.number(),
  heading: z.number().nullable(),
  district: z.string(),
  grid: z.string().nullable(),
});
export const cameraSummaryView = (c: Camera): z.infer<typeof cameraSummarySchema> => ({ ...c });

function statusOf(
  s: StoredCameraStatus | undefined,
  enabled: boolean,
  now: number,
): z.infer<typeof cameraStatusSchema> {
  if (!enabled) return { state: 'disabled' };
  if (!s) return { state: 'unknown' };
  const { cameraId: _id, ...rest } = s;
  return { ...rest, state: now - s.reportedAt > STALE_MS ? 'offline' : s.state };
}

export interface CameraViewParts {
  status?: StoredCameraStatus;
  lease?: Lease;
  /** Given (even undefined) in the list: the view then carries `diagnostics`. */
  health?: { live: LiveHealth | undefined };
  admin: boolean;
  now?: number;
}

export function cameraView(cam: InventoryCamera, p: CameraViewParts): CameraView {
  const { source, ...fields } = cam.config;
  return {
    ...fields,
    ...(p.admin ? { source: maskSource(source) } : {}),
    version: cam.version,
    updatedAt: cam.updatedAt.toISOString(),
    status: statusOf(p.status, cam.config.enabled, p.now ?? Date.now()),
    holder: p.lease
      ? { nodeId: p.lease.nodeId, since: new Date(p.lease.since).toISOString(), token: p.lease.token }
      : null,
    ...(p.health ? { diagnostics: healthField(p.health.live) } : {}),
  };
}
