// Sign-in attempts per client address, counted in Redis (shared by every API node, under the deployment's
// prefix): past the limit a sign-in answers 429 with Retry-After until the window ends.
import type { Redis } from 'ioredis';
import type { AccountsConfig } from '../config/accounts.js';

export type SignInRatePolicy = AccountsConfig['signInRate'];

export type RateVerdict = { ok: true } | { ok: false; attempts: number; retryAfterS: number };

export class SignInRate {
  constructor(
    private readonly redis: Pick<Redis, 'multi'>,
    /** e.g. `<queue prefix>:sign-in-rate`. */
    private readonly prefix: string,
    private readonly policy: SignInRatePolicy,
  ) {}

  /** Counts one attempt from the address; refuses it when the window's count is past the limit. */
  async hit(address: string): Promise<RateVerdict> {
    if (this.policy.maxAttempts === 0) return { ok: true };
    const key = `${this.prefix}:${address}`;
    // INCR then EXPIRE NX: the window starts at the first attempt and is never pushed back by later ones.
    const res = await this.redis.multi().incr(key).expire(key, this.policy.windowSeconds, 'NX').ttl(key).exec();
    const attempts = Number(res?.[0]?.[1] ?? 0);
    const ttl = Number(res?.[2]?.[1] ?? this.policy.windowSeconds);
    if (attempts <= this.policy.maxAttempts) return { ok: true };
    return { ok: false, attempts, retryAfterS: Math.max(1, ttl) };
  }
}

/** What a refused client reads. */
export function rateMessage(retryAfterS: number): string {
  const minutes = Math.ceil(retryAfterS / 60);
  return `too many sign-in attempts from this address: try again in ${retryAfterS < 120 ? `${retryAfterS} s` : `${minutes} minutes`}`;
}
