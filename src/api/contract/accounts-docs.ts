// RouteDocs of the accounts group: signing in and out, a user's own account and sessions, user accounts
// (admin), API tokens for devices and integrations (admin), and everyone's sessions (admin).
import { z } from 'zod';
import { userChangeSchema, userCreateSchema } from '../../accounts/user-admin.js';
import { sessionView, userView, whoView } from '../../accounts/views.js';
import { tokenCreateSchema } from '../../services/token-admin.js';
import { ROLES } from '../../store/token-repo.js';
import { sessionsQuery, tokensQuery } from '../routes/admin.js';
import { codeBody, passwordBody, signInBody } from '../routes/session.js';
import { usersQuery } from '../routes/users.js';
import { idParams, isoTime, type RouteDoc } from './route-doc.js';

const ADMIN = ['admin'] as const;
const tags = ['accounts'];
/** Sign-in answers: 401 with `reason` (wrong, locked, totp-required, totp-wrong, disabled) the page acts on. */
const NO_ACCOUNT = 'A bearer token has no account: these answer 409 to tokens.';

const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  subject: z.string().nullable(),
  createdAt: isoTime,
  revokedAt: isoTime.nullable(),
});
const userWithPassword = z.object({
  user: userView,
  oneTimePassword: z
    .string()
    .describe('The first password, shown in this answer only; it must be changed at the first sign-in'),
});

const session: RouteDoc[] = [
  {
    method: 'get',
    path: '/session/options',
    tags,
    roles: 'any',
    summary: 'How one may sign in here (no credentials needed)',
    description: 'Answers without credentials.',
    responses: {
      200: {
        description: 'Password sign-in, and the identity provider when configured',
        schema: z.object({ password: z.boolean(), oidc: z.object({ label: z.string() }).nullable() }),
      },
    },
  },
  {
    method: 'post',
    path: '/session/sign-in',
    tags,
    roles: 'any',
    errors: [400, 429],
    summary: 'Sign in with username and password (and the TOTP code when the account has one)',
    description:
      'Answers without credentials. Sets the HttpOnly SameSite=Strict session cookie and the readable CSRF cookie. A 401 carries `reason`: wrong, locked (with when to try again), totp-required, totp-wrong, disabled. Refused (403) when sent from another origin; 429 with Retry-After when this address made more than accounts.signInRate.maxAttempts attempts in the window (shared by every API node). Audited: signin, signin.failure, account.lock, signin.rate-limited (once per window).',
    body: { schema: signInBody },
    responses: { 200: { description: 'Signed in: who, and what must be done first (`restriction`)', schema: whoView } },
  },
  {
    method: 'get',
    path: '/session/oidc/start',
    tags,
    roles: 'any',
    errors: [503],
    summary: "Sign in through the force's identity provider: redirects there (authorization code + PKCE)",
    description: 'Answers without credentials; 503 when accounts.oidc is not configured.',
    responses: { 302: { description: "To the provider's authorization endpoint" } },
  },
  {
    method: 'get',
    path: '/session/oidc/callback',
    tags,
    roles: 'any',
    errors: [503],
    summary: 'Where the identity provider sends the browser back: opens the session, then to the page',
    description: 'Answers without credentials. On a refusal, redirects to /?signinError=<message>.',
    responses: { 302: { description: 'To the page, signed in (or with signinError)' } },
  },
  {
    method: 'get',
    path: '/session',
    tags,
    roles: 'any',
    summary: 'Who the caller is (user session or token), their roles and scope, the time zone, the CSRF token',
    responses: { 200: { description: 'The caller', schema: whoView } },
  },
  {
    method: 'post',
    path: '/session/sign-out',
    tags,
    roles: 'any',
    errors: [409],
    description: `${NO_ACCOUNT} For a session from the identity provider that advertises an end_session_endpoint, providerSignOutUrl is where the browser goes next to end the provider's session too (id_token_hint, post_logout_redirect_uri); null otherwise.`,
    summary: 'End this session and clear its cookies; audited (session.signout)',
    responses: {
      200: {
        description: 'Signed out',
        schema: z.object({ signedOut: z.literal(true), providerSignOutUrl: z.string().nullable() }),
      },
    },
  },
  {
    method: 'post',
    path: '/session/password',
    tags,
    roles: 'any',
    errors: [400, 409],
    description: `${NO_ACCOUNT} Ends the user's other sessions; audited (user.password-change).`,
    summary: 'Change the own password (a first password must be changed before anything else)',
    body: { schema: passwordBody },
    responses: { 200: { description: 'Changed', schema: z.object({ changed: z.literal(true) }) } },
  },
  {
    method: 'post',
    path: '/session/totp',
    tags,
    roles: 'any',
    errors: [409, 503],
    description: `${NO_ACCOUNT} The secret is stored sealed (AES-256-GCM under VIGIL_TOTP_KEY); 503 when the node has no VIGIL_TOTP_KEY.`,
    summary: 'Start TOTP enrolment: a new secret, pending until a code of it is confirmed',
    responses: {
      201: {
        description:
          'The secret, its otpauth:// URI for an authenticator app, and that URI as a QR code (an SVG document)',
        schema: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }),
      },
    },
  },
  {
    method: 'post',
    path: '/session/totp/confirm',
    tags,
    roles: 'any',
    errors: [400, 409],
    description: `${NO_ACCOUNT} Audited (user.totp-enable).`,
    summary: 'Confirm TOTP enrolment with a current code',
    body: { schema: codeBody },
    responses: { 200: { description: 'TOTP is on', schema: z.object({ totpEnabled: z.literal(true) }) } },
  },
  {
    method: 'post',
    path: '/session/totp/remove',
    tags,
    roles: 'any',
    errors: [400, 409],
    description: `${NO_ACCOUNT} Refused (403) when a role requires TOTP. Audited (user.totp-disable).`,
    summary: 'Turn TOTP off with a current code',
    body: { schema: codeBody },
    responses: { 200: { description: 'TOTP is off', schema: z.object({ totpEnabled: z.literal(false) }) } },
  },
  {
    method: 'get',
    path: '/session/sessions',
    tags,
    roles: 'any',
    errors: [409],
    description: NO_ACCOUNT,
    summary: "The user's own live sessions (devices), this one marked current",
    responses: { 200: { description: 'Live sessions', schema: z.object({ sessions: z.array(sessionView) }) } },
  },
  {
    method: 'delete',
    path: '/session/sessions/{id}',
    tags,
    roles: 'any',
    params: idParams,
    errors: [404, 409],
    description: `${NO_ACCOUNT} Audited (session.revoke).`,
    summary: 'Revoke one of the own sessions (a lost phone)',
    responses: { 200: { description: 'The session revoked', schema: z.object({ revoked: sessionView }) } },
  },
];

