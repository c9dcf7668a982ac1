// Lockout after repeated failed sign-ins: N failures in a row lock the account for a while; success resets.
import type { AccountsConfig } from '../config/accounts.js';

export type LockoutPolicy = AccountsConfig['lockout'];

export interface LockState {
  failedAttempts: number;
  lockedUntil: Date | null;
}

/** When the account is locked now, until when; else null. */
export function lockedUntil(state: LockState, now: Date): Date | null {
  return state.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null;
}

/** The state after one more failure: at maxFailures in a row the account locks and the count starts again. */
export function afterFailure(state: LockState, policy: LockoutPolicy, now: Date): LockState & { locked: boolean } {
  // A lock that has run out starts a fresh count.
  const previous = state.lockedUntil && state.lockedUntil <= now ? 0 : state.failedAttempts;
  const failedAttempts = previous + 1;
  if (failedAttempts >= policy.maxFailures) {
    return { failedAttempts: 0, lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000), locked: true };
  }
  return { failedAttempts, lockedUntil: null, locked: false };
}

/** What a locked-out user reads: when to try again, and who can help sooner. */
export function lockedMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `this account is locked after repeated failed sign-ins: try again in ${minutes} minute${minutes === 1 ? '' : 's'} (at ${until.toISOString()}), or ask an administrator to unlock it`;
}
