// Sign-in through the force's identity provider: OpenID Connect authorization code flow with PKCE (S256),
// state and nonce, through openid-client (panva's certified client). Claims map to roles and scope by config;
// an account is made at the first sign-in and its roles and scope follow the provider at each one after;
// signing out sends the browser to the provider's end_session_endpoint when it has one.
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import type { OidcConfig } from '../config/accounts.js';
import type { Scope } from '../domain/scope.js';
import { ConflictError, ForbiddenError, UnauthenticatedError } from '../lib/errors.js';
import { ROLES, type Role } from '../store/token-repo.js';
import { type AccountsContext, sameScope, sortRoles } from './accounts-context.js';
import { openSession, type Opened } from './sign-in.js';
import type { UserRecord } from './user-repo.js';

/** What the browser keeps (HttpOnly cookie) between the redirect to the provider and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  /** The redirect_uri sent; the token request must send the same. */
  redirectUri: string;
}

type Claims = Record<string, unknown>;

const list = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? v.split(/[\s,]+/).filter(Boolean)
      : [];
const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** Roles, scope and subject from the claims; null roles when no claim value maps to a role. */
export function mapClaims(
  claims: Claims,
  cfg: OidcConfig,
): { roles: Role[]; scope: Scope | null; subject: string | null } {
  const roles = sortRoles(
    uniq(
      list(claims[cfg.rolesClaim])
        .map((v) => cfg.roleMap[v])
        .filter((r): r is Role => !!r && (ROLES as readonly string[]).includes(r)),
    ),
  );
  const scopes = list(claims[cfg.scopeClaim])
    .map((v) => cfg.scopeMap[v])
    .filter((s) => !!s);
  const scope = scopes.length
    ? {
        districts: uniq(scopes.flatMap((s) => s.districts)).sort(),
        cameras: uniq(scopes.flatMap((s) => s.cameras)).sort(),
      }
    : cfg.defaultScope;
  const subject =
    cfg.subjectClaim && typeof claims[cfg.subjectClaim] === 'string' ? (claims[cfg.subjectClaim] as string) : null;
  return { roles, scope, subject };
}

