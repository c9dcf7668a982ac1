// The footage API's request schemas and its governance rule: every search, playback and export states a
// purpose or a case number, checked here and carried into the audit log and the case file.
import { z } from 'zod';
import type { CaseRecord, CaseRepo } from '../store/case-repo.js';

const PURPOSE_HELP =
  'a purpose is required: give purpose=<why you need this footage> (at least 3 characters) or case=<case number>';
const isoTime = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name}: expected an ISO time with a zone, e.g. 2026-11-24T10:00:00+08:00` });

/** purpose and case as query parameters or body fields; which of them is required is checked by resolveAccess. */
const why = {
  purpose: z.string().trim().max(500).optional(),
  case: z.string().trim().min(1).max(100).optional(),
};

export const rangeQuery = z
  .strictObject({ from: isoTime('from'), to: isoTime('to'), ...why })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] });

export const whyQuery = z.strictObject(why);

export const exportBody = z
  .strictObject({
    cameras: z.array(z.string().min(1)).min(1, 'name at least one camera').max(32),
    from: isoTime('from'),
    to: isoTime('to'),
    ...why,
  })
  .refine((b) => Date.parse(b.to) > Date.parse(b.from), { message: 'to must be after from', path: ['to'] });

export const caseBody = z.strictObject({
  number: z.string().trim().min(1, 'number: the case number').max(100),
  title: z.string().trim().min(1, 'title: what the case is about').max(500),
});

export const bookmarkBody = z
  .strictObject({
    camera: z.string().min(1),
    from: isoTime('from'),
    to: isoTime('to'),
    note: z.string().trim().min(1, 'note: say what is in this footage').max(2000),
  })
  .refine((b) => Date.parse(b.to) > Date.parse(b.from), { message: 'to must be after from', path: ['to'] });

export const alertLinkBody = z.strictObject({
  alert: z.uuid('alert: an alert id'),
  note: z.string().trim().max(2000).optional(),
});

export const reasonBody = z.strictObject({
  reason: z.string().trim().min(3, 'reason: say why (at least 3 characters)').max(2000),
});

export interface Access {
  /** The stated purpose, or "case <number>" when only a case was given. */
  purpose: string;
  case: CaseRecord | null;
}

/** Why the request was refused: a 400 with a message that says what to send. */
export class AccessRefused extends Error {
  override name = 'AccessRefused';
}

export async function resolveAccess(
  q: { purpose?: string; case?: string },
  cases: Pick<CaseRepo, 'find'>,
): Promise<Access> {
  let found: CaseRecord | null = null;
  if (q.case) {
    found = await cases.find(q.case);
    if (!found)
      throw new AccessRefused(`case ${q.case} not found: open it first with POST /cases, or give a purpose instead`);
    if (found.closedAt) throw new AccessRefused(`case ${found.number} is closed: footage cannot be gathered under it`);
  }
  const purpose = q.purpose ?? '';
  if (!found && purpose.length < 3) throw new AccessRefused(PURPOSE_HELP);
  return { purpose: purpose.length >= 3 ? purpose : `case ${found?.number}`, case: found };
}

/**
 * A player fetches one video in many range requests; only the first (no Range, or from byte 0) opens a
 * viewing and is audited, the continuations belong to it.
 */
export function opensViewing(rangeHeader: string | undefined): boolean {
  const start = rangeHeader ? /^bytes=\s*(\d*)\s*-/i.exec(rangeHeader)?.[1] : undefined;
  return start === undefined || start === '' || Number(start) === 0;
}
