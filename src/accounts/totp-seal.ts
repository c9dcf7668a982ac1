// TOTP secrets sealed at rest: AES-256-GCM under a key derived (HKDF-SHA256) from VIGIL_TOTP_KEY, which lives
// in the environment or a secret file, never in the repository or the database. A stolen database alone
// then gives no second factors.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/load.js';

const PREFIX = 'v1';
/** Shortest key accepted: 32 characters (e.g. `openssl rand -hex 32` gives 64). */
export const TOTP_KEY_MIN = 32;

export class TotpSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < TOTP_KEY_MIN)
      throw new ConfigError(
        `VIGIL_TOTP_KEY: at least ${TOTP_KEY_MIN} characters (e.g. openssl rand -hex 32), got ${secret.length}`,
      );
    this.key = Buffer.from(hkdfSync('sha256', secret, 'vigil', 'totp-secret-v1', 32));
  }

  /** `v1$iv$tag$ciphertext` (base64url), a fresh IV each time. */
  seal(base32: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
    return [PREFIX, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('$');
  }

  /** The base32 secret; a value stored before sealing existed (no prefix) is read as it is. Throws on a wrong key. */
  open(stored: string): string {
    const parts = stored.split('$');
    if (parts[0] !== PREFIX || parts.length !== 4) return stored;
    const [iv, tag, body] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
