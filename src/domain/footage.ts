// Footage records: recorded segments, the holds that keep them from retention, investigation cases with what
// was filed under them (searches, alerts, bookmarks), and clip exports. The repositories in store/ map their rows to these.
import type { Scope } from './scope.js';

export interface NewSegment {
  cameraId: string;
  startAt: Date;
  endAt: Date;
  /** Relative to the recording root. */
  path: string;
  bytes: number;
}

export interface Segment extends NewSegment {
  id: number;
}

export type HoldKind = 'alert' | 'export' | 'case';

export interface Hold {
  id: string;
  cameraId: string;
  from: Date;
  to: Date;
  kind: HoldKind;
  ref: string;
  reason: string;
  createdBy: string;
  expiresAt: Date | null;
}

export type CaseItemKind = 'search' | 'alert' | 'bookmark' | 'export';

export interface CaseRecord {
  id: string;
  number: string;
  title: string;
  createdBy: string;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
  /** What searches under this case may see beyond the searcher's own scope (set by an admin); empty lists grant nothing. */
  grants: Scope;
}

export interface NewCaseItem {
  caseId: string;
  kind: CaseItemKind;
  ref?: string | null;
  cameraId?: string | null;
  from?: Date | null;
  to?: Date | null;
  note?: string | null;
  details?: Record<string, unknown>;
  addedBy: string;
}

export interface CaseItem extends Required<NewCaseItem> {
  id: string;
  createdAt: Date;
}

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface NewExport {
  id: string;
  cameras: string[];
  from: Date;
  to: Date;
  purpose: string;
  caseId: string | null;
  requestedBy: string;
  role: string;
}

export interface ExportFile {
  name: string;
  cameraId: string;
  bytes: number;
  sha256: string;
  durationSeconds: number;
}

export interface ExportRecord extends NewExport {
  status: ExportStatus;
  progress: number;
  error: string | null;
  manifest: Record<string, unknown> | null;
  manifestSha256: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  releasedAt: Date | null;
  releasedBy: string | null;
  filesRemovedAt: Date | null;
  files: ExportFile[];
}
