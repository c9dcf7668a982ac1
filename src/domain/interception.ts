// An interception order (卡点堵截): checkpoints told to stop a vehicle, acknowledged by each, closed by a later read of the plate.

export type InterceptionStatus = 'open' | 'closed' | 'cancelled';

export interface InterceptionTargetRecord {
  orderId: string;
  cameraId: string;
  distanceM: number | null;
  bearingDeg: number | null;
  expectedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
}

export interface InterceptionOrder {
  id: string;
  alertId: string | null;
  plate: string;
  reason: string;
  photoReadId: string | null;
  orderedBy: string;
  role: string;
  /** The camera of the hit; null for an order placed by no read. */
  originCamera: string | null;
  /** Direction of travel, degrees from north, when known. */
  heading: number | null;
  hitAt: Date;
  /** How the targets were chosen: ahead (along the heading), radius, or explicit. */
  mode: string;
  createdAt: Date;
  /** A read after this no longer closes the order. */
  closeUntil: Date;
  status: InterceptionStatus;
  closedByReadId: string | null;
  closedAt: Date | null;
  closedCamera: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  targets: InterceptionTargetRecord[];
}

/** An order to record, with its targets. Times are epoch ms. */
export interface NewInterception {
  alertId: string | null;
  plate: string;
  reason: string;
  photoReadId: string | null;
  orderedBy: string;
  role: string;
  originCamera: string | null;
  heading: number | null;
  hitAt: number;
  mode: string;
  closeUntil: number;
  targets: { cameraId: string; distanceM: number | null; bearingDeg: number | null; expectedAt: number | null }[];
}
