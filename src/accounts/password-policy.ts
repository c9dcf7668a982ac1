// What a password must be: long enough, not trivially repetitive, not the username or a well-known password.
// Length over composition rules (NIST SP 800-63B 5.1.1.2); the list below is the top of the breached lists.
import { randomBytes } from 'node:crypto';
import type { AccountsConfig } from '../config/accounts.js';

export type PasswordPolicy = AccountsConfig['password'];

const COMMON = new Set(
  [
    'password',
    'password1',
    'password123',
    '123456789012',
    'qwertyuiop',
    'qwerty123456',
    '1q2w3e4r5t6y',
    'iloveyou',
    'letmein',
    'welcome',
    'admin',
    'administrator',
    'changeme',
    'passw0rd',
    'p@ssw0rd',
    'p@ssword',
    'vigil',
    'police',
    'abc123',
    'trustno1',
    'dragon',
    'monkey',
    'sunshine',
    'football',
    'baseball',
    'master',
    'superman',
    'whatever',
  ].map((p) => p.toLowerCase()),
);

/** Why the password is refused, or null when it passes. `who` are the user's own names, never allowed inside it. */
export function passwordProblem(
  password: string,
  policy: PasswordPolicy,
  who: { username: string; displayName?: string },
): string | null {
  const length = [...password].length;
  if (length < policy.minLength) return `at least ${policy.minLength} characters (this has ${length})`;
  if (length > policy.maxLength) return `at most ${policy.maxLength} characters`;
  if (new Set(password).size < policy.minDistinct) return `at least ${policy.minDistinct} different characters`;
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (COMMON.has(lower) || COMMON.has(stripped)) return 'a well-known password: choose another';
  const names = [who.username, ...(who.displayName ? who.displayName.split(/\s+/) : [])]
    .map((n) => n.toLowerCase())
    .filter((n) => n.length >= 3);
  if (names.some((n) => lower.includes(n))) return 'must not contain the username or the name';
  return null;
}

/** A one-time first password: 20 characters of base64url (120 bits), always within the policy. */
export function oneTimePassword(): string {
  for (;;) {
    const p = randomBytes(15).toString('base64url');
    if (new Set(p).size >= 12) return p;
  }
}
