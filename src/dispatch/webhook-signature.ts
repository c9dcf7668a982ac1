// Webhook signing: HMAC-SHA256 over "timestamp.body", checked in constant time within a replay window.
import { createHmac, timingSafeEqual } from 'node:crypto';

const TIMESTAMP_HEADER = 'X-Vigil-Timestamp';
const SIGNATURE_HEADER = 'X-Vigil-Signature';

/** A type, not an interface, so it can be spread into and passed as a plain header record. */
export type WebhookSignatureHeaders = {
  /** Unix seconds when the body was signed. */
  'X-Vigil-Timestamp': string;
  'X-Vigil-Signature': `sha256=${string}`;
};

/** Why a delivery was refused; `ok` when it verified. */
export type WebhookCheck =
  { ok: true } | { ok: false; reason: 'missing_header' | 'malformed' | 'outside_window' | 'bad_signature' };

const nowSeconds = () => Math.floor(Date.now() / 1000);

function hmacHex(secret: string, timestamp: string, body: string): string {
  // The timestamp is inside the MAC so a captured delivery cannot be replayed with a fresh one.
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Headers to send with `body`; `timestamp` is Unix seconds. */
export function signWebhook(secret: string, body: string, timestamp: number = nowSeconds()): WebhookSignatureHeaders {
  if (secret === '') throw new TypeError('signWebhook: the secret is empty');
  const ts = String(Math.floor(timestamp));
  return { 'X-Vigil-Timestamp': ts, 'X-Vigil-Signature': `sha256=${hmacHex(secret, ts, body)}` };
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** Node lower-cases incoming header names; fetch's Headers is case-insensitive already. */
function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a delivery and says why it failed. `body` must be the raw bytes as received (as a
 * string), not re-serialised JSON. Deliveries older or newer than `toleranceS` are refused so a
 * captured one cannot be replayed later; receivers that must refuse replays inside the window too
 * should also remember recent signatures.
 */
export function checkWebhook(
  secret: string,
  body: string,
  headers: HeaderBag,
  toleranceS = 300,
  now: number = nowSeconds(),
): WebhookCheck {
  if (secret === '') throw new TypeError('checkWebhook: the secret is empty');
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing_header' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!/^\d{1,12}$/.test(timestamp) || !match) return { ok: false, reason: 'malformed' };
  if (Math.abs(now - Number(timestamp)) > toleranceS) return { ok: false, reason: 'outside_window' };
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  const given = Buffer.from(match[1], 'hex');
  // Both are 32 bytes here (the pattern fixes the length), as timingSafeEqual requires.
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** True when the delivery is signed with `secret` and its timestamp is within `toleranceS` of now. */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: HeaderBag,
  toleranceS = 300,
  now: number = nowSeconds(),
): boolean {
  return checkWebhook(secret, body, headers, toleranceS, now).ok;
}
