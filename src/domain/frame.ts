// Decoded images and video frames as they move inside one process (never through Redis).

/** Packed RGB, 3 bytes per pixel, rows top to bottom, no padding. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** One decoded frame of a camera, stamped when it left ffmpeg. */
export interface Frame extends RgbImage {
  cameraId: string;
  /** Counts frames since the camera worker started; restarts do not reset it. */
  seq: number;
  /** Wall-clock capture time, epoch milliseconds. */
  capturedAt: number;
  /**
   * The camera's clock minus the node's, ms, from the camera's latest RTCP sender report (RTSP cameras that
   * send them; src/ingest/camera-clock.ts). Absent when not known.
   */
  clockOffsetMs?: number;
}

/** Axis-aligned box in pixels: left, top, right, bottom. */
export type Box = [x1: number, y1: number, x2: number, y2: number];

/** Region of interest as fractions of the frame (0..1), so it survives a change of analysis size. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}
