// What a camera source is given and what it reports: its options (ffmpeg, timeouts, the frame handler) and status.
import type { DecodeArgsOptions } from './ffmpeg-args.js';
import type { Frame } from '../domain/frame.js';

export type CameraState = 'starting' | 'online' | 'offline' | 'stopped';

export interface CameraStatus {
  cameraId: string;
  /** stopped until start(); starting until the first frame; offline from a failure until frames flow again. */
  state: CameraState;
  lastFrameAt: number | null;
  /** Frames per second delivered over the last `fpsWindowMs`; falls towards 0 when frames stop. */
  fps: number;
  /** ffmpeg processes started after the first one. */
  restarts: number;
  /** Frames replaced by a newer one while the onFrame handler was still busy. */
  dropped: number;
  /** Why the camera is offline (with ffmpeg's last stderr line); cleared when frames flow again. */
  lastError: string | null;
}

export type FrameHandler = (frame: Frame) => void | Promise<void>;

export interface CameraSourceOptions {
  cameraId: string;
  /** rtsp://, rtsps://, file:// URL or file path (files play in real time and loop). */
  url: string;
  fps: number;
  width: number;
  height: number;
  /**
   * Receives each frame. While an async handler runs, only the newest frame waits (older ones are
   * dropped and counted): analysis should see the present, not fall ever further behind.
   */
  onFrame?: FrameHandler;
  /** Restart ffmpeg when no frame came for this long once the stream was running. Default 10 000 ms. */
  stallTimeoutMs?: number;
  /** Allowance for connecting and probing before the first frame of each ffmpeg run. Default 15 000 ms. */
  startTimeoutMs?: number;
  /** First restart delay; doubles with each failure in a row. Default 1000 ms. */
  backoffBaseMs?: number;
  /** Ceiling of the restart delay, so a camera that returns is back within this. Default 10 000 ms. */
  backoffMaxMs?: number;
  /** ffmpeg executable. Default 'ffmpeg' from PATH. */
  ffmpegPath?: string;
  /** Decoder details passed to buildDecodeArgs (RTSP timeout, probe time, threads, file pacing). */
  decode?: Pick<DecodeArgsOptions, 'rtspTimeoutMs' | 'probeMs' | 'threads' | 'realtime' | 'loop'>;
  /**
   * Read the camera's own clock (RTSP sender reports) through ffmpeg's second output, for the clock-drift fault.
   * Default true; false spares the copy where nothing judges the clock.
   */
  cameraClock?: boolean;
  /** ffmpeg stderr lines kept for lastError. Default 20. */
  stderrLines?: number;
  /** Window over which fps is measured. Default 5000 ms. */
  fpsWindowMs?: number;
}