const users: RouteDoc[] = [
  {
    method: 'get',
    path: '/users',
    tags,
    roles: ADMIN,
    query: usersQuery,
    errors: [400],
    summary: 'Every user account',
    responses: { 200: { description: 'Users by username', schema: z.object({ users: z.array(userView) }) } },
  },
  {
    method: 'post',
    path: '/users',
    tags,
    roles: ADMIN,
    errors: [400, 409],
    summary: 'Create a user account with a one-time first password; audited (user.create)',
    body: { schema: userCreateSchema },
    responses: { 201: { description: 'The account and its one-time password', schema: userWithPassword } },
  },
  {
    method: 'get',
    path: '/users/{id}',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: 'One user account',
    responses: { 200: { description: 'The account', schema: userView } },
  },
  {
    method: 'patch',
    path: '/users/{id}',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [400, 404],
    summary:
      'Change roles, scope, subject or display name; applies to live sessions at once; audited (user.roles-change, user.scope-change, user.update)',
    body: { schema: userChangeSchema },
    responses: { 200: { description: 'The account after the change', schema: userView } },
  },
  {
    method: 'post',
    path: '/users/{id}/password-reset',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404, 409],
    summary: "A new one-time password; ends the user's sessions; audited (user.password-reset)",
    responses: { 200: { description: 'The account and its new one-time password', schema: userWithPassword } },
  },
  {
    method: 'post',
    path: '/users/{id}/unlock',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: 'Lift a lockout; audited (account.unlock)',
    responses: { 200: { description: 'The account', schema: userView } },
  },
  {
    method: 'post',
    path: '/users/{id}/disable',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: 'Disable an account and end its sessions; audited (user.disable)',
    responses: { 200: { description: 'The account', schema: userView } },
  },
  {
    method: 'post',
    path: '/users/{id}/enable',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: 'Enable a disabled account; audited (user.enable)',
    responses: { 200: { description: 'The account', schema: userView } },
  },
  {
    method: 'delete',
    path: '/users/{id}/totp',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: "Clear a user's TOTP (a lost phone); audited (user.totp-clear)",
    responses: { 200: { description: 'The account', schema: userView } },
  },
];

const admin: RouteDoc[] = [
  {
    method: 'post',
    path: '/admin/tokens',
    tags,
    roles: ADMIN,
    errors: [400],
    summary:
      'Create an API token for a device or integration; the secret is in this answer only; audited (token.create)',
    body: { schema: tokenCreateSchema },
    responses: {
      201: {
        description: 'The token',
        schema: z.object({
          token: z.string(),
          id: z.string(),
          name: z.string(),
          role: z.enum(ROLES),
          subject: z.string().nullable(),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/admin/tokens',
    tags,
    roles: ADMIN,
    errors: [400],
    summary: 'API tokens, newest first (never their secrets)',
    query: tokensQuery,
    responses: { 200: { description: 'Tokens', schema: z.object({ tokens: z.array(tokenView) }) } },
  },
  {
    method: 'delete',
    path: '/admin/tokens/{id}',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: 'Revoke a token; audited (token.revoke)',
    responses: { 200: { description: 'The token revoked', schema: z.object({ revoked: tokenView }) } },
  },
  {
    method: 'get',
    path: '/admin/sessions',
    tags,
    roles: ADMIN,
    query: sessionsQuery,
    errors: [400],
    summary: "Every user's live sessions",
    responses: { 200: { description: 'Live sessions', schema: z.object({ sessions: z.array(sessionView) }) } },
  },
  {
    method: 'delete',
    path: '/admin/sessions/{id}',
    tags,
    roles: ADMIN,
    params: idParams,
    errors: [404],
    summary: "Revoke anyone's session; audited (session.revoke)",
    responses: { 200: { description: 'The session revoked', schema: z.object({ revoked: sessionView }) } },
  },
];

export const docs: RouteDoc[] = [...session, ...users, ...admin];