export class OidcSignIn {
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    private readonly ctx: AccountsContext,
    readonly cfg: OidcConfig,
  ) {}

  private configuration(): Promise<client.Configuration> {
    this.discovered ??= (async () => {
      const secret = this.cfg.clientSecretFile ? readFileSync(this.cfg.clientSecretFile, 'utf8').trim() : undefined;
      const auth = secret ? client.ClientSecretPost(secret) : client.None();
      const options = this.cfg.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined;
      return client.discovery(
        new URL(this.cfg.issuer),
        this.cfg.clientId,
        secret ? { client_secret: secret } : undefined,
        auth,
        options,
      );
    })().catch((err: unknown) => {
      this.discovered = null; // the provider may be back next time
      throw new UnauthenticatedError(
        `the identity provider ${this.cfg.issuer} cannot be reached (${(err as Error).message})`,
      );
    });
    return this.discovered;
  }

  /** Where to send the browser, and what it must bring back; `origin` is the browser's, for the default redirect URL. */
  async start(origin: string): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.configuration();
    const redirectUri = this.cfg.redirectUrl ?? `${origin}/api/v1/session/oidc/callback`;
    const pending = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      redirectUri,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.cfg.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchanges the code (checking state, nonce and PKCE), maps the claims, and opens a session. */
  async callback(
    search: string,
    pending: OidcPending,
    from: { ip: string | null; userAgent: string | null },
  ): Promise<Opened> {
    const config = await this.configuration();
    // The redirect URL sent at the start with the provider's answer: right even behind a proxy that rewrote the host.
    const current = new URL(pending.redirectUri);
    current.search = search;
    let claims: Claims;
    let idToken: string | null = null;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
      claims = { ...(tokens.claims() ?? {}) };
      idToken = tokens.id_token ?? null;
      if (config.serverMetadata().userinfo_endpoint) {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
      }
    } catch (err) {
      await this.ctx.tx(({ audit }) =>
        audit({
          actor: 'oidc',
          role: 'none',
          action: 'signin.failure',
          target: null,
          details: { method: 'oidc', reason: (err as Error).message, ip: from.ip },
        }),
      );
      throw new UnauthenticatedError(`sign-in through the identity provider failed: ${(err as Error).message}`);
    }
    const user = await this.account(claims, from.ip);
    return this.ctx.tx(async ({ sessions, audit }) => {
      const opened = await openSession(this.ctx, sessions, user, 'oidc', from, idToken);
      await audit({
        actor: user.username,
        role: user.roles[0],
        action: 'signin',
        target: user.id,
        details: { session: opened.session.id, method: 'oidc', issuer: this.cfg.issuer, ip: from.ip },
      });
      return { ...opened, user };
    });
  }

  /**
   * Where to send the browser so the provider ends its session too (RP-initiated logout), or null when the
   * provider advertises no end_session_endpoint (or cannot be reached: the Vigil session has ended anyway).
   */
  async signOutUrl(idToken: string | null, origin: string): Promise<string | null> {
    const config = await this.configuration().catch(() => null);
    if (!config?.serverMetadata().end_session_endpoint) return null;
    const params: Record<string, string> = {
      post_logout_redirect_uri: this.cfg.postLogoutRedirectUrl ?? `${origin}/`,
    };
    if (idToken) params.id_token_hint = idToken;
    return client.buildEndSessionUrl(config, params).href;
  }

  /** The account of this identity: made at its first sign-in, its roles and scope updated from the claims after. */
  private async account(claims: Claims, ip: string | null): Promise<UserRecord> {
    const sub = String(claims.sub);
    const username = String(claims[this.cfg.usernameClaim] ?? '')
      .trim()
      .toLowerCase();
    const mapped = mapClaims(claims, this.cfg);
    const refuse = async (reason: string, err: Error) => {
      await this.ctx.tx(({ audit }) =>
        audit({
          actor: username || `oidc:${sub}`,
          role: 'none',
          action: 'signin.failure',
          target: null,
          details: { method: 'oidc', reason, ip },
        }),
      );
      throw err;
    };
    if (!/^[a-z0-9][a-z0-9._@-]{1,63}$/.test(username))
      return refuse(
        'no usable username claim',
        new ForbiddenError(`the identity provider sent no usable ${this.cfg.usernameClaim} claim`),
      );
    if (!mapped.roles.length)
      return refuse(
        'no role',
        new ForbiddenError(
          `the identity provider grants ${username} no Vigil role (claim ${this.cfg.rolesClaim}): ask an administrator`,
        ),
      );
    const displayName = String(claims[this.cfg.displayNameClaim] ?? username).slice(0, 200);
    return this.ctx.tx(async ({ users, audit }) => {
      const known = await users.byOidc(this.cfg.issuer, sub);
      const by = { actor: `oidc:${this.cfg.issuer}`, role: 'admin' };
      if (!known) {
        if (await users.byUsername(username))
          throw new ConflictError(
            `a local account is already called ${username}: an administrator must rename one of them`,
          );
        const made = await users.create({
          username,
          displayName,
          roles: mapped.roles,
          subject: mapped.subject,
          scope: mapped.scope,
          passwordHash: null,
          mustChangePassword: false,
          oidc: { issuer: this.cfg.issuer, subject: sub },
        });
        await audit({
          ...by,
          action: 'user.create',
          target: made.id,
          details: { username, roles: made.roles, scope: made.scope, subject: made.subject, method: 'oidc' },
        });
        return made;
      }
      if (known.disabledAt)
        throw new UnauthenticatedError('this account is disabled: ask an administrator', {
          extra: { reason: 'disabled' },
        });
      const after = (await users.update(known.id, {
        displayName,
        roles: mapped.roles,
        scope: mapped.scope,
        subject: mapped.subject,
      }))!;
      if (JSON.stringify(known.roles) !== JSON.stringify(after.roles))
        await audit({
          ...by,
          action: 'user.roles-change',
          target: known.id,
          details: { username, before: known.roles, after: after.roles, method: 'oidc' },
        });
      if (!sameScope(known.scope, after.scope))
        await audit({
          ...by,
          action: 'user.scope-change',
          target: known.id,
          details: { username, before: known.scope, after: after.scope, method: 'oidc' },
        });
      return after;
    });
  }
}
