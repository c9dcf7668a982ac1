// The QR code shown at TOTP enrolment decodes (rasterised by sharp, read by jsQR) to the otpauth:// URI.
import jsqrModule from 'jsqr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpUri } from './totp.js';
import { totpQrSvg } from './totp-qr.js';

// jsqr is CommonJS with `exports.default`: the default import is the function or the module, by loader.
type Reader = typeof jsqrModule.default;
const jsQR: Reader = (jsqrModule as unknown as { default?: Reader }).default ?? (jsqrModule as unknown as Reader);

async function decode(svg: string): Promise<string | null> {
  const { data, info } = await sharp(Buffer.from(svg))
    .resize(480)
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}

describe('totpQrSvg', () => {
  it('draws the otpauth URI so that a QR reader gets it back exactly', async () => {
    const uri = totpUri(newTotpSecret(), 'sun.totp@police', '深圳 Vigil');
    const svg = await totpQrSvg(uri);
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(await decode(svg)).toBe(uri);
  });
});
