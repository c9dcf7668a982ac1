// Tests for webhook signing: known HMAC, header handling, replay window, tampering and malformed input.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhook, signWebhook, verifyWebhook, type WebhookCheck } from './webhook-signature.js';

const SECRET = 'test-secret-not-real';
const BODY = '{"alertId":"a1","plate":"粤B12345"}';
const T = 1_795_000_000;
const reason = (check: WebhookCheck) => (check.ok ? 'ok' : check.reason);

describe('signWebhook', () => {
  it('signs "timestamp.body" with HMAC-SHA256 in hex', () => {
    const headers = signWebhook(SECRET, BODY, T);
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`, 'utf8').digest('hex');
    expect(headers).toEqual({ 'X-Vigil-Timestamp': String(T), 'X-Vigil-Signature': `sha256=${expected}` });
  });

  it('uses whole seconds of the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const ts = Number(signWebhook(SECRET, BODY)['X-Vigil-Timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(before + 1);
    expect(signWebhook(SECRET, BODY, T + 0.9)['X-Vigil-Timestamp']).toBe(String(T));
  });

  it('refuses an empty secret', () => {
    expect(() => signWebhook('', BODY, T)).toThrow(TypeError);
    expect(() => verifyWebhook('', BODY, signWebhook(SECRET, BODY, T), 300, T)).toThrow(TypeError);
  });
});

describe('verifyWebhook', () => {
  const signed = signWebhook(SECRET, BODY, T);
  const lower = { 'x-vigil-timestamp': signed['X-Vigil-Timestamp'], 'x-vigil-signature': signed['X-Vigil-Signature'] };

  it('accepts its own signature, under any header case and from fetch Headers', () => {
    expect(verifyWebhook(SECRET, BODY, signed, 300, T)).toBe(true);
    expect(verifyWebhook(SECRET, BODY, lower, 300, T)).toBe(true);
    expect(verifyWebhook(SECRET, BODY, new Headers(lower), 300, T)).toBe(true);
    expect(verifyWebhook(SECRET, BODY, { ...lower, 'x-vigil-timestamp': [String(T)] }, 300, T)).toBe(true);
  });

  it('refuses a wrong secret, a changed body, and a timestamp moved to dodge the window', () => {
    expect(checkWebhook('other-secret', BODY, signed, 300, T)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(checkWebhook(SECRET, BODY.replace('B12345', 'B12346'), signed, 300, T).ok).toBe(false);
    const moved = { ...signed, 'X-Vigil-Timestamp': String(T + 100) };
    expect(checkWebhook(SECRET, BODY, moved, 300, T + 100)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('holds the replay window at exactly toleranceS either side', () => {
    expect(verifyWebhook(SECRET, BODY, signed, 300, T + 300)).toBe(true);
    expect(verifyWebhook(SECRET, BODY, signed, 300, T - 300)).toBe(true);
    expect(checkWebhook(SECRET, BODY, signed, 300, T + 301)).toEqual({ ok: false, reason: 'outside_window' });
    expect(checkWebhook(SECRET, BODY, signed, 300, T - 301)).toEqual({ ok: false, reason: 'outside_window' });
    expect(verifyWebhook(SECRET, BODY, signed, 10, T + 11)).toBe(false);
  });

  it('refuses missing and malformed headers without throwing', () => {
    expect(checkWebhook(SECRET, BODY, {}, 300, T)).toEqual({ ok: false, reason: 'missing_header' });
    expect(reason(checkWebhook(SECRET, BODY, { 'x-vigil-timestamp': String(T) }, 300, T))).toBe('missing_header');
    const sig = signed['X-Vigil-Signature'];
    for (const bad of [sig.slice(7), `sha1=${sig.slice(7)}`, sig.slice(0, -2), `${sig}00`, 'sha256=zz']) {
      expect(reason(checkWebhook(SECRET, BODY, { ...lower, 'x-vigil-signature': bad }, 300, T))).toBe('malformed');
    }
    expect(reason(checkWebhook(SECRET, BODY, { ...lower, 'x-vigil-timestamp': '1e9' }, 300, T))).toBe('malformed');
    expect(reason(checkWebhook(SECRET, BODY, { ...lower, 'x-vigil-timestamp': '-5' }, 300, T))).toBe('malformed');
  });
});
