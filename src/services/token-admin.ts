// Creating and revoking API tokens, each audited in the same transaction as the change: never one without the other.
// Used by the API (a running node) and by `vigil tokens create` when it opens a stopped node's database itself.
import { z } from 'zod';
import { AuditRepo } from '../store/audit-repo.js';
import { ROLES, type Principal, type TokenRepo, type TokenView } from '../store/token-repo.js';

/** The body of POST /admin/tokens and the options of `vigil tokens create`. */
export const tokenCreateSchema = z
  .strictObject({
    role: z.enum(ROLES),
    /** Who or what the token is for (a person, a unit's device, a script); shown in the audit log. */
    name: z.string().trim().min(1).max(200),
    /** The unit id of a unit token, the checkpoint camera id of a checkpoint token; others have none. */
    subject: z.string().trim().min(1).max(200).nullish(),
  })
  .refine((b) => !(b.role === 'unit' || b.role === 'checkpoint') || b.subject, {
    path: ['subject'],
    message: 'a unit token needs the unit id, a checkpoint token the checkpoint camera id',
  });
export type TokenCreate = z.output<typeof tokenCreateSchema>;

/** Who made the change, as the audit log records it. */
export interface Actor {
  name: string;
  role: string;
}

/** Creates a token and its `token.create` audit entry together; returns the secret, which is not kept. */
export async function createToken(
  tokens: TokenRepo,
  input: TokenCreate,
  by: Actor,
): Promise<{ token: string; principal: Principal }> {
  const subject = input.subject ?? null;
  return tokens.db.tx(async (t) => {
    const made = await tokens.on(t).create(input.name, input.role, subject);
    await new AuditRepo(t).append({
      actor: by.name,
      role: by.role,
      action: 'token.create',
      target: made.principal.tokenId,
      details: { name: input.name, role: input.role, subject },
    });
    return made;
  });
}

/** Revokes a live token with its `token.revoke` audit entry; null (and nothing audited) when there is none. */
export async function revokeToken(tokens: TokenRepo, id: string, by: Actor): Promise<TokenView | null> {
  return tokens.db.tx(async (t) => {
    const revoked = await tokens.on(t).revoke(id);
    if (revoked) {
      await new AuditRepo(t).append({
        actor: by.name,
        role: by.role,
        action: 'token.revoke',
        target: id,
        details: { name: revoked.name, role: revoked.role, subject: revoked.subject },
      });
    }
    return revoked;
  });
}
