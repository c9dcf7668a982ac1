// Integration (a local HTTP server as the provider's discovery endpoint): signing out of Vigil sends the
// browser to the provider's end_session_endpoint only when the provider advertises one, with the id_token
// hint and the post-logout redirect; a provider without one, or one that cannot be reached, gives null
// (the Vigil session has ended either way).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsSchema } from '../config/accounts.js';
import type { AccountsContext } from './accounts-context.js';
import { OidcSignIn } from './oidc.js';

let server: Server;
let base = '';

/** Discovery documents of two providers on one server: /with ends sessions, /without does not. */
function discovery(issuer: string, endSession: boolean) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    ...(endSession ? { end_session_endpoint: `${issuer}/session/end` } : {}),
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/(with|without)\/\.well-known\/openid-configuration$/.exec(req.url ?? '');
    if (!m) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(discovery(`${base}/${m[1]}`, m[1] === 'with')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Signing out reads only the provider's metadata and the config, never the accounts store.
const noStore = {} as AccountsContext;
const provider = (issuer: string, postLogoutRedirectUrl?: string) =>
  new OidcSignIn(
    noStore,
    accountsSchema.parse({ oidc: { issuer, clientId: 'vigil', allowHttp: true, postLogoutRedirectUrl } }).oidc!,
  );

describe('OIDC sign-out', () => {
  it('sends the browser to end_session_endpoint with the id token hint and where to come back', async () => {
    const url = new URL((await provider(`${base}/with`).signOutUrl('id.token.value', 'https://vigil.example'))!);
    expect(`${url.origin}${url.pathname}`).toBe(`${base}/with/session/end`);
    expect(url.searchParams.get('id_token_hint')).toBe('id.token.value');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('https://vigil.example/');
    const configured = provider(`${base}/with`, 'https://vigil.example/signed-out');
    const next = new URL((await configured.signOutUrl(null, 'https://ignored.example'))!);
    expect(next.searchParams.get('post_logout_redirect_uri')).toBe('https://vigil.example/signed-out');
    expect(next.searchParams.has('id_token_hint')).toBe(false);
  });

  it('gives no provider URL when the provider has no end_session_endpoint, or cannot be reached', async () => {
    expect(await provider(`${base}/without`).signOutUrl('id.token.value', 'https://vigil.example')).toBeNull();
    expect(await provider('http://127.0.0.1:1/gone').signOutUrl('id.token.value', 'https://vigil.example')).toBeNull();
  });
});
