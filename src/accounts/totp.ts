// TOTP second factor (RFC 6238, 30 s steps, 6 digits, SHA-1: what every authenticator app reads) via otpauth.
// A code is accepted one step either side of now, and never twice: the step used is kept (no replay).
import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;
const DIGITS = 6;
const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'vigil', issuer = 'Vigil'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/** The otpauth:// URI an authenticator app scans (shown as text and as a QR code by whatever shows it). */
export function totpUri(secret: string, username: string, issuer: string): string {
  return totp(secret, username, issuer).toString();
}

/** The current code (tests, and a user's device). */
export function totpCode(secret: string, now = Date.now()): string {
  return totp(secret).generate({ timestamp: now });
}

/**
 * The time step the code belongs to when it is valid and newer than `lastStep`; null otherwise.
 * The caller stores the step, so the same code cannot sign in twice.
 */
export function acceptTotp(secret: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}
