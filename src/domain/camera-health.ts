// Camera-health records: fault episodes, maintainers' position confirmations and maintenance work orders.
import type { FaultKind } from './fault-kinds.js';

/** One fault episode of a camera: raised, seen until lastSeen, cleared (or still open). Times are ISO. */
export interface FaultRecord {
  id: string;
  cameraId: string;
  kind: FaultKind;
  since: string;
  raisedAt: string;
  lastSeen: string;
  clearedAt: string | null;
  detail: string;
  value: number | null;
  hasEvidence: boolean;
}

/** A fault as detection raises it (epoch ms), with the picture that shows it. */
export interface NewFault {
  cameraId: string;
  kind: FaultKind;
  since: number;
  raisedAt: number;
  detail: string;
  value: number;
  evidence: Uint8Array | null;
}

/** A maintainer checked the camera's position on the map. */
export interface LocationConfirmation {
  cameraId: string;
  lat: number;
  lon: number;
  confirmedBy: string;
  confirmedAt: string;
  note: string | null;
}

export type WorkOrderStatus = 'open' | 'acknowledged' | 'closed';
/** repaired: closed by maintenance; recovered: the fault cleared by itself. */
export type CloseReason = 'repaired' | 'recovered';

export interface WorkOrderNote {
  at: string;
  by: string;
  note: string;
}

/** One per fault episode that outlasted its grace time. */
export interface WorkOrder {
  id: string;
  cameraId: string;
  faultId: string;
  kind: FaultKind;
  status: WorkOrderStatus;
  openedAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  notes: WorkOrderNote[];
  closedAt: string | null;
  closedBy: string | null;
  closeReason: CloseReason | null;
  relearnReference: boolean;
}
