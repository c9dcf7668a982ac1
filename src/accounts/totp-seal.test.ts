import { describe, expect, it } from 'vitest';
import { AccountsContext } from './accounts-context.js';
import { accountsSchema } from '../config/accounts.js';
import type { Db } from '../store/db.js';
import { TotpSeal } from './totp-seal.js';
import { newTotpSecret } from './totp.js';

const KEY = 'k'.repeat(40);

describe('TOTP secrets sealed at rest', () => {
  it('seals with a fresh IV each time and opens with the same key only', () => {
    const seal = new TotpSeal(KEY);
    const secret = newTotpSecret();
    const a = seal.seal(secret);
    const b = seal.seal(secret);
    expect(a).toMatch(/^v1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(seal.open(a)).toBe(secret);
    expect(() => new TotpSeal('x'.repeat(40)).open(a)).toThrow();
    // A secret stored before sealing existed reads as it is.
    expect(seal.open(secret)).toBe(secret);
  });

  it('refuses a short key, and refuses to enrol without a key, with a message that says what to set', () => {
    expect(() => new TotpSeal('short')).toThrow(/at least 32 characters/);
    const ctx = new AccountsContext({} as Db, accountsSchema.parse({}));
    expect(() => ctx.sealTotp(newTotpSecret())).toThrow(/VIGIL_TOTP_KEY/);
    expect(() => ctx.openTotp(new TotpSeal(KEY).seal('ABC'))).toThrow(/VIGIL_TOTP_KEY is not set/);
  });
});
