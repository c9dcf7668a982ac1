// The accounts capability as the API and the CLI hold it: the context (repositories, config, clock) and OIDC.
import type { AccountsConfig } from '../config/accounts.js';
import type { Db } from '../store/db.js';
import { AccountsContext } from './accounts-context.js';
import { OidcSignIn } from './oidc.js';
import { resolveSession, resolveSessionId, type Resolved } from './sign-in.js';

export class Accounts {
  readonly ctx: AccountsContext;
  /** Null when accounts.oidc is not configured. */
  readonly oidc: OidcSignIn | null;

  /** totpKey: VIGIL_TOTP_KEY, which seals TOTP secrets at rest (no TOTP enrolment without it). */
  constructor(db: Db, config: AccountsConfig, now?: () => Date, totpKey?: string) {
    this.ctx = new AccountsContext(db, config, now, totpKey);
    this.oidc = config.oidc ? new OidcSignIn(this.ctx, config.oidc) : null;
  }

  resolve(secret: string): Promise<Resolved> {
    return resolveSession(this.ctx, secret);
  }

  resolveId(id: string): Promise<Resolved> {
    return resolveSessionId(this.ctx, id);
  }
}
