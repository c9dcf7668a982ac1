// The `live:` block of the YAML config: the command room's live camera view (fMP4 over MSE, see README).
import { z } from 'zod';

export const liveSchema = z.strictObject({
  /** Viewers one camera's live stream serves at once; the next is refused with 429. Default 8. */
  maxViewersPerCamera: z.number().int().min(1).max(100).default(8),
  /**
   * The camera's ffmpeg keeps running this long after its last viewer leaves, so switching back and forth
   * between cameras does not reconnect each time. Default 2000 ms (0 stops at once).
   */
  stopAfterMs: z.number().int().min(0).max(600_000).default(2000),
  /** A camera whose stream gives no picture this long after the first viewer asked is reported offline. Default 10 000 ms. */
  startTimeoutMs: z.number().int().min(1000).max(120_000).default(10_000),
  /**
   * Longest fragment, ms: ffmpeg also cuts at every keyframe. Shorter means less delay (a fragment is sent
   * only once complete); one frame per fragment at 10-25 fps costs about 100 bytes of headers each. Default 100 ms.
   */
  fragmentMs: z.number().int().min(20).max(5000).default(100),
  /** A viewer that has this many bytes not yet taken by its connection skips ahead to the next keyframe. Default 4 MiB. */
  viewerBufferBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(256 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** MJPEG fallback (cameras whose codec the browser cannot play, e.g. H.265): pictures per second. Default 5. */
  mjpegFps: z.number().gt(0).max(30).default(5),
  /** MJPEG fallback picture width, px (height keeps the aspect ratio). Default 960. */
  mjpegWidth: z.number().int().min(160).max(3840).default(960),
});

export type LiveConfig = z.infer<typeof liveSchema>;
