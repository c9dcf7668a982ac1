// An authorisation for live face matching: who approved it, on what legal basis, where, when, and the
// watchlist it froze at its start; with the schemas an authorisation is made and changed by.
import { z } from 'zod';

export interface Authorisation {
  id: string;
  approvedBy: string;
  legalReference: string;
  cameras: string[];
  districts: string[];
  /** ISO times, UTC. */
  startsAt: string;
  endsAt: string;
  createdBy: string;
  /** The subject ids frozen at the start (null until it first applies). */
  snapshotSubjects: string[] | null;
  snapshotHash: string | null;
  snapshotAt: string | null;
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
  createdAt: string;
  updatedAt: string;
}

const when = () => z.iso.datetime({ offset: true, error: 'an ISO date-time with a zone' });
const names = z.array(z.string().trim().min(1)).max(5000).default([]);

export const authorisationInputSchema = z
  .strictObject({
    approvedBy: z
      .string({ error: 'who approved it (name and rank or office)' })
      .trim()
      .min(3, 'who approved it (name and rank or office)')
      .max(500),
    legalReference: z
      .string({ error: 'the order, warrant or decision number' })
      .trim()
      .min(3, 'the order, warrant or decision number')
      .max(500),
    cameras: names,
    districts: names,
    startsAt: when(),
    endsAt: when(),
  })
  .refine((a) => a.cameras.length + a.districts.length > 0, {
    message: 'name the cameras or districts it covers',
    path: ['cameras'],
  })
  .refine((a) => Date.parse(a.endsAt) > Date.parse(a.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  })
  .refine((a) => Date.parse(a.endsAt) > Date.now(), { message: 'endsAt is in the past', path: ['endsAt'] });
export type AuthorisationInput = z.output<typeof authorisationInputSchema>;

export const authorisationChangeSchema = z.strictObject({
  legalReference: z.string().trim().min(3).max(500).optional(),
  cameras: z.array(z.string().trim().min(1)).max(5000).optional(),
  districts: z.array(z.string().trim().min(1)).max(5000).optional(),
  endsAt: when().optional(),
  /** Freeze the watchlist again now, so subjects listed since the start match under it too. */
  refreeze: z
    .boolean()
    .optional()
    .describe('Freeze the watchlist again now, so subjects listed since the start match under it too'),
});
export type AuthorisationChange = Omit<z.output<typeof authorisationChangeSchema>, 'refreeze'>;

/** Whether the authorisation lets face matching run on a camera (in `district`) at `at`. */
export function authorisationApplies(
  a: Authorisation,
  cameraId: string,
  district: string | undefined,
  at: number,
): boolean {
  if (a.endedAt || at < Date.parse(a.startsAt) || at >= Date.parse(a.endsAt)) return false;
  return a.cameras.includes(cameraId) || (district !== undefined && a.districts.includes(district));
}
