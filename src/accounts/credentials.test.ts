// Unit tests of the credential rules: scrypt hashes, the password policy, lockout arithmetic, TOTP codes.
import { describe, expect, it } from 'vitest';
import { accountsSchema } from '../config/accounts.js';
import { afterFailure, lockedMessage, lockedUntil } from './lockout.js';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import { oneTimePassword, passwordProblem } from './password-policy.js';
import { acceptTotp, newTotpSecret, totpCode, totpUri } from './totp.js';
import { mapClaims } from './oidc.js';

const cfg = accountsSchema.parse({});
const cheap = { N: 1024, r: 8, p: 1 };

describe('password hashes (scrypt)', () => {
  it('verifies the password it was made from and nothing else; salts differ', async () => {
    const a = await hashPassword('correct horse battery', cheap);
    const b = await hashPassword('correct horse battery', cheap);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'scrypt$x$8$1$aa$bb')).toBe(false);
    expect(await verifyPassword('', 'plain')).toBe(false);
  });

  it('the configured default is memory-hard: 128 MiB (128 x N x r) and verifies', async () => {
    expect(128 * cfg.scrypt.N * cfg.scrypt.r).toBe(128 * 1024 * 1024);
    const h = await hashPassword('a long enough password', cfg.scrypt);
    expect(await verifyPassword('a long enough password', h)).toBe(true);
  });

  it('asks for a re-hash when the stored cost is below the configured one', async () => {
    const h = await hashPassword('x', cheap);
    expect(needsRehash(h, cheap)).toBe(false);
    expect(needsRehash(h, { ...cheap, N: 2048 })).toBe(true);
  });
});

describe('password policy', () => {
  const who = { username: 'wang.li', displayName: 'Wang Li' };
  it('names what is wrong', () => {
    expect(passwordProblem('short1!', cfg.password, who)).toMatch(/at least 12 characters/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa', cfg.password, who)).toMatch(/different characters/);
    expect(passwordProblem('Password123!', cfg.password, who)).toMatch(/well-known/);
    expect(passwordProblem('my-wang.li-secret-x', cfg.password, who)).toMatch(/username/);
    expect(passwordProblem('x'.repeat(300), cfg.password, who)).toMatch(/at most 256/);
    expect(passwordProblem('tide lantern 47 orchard', cfg.password, who)).toBeNull();
  });
  it('one-time passwords pass the default policy', () => {
    for (let i = 0; i < 50; i++) expect(passwordProblem(oneTimePassword(), cfg.password, who)).toBeNull();
  });
});

describe('lockout', () => {
  const policy = { maxFailures: 3, lockMinutes: 10 };
  const t0 = new Date('2026-12-01T08:00:00Z');
  it('locks at the Nth failure in a row, for lockMinutes, then counts afresh', () => {
    let s = { failedAttempts: 0, lockedUntil: null as Date | null };
    s = afterFailure(s, policy, t0);
    s = afterFailure(s, policy, t0);
    expect(s).toMatchObject({ failedAttempts: 2, lockedUntil: null });
    const third = afterFailure(s, policy, t0);
    expect(third.locked).toBe(true);
    expect(third.lockedUntil).toEqual(new Date(t0.getTime() + 10 * 60_000));
    expect(lockedUntil(third, new Date(t0.getTime() + 9 * 60_000))).not.toBeNull();
    const later = new Date(t0.getTime() + 11 * 60_000);
    expect(lockedUntil(third, later)).toBeNull();
    expect(afterFailure(third, policy, later)).toMatchObject({ failedAttempts: 1, locked: false });
  });
  it('says when to try again', () => {
    expect(lockedMessage(new Date(t0.getTime() + 90_000), t0)).toMatch(
      /locked .* try again in 2 minutes .*administrator/,
    );
  });
});

describe('TOTP', () => {
  const secret = newTotpSecret();
  const now = Date.parse('2026-12-01T08:00:10Z');
  it('accepts the current code and its neighbours, refuses others and replays', () => {
    const step = Math.floor(now / 30_000);
    expect(acceptTotp(secret, totpCode(secret, now), null, now)).toBe(step);
    expect(acceptTotp(secret, totpCode(secret, now - 30_000), null, now)).toBe(step - 1);
    expect(acceptTotp(secret, totpCode(secret, now - 90_000), null, now)).toBeNull();
    expect(acceptTotp(secret, totpCode(secret, now), step, now)).toBeNull();
    expect(acceptTotp(secret, 'abcdef', null, now)).toBeNull();
    const wrong = String((Number(totpCode(secret, now)) + 1) % 1_000_000).padStart(6, '0');
    expect(acceptTotp(secret, wrong, null, now)).toBeNull();
  });
  it('gives an otpauth URI for the app', () => {
    expect(totpUri(secret, 'wang.li', 'Vigil')).toMatch(/^otpauth:\/\/totp\/Vigil:wang\.li\?.*secret=[A-Z2-7]+/);
  });
});

describe('OIDC claim mapping', () => {
  const oidc = accountsSchema.parse({
    oidc: {
      issuer: 'https://idp.example',
      clientId: 'vigil',
      redirectUrl: 'https://vigil.example/api/v1/session/oidc/callback',
      roleMap: { 'vigil-operators': 'operator', 'vigil-admins': 'admin' },
      scopeMap: { 'district-a': { districts: ['a'] }, 'cam-x': { cameras: ['x'] } },
    },
  }).oidc!;
  it('maps groups to roles and adds up scopes; unmapped groups grant nothing', () => {
    expect(mapClaims({ groups: ['vigil-operators', 'district-a', 'cam-x', 'other'] }, oidc)).toEqual({
      roles: ['operator'],
      scope: { districts: ['a'], cameras: ['x'] },
      subject: null,
    });
    expect(mapClaims({ groups: 'staff' }, oidc)).toEqual({
      roles: [],
      scope: { districts: [], cameras: [] },
      subject: null,
    });
  });
});
