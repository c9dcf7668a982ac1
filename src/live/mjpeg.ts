// MJPEG for cameras the browser cannot play through MediaSource (H.265): ffmpeg re-encodes a small, slow JPEG
// stream; this cuts it into pictures and frames each as one part of a multipart/x-mixed-replace response.
import type { Fragment } from './fmp4.js';

export const MJPEG_BOUNDARY = 'vigil-frame';

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/** One picture as a multipart part (every part is a "keyframe": a viewer may start at any). */
export function part(jpeg: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`),
    jpeg,
    Buffer.from('\r\n'),
  ]);
}

/**
 * Cuts ffmpeg's `-f mjpeg` output into whole JPEGs. Inside a JPEG's entropy-coded data every 0xFF is
 * followed by 0x00 or a restart marker, so FF D9 appears only as the end of the picture.
 */
export class JpegSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly on: (f: Fragment) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const start = this.pending.indexOf(SOI);
      if (start < 0) return void (this.pending = Buffer.alloc(0));
      const end = this.pending.indexOf(EOI, start + 2);
      if (end < 0) return void (this.pending = Buffer.from(this.pending.subarray(start)));
      this.on({ bytes: part(Buffer.from(this.pending.subarray(start, end + 2))), keyframe: true });
      this.pending = this.pending.subarray(end + 2);
    }
  }
}
