// Footage as the API answers it: a camera's segment listing, clip exports, cases and what is filed under them;
// one zod schema and one view function each (the document shows the schemas).
import { z } from 'zod';
import type { CaseItem, CaseRecord, ExportRecord, HoldKind, Segment } from '../domain/footage.js';
import { isoTime } from '../api/contract/route-doc.js';

const HOLD_KINDS = ['alert', 'export', 'case'] as const satisfies readonly HoldKind[];

export const segmentViewSchema = z.object({
  id: z.number().int(),
  start: isoTime,
  end: isoTime,
  bytes: z.number().int(),
  protectedBy: z.array(z.enum(HOLD_KINDS)).describe('Holds keeping it from retention'),
  url: z.string().describe('The MPEG-TS file (GET /segments/{id})'),
});
export const segmentView = (s: Segment & { protectedBy: HoldKind[] }): z.infer<typeof segmentViewSchema> => ({
  id: s.id,
  start: s.startAt.toISOString(),
  end: s.endAt.toISOString(),
  bytes: s.bytes,
  protectedBy: s.protectedBy,
  url: `/api/v1/segments/${s.id}`,
});

export const footageListSchema = z.object({
  camera: z.string(),
  from: isoTime,
  to: isoTime,
  truncated: z.boolean().describe('More segments than one answer holds: ask for a later from'),
  segments: z.array(segmentViewSchema),
});

export const exportViewSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().min(0).max(1),
  error: z.string().nullable(),
  cameras: z.array(z.string()),
  from: isoTime,
  to: isoTime,
  purpose: z.string(),
  caseId: z.string().nullable(),
  requestedBy: z.string(),
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
  releasedAt: isoTime.nullable(),
  releasedBy: z.string().nullable(),
  filesRemovedAt: isoTime.nullable().describe('Files removed by retention after release'),
  manifestSha256: z.string().nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      cameraId: z.string(),
      bytes: z.number().int(),
      sha256: z.string(),
      durationSeconds: z.number(),
      url: z.string(),
    }),
  ),
});
export type ExportView = z.infer<typeof exportViewSchema>;

/** `progress`: the running job's own figure when this process runs it (fresher than the stored one). */
export function exportView(e: ExportRecord, progress?: number | null): ExportView {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: e.id,
    status: e.status,
    progress: progress ?? e.progress,
    error: e.error,
    cameras: e.cameras,
    from: e.from.toISOString(),
    to: e.to.toISOString(),
    purpose: e.purpose,
    caseId: e.caseId,
    requestedBy: e.requestedBy,
    createdAt: e.createdAt.toISOString(),
    finishedAt: iso(e.finishedAt),
    releasedAt: iso(e.releasedAt),
    releasedBy: e.releasedBy,
    filesRemovedAt: iso(e.filesRemovedAt),
    manifestSha256: e.manifestSha256,
    files: e.files.map((f) => ({ ...f, url: `/api/v1/exports/${e.id}/files/${encodeURIComponent(f.name)}` })),
  };
}

export const exportDetailSchema = exportViewSchema.extend({
  manifest: z.record(z.string(), z.unknown()).nullable().describe('The signed manifest, once done'),
});

export const caseViewSchema = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  createdBy: z.string(),
  createdAt: isoTime,
  closedAt: isoTime.nullable(),
  closedBy: z.string().nullable(),
  grants: z
    .object({ districts: z.array(z.string()), cameras: z.array(z.string()) })
    .describe("What searches under the case may see beyond the searcher's scope"),
});
export const caseView = (c: CaseRecord): z.infer<typeof caseViewSchema> => ({
  id: c.id,
  number: c.number,
  title: c.title,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  closedAt: c.closedAt?.toISOString() ?? null,
  closedBy: c.closedBy,
  grants: { districts: c.grants.districts, cameras: c.grants.cameras },
});

export const caseItemViewSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum(['search', 'alert', 'bookmark', 'export']),
  ref: z.string().nullable().describe('The alert id, search target or export id'),
  cameraId: z.string().nullable(),
  from: isoTime.nullable(),
  to: isoTime.nullable(),
  note: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  addedBy: z.string(),
  createdAt: isoTime,
});
export const caseItemView = (i: CaseItem): z.infer<typeof caseItemViewSchema> => ({
  id: i.id,
  caseId: i.caseId,
  kind: i.kind,
  ref: i.ref,
  cameraId: i.cameraId,
  from: i.from?.toISOString() ?? null,
  to: i.to?.toISOString() ?? null,
  note: i.note,
  details: i.details,
  addedBy: i.addedBy,
  createdAt: i.createdAt.toISOString(),
});

export const caseFileSchema = z.object({
  case: caseViewSchema,
  searches: z.array(caseItemViewSchema),
  alerts: z.array(caseItemViewSchema),
  bookmarks: z.array(caseItemViewSchema),
  exports: z.array(exportViewSchema),
});

export const caseClosedSchema = caseViewSchema.extend({
  holdsReleased: z.number().int().describe('Footage holds released by the close'),
});
