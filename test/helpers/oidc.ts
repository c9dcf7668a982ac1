// A real OpenID Connect provider for tests (oidc-provider, its dev login form: any login is that account),
// on a port picked before the node starts, so the node's config can name it as issuer.
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../../src/lib/redis-server.js';

export interface TestIdp {
  issuer: string;
  /** Starts serving; `redirectUri` is the node's callback, the one redirect URL the client may use. */
  start(redirectUri: string): Promise<void>;
  stop(): Promise<void>;
}

/** Claims of each login the tests sign in as (anything else has a name and no groups). */
export type Directory = Record<string, Record<string, unknown>>;

export async function testIdp(directory: Directory): Promise<TestIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let server: Server | null = null;
  return {
    issuer,
    async start(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: 'vigil',
            token_endpoint_auth_method: 'none',
            redirect_uris: [redirectUri],
            // The node's page: where the provider sends the browser after an RP-initiated logout.
            post_logout_redirect_uris: [`${new URL(redirectUri).origin}/`],
            response_types: ['code'],
            grant_types: ['authorization_code'],
          },
        ],
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
        scopes: ['openid', 'profile', 'groups'],
        cookies: { keys: ['vigil-test-idp-cookie-key'] },
        async findAccount(_ctx: unknown, sub: string) {
          return {
            accountId: sub,
            claims: () => ({ sub, preferred_username: sub, name: sub, groups: [], ...(directory[sub] ?? {}) }),
          };
        },
      });
      server = provider.listen(port, '127.0.0.1');
      await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
