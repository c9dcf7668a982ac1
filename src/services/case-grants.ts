// What a case lets its investigators search beyond their own scope: set by an admin with a reason, audited in the same transaction.
import type { Scope } from '../domain/scope.js';
import { NotFoundError } from '../lib/errors.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { CaseRecord, CaseRepo } from '../store/case-repo.js';
import type { Principal } from '../store/token-repo.js';

/** Replaces the case's grant (empty lists take it back); the audit entry names the before and after. */
export async function setCaseGrants(
  deps: { cases: CaseRepo; audit: AuditRepo },
  caseRef: string,
  grants: Scope,
  reason: string,
  by: Principal,
): Promise<CaseRecord> {
  return deps.cases.db.tx(async (t) => {
    const cases = deps.cases.on(t);
    const found = await cases.find(caseRef);
    if (!found || found.closedAt) throw new NotFoundError(`open case ${caseRef} not found`);
    const updated = (await cases.setGrants(found.id, grants)) as CaseRecord;
    await deps.audit.on(t).append({
      actor: by.name,
      role: by.role,
      action: 'case.grants',
      target: found.id,
      details: { number: found.number, before: found.grants, after: updated.grants, reason },
    });
    return updated;
  });
}
