// The TOTP enrolment's otpauth:// URI as a QR code an authenticator app scans: an SVG made on the server
// (qrcode), so the page needs no script of its own for it and nothing is fetched from elsewhere.
import QRCode from 'qrcode';

/** An SVG document of the URI's QR code: error correction M, the standard 4-module quiet zone. */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, width: 240 });
}
