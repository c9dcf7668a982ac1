// The two live formats: fMP4 (the camera's H.264 copied, for MediaSource; the default) and MJPEG (re-encoded,
// for codecs the browser cannot play). Each names its ffmpeg arguments, its response type and its splitter.
import type { LiveConfig } from '../config/live.js';
import { codecOf, Fmp4Splitter, type Fragment } from './fmp4.js';
import { buildLiveArgs, buildMjpegArgs } from './live-args.js';
import { JpegSplitter, MJPEG_BOUNDARY } from './mjpeg.js';

export const LIVE_FORMATS = ['fmp4', 'mjpeg'] as const;
export type LiveFormatName = (typeof LIVE_FORMATS)[number];

export interface FormatEvents {
  /** What every viewer gets first (the fMP4 init segment; nothing for MJPEG) and the codec it carries. */
  header(bytes: Buffer, codec: string): void;
  unit(f: Fragment): void;
}

export interface LiveFormat {
  contentType: string;
  args(source: string, config: LiveConfig): string[];
  splitter(on: FormatEvents): { push(chunk: Buffer): void };
}

export const FORMATS: Record<LiveFormatName, LiveFormat> = {
  fmp4: {
    contentType: 'video/mp4',
    args: (source, config) => buildLiveArgs({ source, fragmentMs: config.fragmentMs }),
    splitter: (on) =>
      new Fmp4Splitter({ init: (init) => on.header(init, codecOf(init) ?? 'avc1.42e01e'), fragment: on.unit }),
  },
  mjpeg: {
    contentType: `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`,
    args: (source, config) => buildMjpegArgs({ source, fps: config.mjpegFps, width: config.mjpegWidth }),
    splitter: (on) => {
      let started = false;
      return new JpegSplitter((f) => {
        if (!started) on.header(Buffer.alloc(0), 'mjpeg');
        started = true;
        on.unit(f);
      });
    },
  },
};
