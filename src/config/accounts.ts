// The `accounts:` block of the YAML config: password policy and hashing, lockout, sessions, TOTP, OpenID Connect.
import { z } from 'zod';
import { ROLES } from '../store/token-repo.js';

const role = z.enum(ROLES);
const scopeSchema = z.strictObject({
  districts: z.array(z.string().min(1)).default([]),
  cameras: z.array(z.string().min(1)).default([]),
});

const oidcSchema = z.strictObject({
  /** The identity provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in. */
  issuer: z.url(),
  clientId: z.string().min(1),
  /** A file holding the client secret (never the secret in YAML). Without it Vigil is a public client (PKCE only). */
  clientSecretFile: z.string().min(1).optional(),
  /**
   * The callback URL registered at the provider: <public origin>/api/v1/session/oidc/callback. Default: made
   * from the origin the browser used (X-Forwarded-Proto/-Host from a server.trustedProxies proxy), which must then be registered.
   */
  redirectUrl: z.url().optional(),
  /**
   * Where the provider sends the browser after signing out there (post_logout_redirect_uri, to register at
   * the provider). Default: the origin the browser used + '/'.
   */
  postLogoutRedirectUrl: z.url().optional(),
  /** Shown on the sign-in button. */
  label: z.string().min(1).default('Single sign-on'),
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** Claim that becomes the Vigil username (lower-cased). */
  usernameClaim: z.string().min(1).default('preferred_username'),
  displayNameClaim: z.string().min(1).default('name'),
  /** Claim (a string or a list of strings, e.g. groups) whose values roleMap turns into roles. */
  rolesClaim: z.string().min(1).default('groups'),
  /** Claim value -> Vigil role. A user none of whose values maps is refused. */
  roleMap: z.record(z.string(), role).default({}),
  /** Claim (string or list) whose values scopeMap turns into a scope; several values add up. */
  scopeClaim: z.string().min(1).default('groups'),
  /** Claim value -> districts/cameras. A user whose values map to nothing here gets `defaultScope`. */
  scopeMap: z.record(z.string(), scopeSchema).default({}),
  /** Scope of a user no scopeMap value matched; null: everywhere. Default: nowhere (empty lists). */
  defaultScope: scopeSchema.nullable().default({ districts: [], cameras: [] }),
  /** Claim holding a unit id (patrol officers) or checkpoint camera id, for roles unit and checkpoint. */
  subjectClaim: z.string().min(1).optional(),
  /** Plain-http issuer allowed (a test provider on loopback); never in production. */
  allowHttp: z.boolean().default(false),
});

export const accountsSchema = z.strictObject({
  password: z
    .strictObject({
      /** Shortest password accepted (NIST SP 800-63B: length over composition rules). */
      minLength: z.number().int().min(8).max(128).default(12),
      maxLength: z.number().int().min(16).max(1024).default(256),
      /** At least this many different characters ('aaaaaaaaaaaa' is not a password). */
      minDistinct: z.number().int().min(1).max(32).default(6),
    })
    .prefault({}),
  /**
   * scrypt cost: N (power of two), r, p. Memory is 128 x N x r bytes. Default N 2^17, r 8, p 1 (OWASP's
   * minimum): 128 MiB per hash; 2.3 s on this 2-core machine at load 23 (N 2^14: 0.2 s), a fraction unloaded.
   * Hashes run on libuv's 4 threads, so concurrent sign-ins hold at most 512 MiB.
   */
  scrypt: z
    .strictObject({
      N: z
        .number()
        .int()
        .min(1024)
        .max(2 ** 20)
        .refine((n) => (n & (n - 1)) === 0, 'a power of two')
        .default(2 ** 17),
      r: z.number().int().min(1).max(32).default(8),
      p: z.number().int().min(1).max(16).default(1),
    })
    .prefault({}),
  lockout: z
    .strictObject({
      /** Failed sign-ins in a row that lock the account. */
      maxFailures: z.number().int().min(1).max(100).default(5),
      /** How long a locked account stays locked (an admin can unlock it sooner). */
      lockMinutes: z
        .number()
        .min(0.01)
        .max(24 * 60)
        .default(15),
    })
    .prefault({}),
  /**
   * Sign-in attempts per client address (beside the per-account lockout: one address trying many usernames),
   * counted in Redis under the deployment's prefix so every API node shares the count. Fixed windows.
   */
  signInRate: z
    .strictObject({
      /** Attempts (password or TOTP, right or wrong) one address may make per window; 0 switches the limit off. */
      maxAttempts: z.number().int().min(0).max(100_000).default(30),
      windowSeconds: z.number().int().min(1).max(86_400).default(600),
    })
    .prefault({}),
  session: z
    .strictObject({
      /** A session unused this long ends. */
      idleMinutes: z
        .number()
        .min(0.01)
        .max(24 * 60)
        .default(30),
      /** A session ends this long after sign-in whatever its use (one shift). */
      absoluteHours: z
        .number()
        .min(0.001)
        .max(24 * 30)
        .default(12),
      /** The cookie's Secure flag: auto = when the request came over https (or X-Forwarded-Proto https from a trusted proxy). */
      secureCookie: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    })
    .prefault({}),
  totp: z
    .strictObject({
      /** Roles whose users must have a TOTP second factor: they enrol at their first sign-in before anything else. */
      requiredFor: z.array(role).default([]),
      /** Shown in the authenticator app. */
      issuer: z.string().min(1).default('Vigil'),
    })
    .prefault({}),
  /** Sign-in through the force's identity provider; off without it. */
  oidc: oidcSchema.optional(),
});

export type AccountsConfig = z.infer<typeof accountsSchema>;
export type OidcConfig = z.infer<typeof oidcSchema>;
