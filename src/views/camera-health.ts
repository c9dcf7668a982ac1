// Camera health as the API answers it: a camera's faults with evidence links, work orders, position
// confirmations and the rate report.
import { z } from 'zod';
import type { FaultRecord, LocationConfirmation, WorkOrder } from '../domain/camera-health.js';
import { FAULT_KINDS } from '../domain/fault-kinds.js';
import type { RateRow } from '../health/rates.js';
import { isoTime } from '../api/contract/route-doc.js';
import { diagnosticsSchema } from './camera.js';

export const faultViewSchema = z.object({
  id: z.string().describe('UUID of the fault episode'),
  cameraId: z.string(),
  kind: z.enum(FAULT_KINDS),
  since: isoTime.describe('When the condition began'),
  raisedAt: isoTime,
  lastSeen: isoTime,
  clearedAt: isoTime.nullable(),
  detail: z.string(),
  value: z.number().nullable().describe('The measure that raised it (against its threshold)'),
  hasEvidence: z.boolean(),
  evidence: z.string().nullable().describe('The picture that showed it (JPEG)'),
});

export const workOrderViewSchema = z.object({
  id: z.string().describe('UUID'),
  cameraId: z.string(),
  faultId: z.string(),
  kind: z.enum(FAULT_KINDS),
  status: z.enum(['open', 'acknowledged', 'closed']),
  openedAt: isoTime,
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: isoTime.nullable(),
  notes: z.array(z.object({ at: isoTime, by: z.string(), note: z.string() })),
  closedAt: isoTime.nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.enum(['repaired', 'recovered']).nullable().describe('recovered: the fault cleared by itself'),
  relearnReference: z.boolean(),
});
export type WorkOrderView = z.infer<typeof workOrderViewSchema>;

export const workOrderListSchema = z.object({ workOrders: z.array(workOrderViewSchema) });

export const cameraHealthViewSchema = z.object({
  cameraId: z.string(),
  diagnostics: diagnosticsSchema,
  learning: z
    .boolean()
    .nullable()
    .describe('The camera still learns its baseline (only some faults are judged yet); null without a report'),
  faults: z.array(faultViewSchema),
  workOrders: z.array(workOrderViewSchema),
});

export const relearnAcceptedSchema = z.object({ cameraId: z.string(), relearn: z.literal('requested') });

export const locationConfirmationSchema = z.object({
  cameraId: z.string(),
  lat: z.number(),
  lon: z.number(),
  confirmedBy: z.string(),
  confirmedAt: isoTime,
  note: z.string().nullable(),
});

const rate = z.number().nullable();
export const rateRowSchema = z.object({
  period: z.enum(['day', 'week']),
  start: z.string().describe('Local date the period starts'),
  district: z.string(),
  grid: z.string().nullable().describe('null: the district as a whole'),
  cameras: z.number().int(),
  registered: z.number().int(),
  expected: z.number().int(),
  registration: rate,
  online: rate,
  imageIntact: rate,
  location: rate,
  onlineHours: z.number(),
  intactHours: z.number(),
});
export const rateReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  target: z.number().describe('The rate every camera district should reach (0.95)'),
  rows: z.array(rateRowSchema),
});
export const districtTargetSchema = z.object({ district: z.string(), expected: z.number().int() });

export function faultView(f: FaultRecord, evidence: string | null): z.infer<typeof faultViewSchema> {
  return {
    id: f.id,
    cameraId: f.cameraId,
    kind: f.kind,
    since: f.since,
    raisedAt: f.raisedAt,
    lastSeen: f.lastSeen,
    clearedAt: f.clearedAt,
    detail: f.detail,
    value: f.value,
    hasEvidence: f.hasEvidence,
    evidence,
  };
}

export function workOrderView(o: WorkOrder): WorkOrderView {
  return {
    id: o.id,
    cameraId: o.cameraId,
    faultId: o.faultId,
    kind: o.kind,
    status: o.status,
    openedAt: o.openedAt,
    acknowledgedBy: o.acknowledgedBy,
    acknowledgedAt: o.acknowledgedAt,
    notes: o.notes.map((n) => ({ at: n.at, by: n.by, note: n.note })),
    closedAt: o.closedAt,
    closedBy: o.closedBy,
    closeReason: o.closeReason,
    relearnReference: o.relearnReference,
  };
}

export const locationConfirmationView = (c: LocationConfirmation): z.infer<typeof locationConfirmationSchema> => ({
  cameraId: c.cameraId,
  lat: c.lat,
  lon: c.lon,
  confirmedBy: c.confirmedBy,
  confirmedAt: c.confirmedAt,
  note: c.note,
});

export function rateReportView(r: {
  from: string;
  to: string;
  timezone: string;
  target: number;
  rows: RateRow[];
}): z.infer<typeof rateReportSchema> {
  return { from: r.from, to: r.to, timezone: r.timezone, target: r.target, rows: r.rows.map((row) => ({ ...row })) };
}
