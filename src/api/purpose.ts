// Governance: every look-up states why (a case number or a reason); the stated purpose is audited.
import { z } from 'zod';

const MESSAGE = 'purpose is required: a case number or the reason for this search';

export const purposeField = z.string({ error: MESSAGE }).trim().min(3, MESSAGE);
