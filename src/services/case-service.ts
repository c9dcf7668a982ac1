// Investigation cases and footage look-ups: a case opened, a bookmark or alert filed with the hold that keeps its
// footage from retention, a case closed, a search filed under a case; each change and its audit entry in one transaction.
import { BadInputError, NotFoundError } from '../lib/errors.js';
import type { Alert } from '../domain/alert.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CaseItem, CaseRecord } from '../domain/footage.js';
import type { CaseRepo } from '../store/case-repo.js';
import type { Db } from '../store/db.js';
import type { SegmentRepo } from '../store/segment-repo.js';
import type { Principal } from '../store/token-repo.js';

export interface CaseServiceDeps {
  cases: CaseRepo;
  segments: SegmentRepo;
  audit: AuditRepo;
  /** Footage kept around a filed alert: this many seconds either side of its capture (recording.eventSeconds). */
  eventSeconds: number;
}

/** Who stated what for a look-up: the purpose, and the open case it is filed under (if any). */
export interface LookupAccess {
  purpose: string;
  case: CaseRecord | null;
}

export class CaseService {
  constructor(private readonly d: CaseServiceDeps) {}

  private tx<T>(fn: (r: { cases: CaseRepo; segments: SegmentRepo; audit: AuditRepo }) => Promise<T>): Promise<T> {
    return this.d.cases.db.tx((t: Db) =>
      fn({ cases: this.d.cases.on(t), segments: this.d.segments.on(t), audit: this.d.audit.on(t) }),
    );
  }

  /** Throws ConflictError when the number is taken. */
  async open(number: string, title: string, by: Principal): Promise<CaseRecord> {
    return this.tx(async (r) => {
      const created = await r.cases.create({ number, title, createdBy: by.name });
      await r.audit.append({
        actor: by.name,
        role: by.role,
        action: 'case.create',
        target: created.id,
        details: { number, title },
      });
      return created;
    });
  }

  /** A footage bookmark, held from retention while the case is open. */
  async bookmark(
    caseRef: string,
    b: { camera: string; from: Date; to: Date; note: string },
    by: Principal,
  ): Promise<CaseItem> {
    return this.tx(async (r) => {
      const found = await openCase(r.cases, caseRef);
      const item = await r.cases.addItem({
        caseId: found.id,
        kind: 'bookmark',
        cameraId: b.camera,
        from: b.from,
        to: b.to,
        note: b.note,
        addedBy: by.name,
      });
      await r.segments.addHold({
        cameraId: b.camera,
        from: b.from,
        to: b.to,
        kind: 'case',
        ref: item.id,
        reason: `case ${found.number}: ${b.note}`,
        createdBy: by.name,
        expiresAt: null,
      });
      const details = {
        number: found.number,
        camera: b.camera,
        from: b.from.toISOString(),
        to: b.to.toISOString(),
        note: b.note,
      };
      await r.audit.append({ actor: by.name, role: by.role, action: 'case.bookmark', target: found.id, details });
      return item;
    });
  }

  /** An alert filed under the case, with the footage around it held. */
  async linkAlert(
    caseRef: string,
    alert: Pick<Alert, 'id' | 'kind' | 'cameraId' | 'plate' | 'capturedAt'>,
    note: string | null,
    by: Principal,
  ): Promise<CaseItem> {
    const margin = this.d.eventSeconds * 1000;
    const at = alert.capturedAt.getTime();
    const [from, to] = [new Date(at - margin), new Date(at + margin)];
    return this.tx(async (r) => {
      const found = await openCase(r.cases, caseRef);
      const item = await r.cases.addItem({
        caseId: found.id,
        kind: 'alert',
        ref: alert.id,
        cameraId: alert.cameraId,
        from,
        to,
        note,
        addedBy: by.name,
      });
      const reason = `case ${found.number}: ${alert.kind} alert ${alert.plate || alert.id}`;
      await r.segments.addHold({
        cameraId: alert.cameraId,
        from,
        to,
        kind: 'case',
        ref: item.id,
        reason,
        createdBy: by.name,
        expiresAt: null,
      });
      await r.audit.append({
        actor: by.name,
        role: by.role,
        action: 'case.alert',
        target: found.id,
        details: { number: found.number, alert: alert.id },
      });
      return item;
    });
  }

  /** Closes the case and releases the holds of everything filed under it. */
  async close(caseRef: string, reason: string, by: Principal): Promise<CaseRecord & { holdsReleased: number }> {
    return this.tx(async (r) => {
      const found = await openCase(r.cases, caseRef);
      await r.cases.close(found.id, by.name);
      const itemIds = (await r.cases.items(found.id)).map((i) => i.id);
      const released = await r.segments.releaseHolds('case', itemIds, by.name, reason);
      await r.audit.append({
        actor: by.name,
        role: by.role,
        action: 'case.close',
        target: found.id,
        details: { number: found.number, reason, holdsReleased: released },
      });
      return { ...((await r.cases.find(found.id)) as CaseRecord), holdsReleased: released };
    });
  }

  /** A look-up's audit entry and, when a case was named, its filing under the case: both or neither. */
  async recordLookup(
    by: Principal,
    s: { action: string; target: string | null; access: LookupAccess; details: Record<string, unknown> },
  ): Promise<void> {
    await this.tx(async (r) => {
      const details = { ...s.details, purpose: s.access.purpose, case: s.access.case?.number ?? null };
      await r.audit.append({ actor: by.name, role: by.role, action: s.action, target: s.target, details });
      if (s.access.case) {
        await r.cases.addItem({
          caseId: s.access.case.id,
          kind: 'search',
          ref: s.target ?? s.action,
          details: { action: s.action, ...s.details },
          addedBy: by.name,
        });
      }
    });
  }
}

/** The case by id or number, open: a closed case takes nothing more. */
async function openCase(cases: CaseRepo, ref: string): Promise<CaseRecord> {
  const found = await cases.find(ref);
  if (!found) throw new NotFoundError(`case ${ref} not found`);
  if (found.closedAt) throw new BadInputError(`case ${found.number} is closed: it takes no more bookmarks or alerts`);
  return found;
}
